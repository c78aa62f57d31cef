// Package opabundle builds prodready's policies into an OPA bundle, the
// gzipped tarball that `opa run --bundle`, `opa eval --bundle` and OPA's
// bundle service load, optionally signed so that OPA verifies it with
// --verification-key; and reads such a bundle back into a policy.Set that
// the SDK runs, verifying its signature first.
//
// The bundle holds the Rego of the enabled rules and of every lib module,
// unchanged and under the same paths as in policies/, and a data.json with
// the rules' parameters at data.lib.parameters. OPA evaluates
// data.prodready.rules[rule].findings with the object as input, as the SDK
// does. Cross-object rules read data.inventory, which the bundle does not
// own: an OPA server can be fed the cluster's objects there.
package opabundle

import (
	"bytes"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	opa "github.com/open-policy-agent/opa/v1/bundle"
	"github.com/open-policy-agent/opa/v1/keys"
	"go.yaml.in/yaml/v3"

	"github.com/prodready/prodready/pkg/bundle"
	"github.com/prodready/prodready/pkg/policy"
)

const (
	// FileName is the one file Build produces.
	FileName = "prodready.tar.gz"
	// DefaultAlgorithm signs and verifies when none is given; RSA
	// PKCS#1 v1.5 signatures are deterministic, so a signed build is
	// reproducible too (ES* signatures are not).
	DefaultAlgorithm = "RS256"
	// DefaultKeyID is the key name OPA verifies with when none is given
	// (opa run and opa build --verification-key-id).
	DefaultKeyID = "default"
)

// roots are the data paths the bundle owns: OPA refuses writes under them
// and other bundles claiming them. data.inventory stays outside, so that it
// can be filled with the objects cross-object rules look up.
var roots = []string{"lib/parameters", "lib/prodready", "prodready"}

// Signing signs a bundle the way `opa build --signing-key` does.
type Signing struct {
	// PrivateKey is PEM: PKCS#1 or PKCS#8 RSA, or an EC key for ES*.
	PrivateKey []byte
	// Algorithm is a JWS algorithm OPA supports; "" means RS256.
	Algorithm string
	// KeyID names the key in the signature; "" means "default".
	KeyID string
}

// Verification is the public key a bundle must be signed with.
type Verification struct {
	// PublicKey is PEM (a public key or certificate).
	PublicKey []byte
	// Algorithm is the one the bundle was signed with; "" means RS256.
	Algorithm string
	// KeyID is the name the key is known by; "" means "default". As with
	// opa run, the signature is checked with this key whatever it names.
	KeyID string
}

// Build returns the OPA bundle of opts as FileName. The same options (and
// key, when signing with RS*) give the same bytes: OPA's own bundle writer
// writes no timestamps, and the modules go in path order.
func Build(opts bundle.Options, sign *Signing) (bundle.Files, error) {
	opts, err := opts.Normalize()
	if err != nil {
		return nil, err
	}
	rules := opts.Rules()
	ids := make([]any, len(rules))
	params := make(map[string]any, len(rules))
	for i, r := range rules {
		ids[i] = r.ID
		params[r.ID] = r.Defaults()
	}
	var modules []opa.ModuleFile
	for _, name := range shippedFiles(opts.Set, rules) {
		modules = append(modules, opa.ModuleFile{URL: "/" + name, Path: "/" + name, Raw: []byte(opts.Set.Sources[name])})
	}
	b := opa.Bundle{
		Manifest: opa.Manifest{
			Revision: opts.Revision,
			Roots:    new(slices.Clone(roots)),
			Metadata: map[string]any{"name": "prodready", "profile": string(opts.Profile), "rules": ids},
		},
		Data:    map[string]any{"lib": map[string]any{"parameters": params}},
		Modules: modules,
	}
	b.Manifest.SetRegoVersion(ast.RegoV1)
	if sign != nil {
		cfg, keyID, err := sign.config()
		if err != nil {
			return nil, err
		}
		if err := b.GenerateSignature(cfg, keyID, false); err != nil {
			return nil, fmt.Errorf("signing the bundle: %w", err)
		}
	}
	var buf bytes.Buffer
	if err := opa.NewWriter(&buf).Write(b); err != nil {
		return nil, fmt.Errorf("writing the bundle: %w", err)
	}
	// Reading it back makes OPA check what it will check on loading: that
	// every module parses and lies under the roots, and so does the data.
	if _, err := opa.NewReader(bytes.NewReader(buf.Bytes())).WithSkipBundleVerification(true).Read(); err != nil {
		return nil, fmt.Errorf("the bundle built does not load: %w", err)
	}
	return bundle.Files{FileName: buf.Bytes()}, nil
}

// shippedFiles are the module files of the enabled rules and every module
// that declares no rule (lib/), sorted.
func shippedFiles(set *policy.Set, enabled []policy.Rule) []string {
	ruleFiles := map[string]bool{}
	for _, r := range set.Rules {
		ruleFiles[r.File] = false
	}
	for _, r := range enabled {
		ruleFiles[r.File] = true
	}
	var files []string
	for _, name := range slices.Sorted(maps.Keys(set.Sources)) {
		if on, isRule := ruleFiles[name]; on || !isRule {
			files = append(files, name)
		}
	}
	return files
}

func (s *Signing) config() (*opa.SigningConfig, string, error) {
	// OPA takes a key that is not PEM for a file name: insist on PEM.
	if block, _ := pem.Decode(s.PrivateKey); block == nil {
		return nil, "", errors.New("signing key: not a PEM private key")
	}
	return opa.NewSigningConfig(string(s.PrivateKey), or(s.Algorithm, DefaultAlgorithm), ""), or(s.KeyID, DefaultKeyID), nil
}

func (v *Verification) config() (*opa.VerificationConfig, error) {
	if block, _ := pem.Decode(v.PublicKey); block == nil {
		return nil, errors.New("verification key: not a PEM public key")
	}
	alg := or(v.Algorithm, DefaultAlgorithm)
	if !keys.IsSupportedAlgorithm(alg) {
		return nil, fmt.Errorf("verification key: unsupported algorithm %q", alg)
	}
	id := or(v.KeyID, DefaultKeyID)
	return opa.NewVerificationConfig(map[string]*keys.Config{id: {Key: string(v.PublicKey), Algorithm: alg}}, id, "", nil), nil
}

// Load reads an OPA bundle built by Build into a policy.Set for
// engine.WithPolicies. With verify, the bundle must carry a signature by
// that key that covers every file it holds: an unsigned or altered bundle,
// or another key, is an error. With nil, a signature is not checked.
//
// The set holds the rules the bundle was built with; run the rules of a
// strict bundle with engine.WithProfile(policy.Strict). The parameters are
// those of the bundle's data.json, which is what OPA runs the bundle with:
// they replace the defaults of the rules' METADATA.
func Load(r io.Reader, verify *Verification) (*policy.Set, error) {
	reader := opa.NewReader(r).WithRegoVersion(ast.RegoV1)
	if verify == nil {
		reader = reader.WithSkipBundleVerification(true)
	} else {
		cfg, err := verify.config()
		if err != nil {
			return nil, err
		}
		reader = reader.WithBundleVerificationConfig(cfg)
	}
	b, err := reader.Read()
	if err != nil {
		return nil, fmt.Errorf("reading the bundle: %w", err)
	}
	files := make(map[string]string, len(b.Modules))
	for _, m := range b.Modules {
		files[strings.TrimPrefix(m.Path, "/")] = string(m.Raw)
	}
	set, err := policy.LoadFiles(files)
	if err != nil {
		return nil, fmt.Errorf("bundle policies: %w", err)
	}
	if err := setParameters(set, b.Data); err != nil {
		return nil, fmt.Errorf("bundle data.json: %w", err)
	}
	return set, nil
}

// setParameters makes the rules' parameter defaults those of the bundle's
// data.lib.parameters. A parameter a rule declares and the data lacks would
// leave the rule silent in OPA, and one the data sets but no rule declares
// is a mistake: both are errors.
func setParameters(set *policy.Set, data map[string]any) error {
	lib, _ := data["lib"].(map[string]any)
	params, _ := lib["parameters"].(map[string]any)
	declared := map[string]bool{}
	for i := range set.Rules {
		r := &set.Rules[i]
		declared[r.ID] = true
		values, _ := params[r.ID].(map[string]any)
		for j := range r.Parameters {
			p := &r.Parameters[j]
			v, ok := values[p.Name]
			if !ok {
				return fmt.Errorf("lib.parameters lacks %s of rule %s", p.Name, r.ID)
			}
			value, err := plain(v)
			if err != nil {
				return fmt.Errorf("lib.parameters %s of rule %s: %w", p.Name, r.ID, err)
			}
			p.Default = value
		}
		for name := range values {
			if !slices.ContainsFunc(r.Parameters, func(p policy.Parameter) bool { return p.Name == name }) {
				return fmt.Errorf("lib.parameters sets %s of rule %s, which declares no such parameter", name, r.ID)
			}
		}
	}
	for id := range params {
		if !declared[id] {
			return fmt.Errorf("lib.parameters sets parameters of rule %s, which the bundle does not hold", id)
		}
	}
	return nil
}

// plain decodes a value of OPA's reader (numbers as json.Number) the way
// OPA decodes METADATA, as YAML, so that an unchanged default keeps its
// Go type (int 3, not float64 3).
func plain(v any) (any, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out any
	return out, yaml.Unmarshal(raw, &out)
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
