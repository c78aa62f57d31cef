// Package opabundle builds prodready's policies into an OPA bundle, the
// gzipped tarball that `opa run --bundle`, `opa eval --bundle` and OPA's
// bundle service load, optionally signed so that OPA verifies it with
// --verification-key; and reads such a bundle back into a policy.Set that
// the SDK runs, verifying its signature first.
//
// The bundle holds the Rego of the enabled rules and of every lib module,
// unchanged and under the same paths as in policies/ (a team's under
// team/), and a data.json with the rules' parameters at
// data.lib.parameters and, when built with a configuration, its exemptions
// at data.lib.exemptions. OPA evaluates
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
	"slices"
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	opa "github.com/open-policy-agent/opa/v1/bundle"
	"github.com/open-policy-agent/opa/v1/keys"
	"go.yaml.in/yaml/v3"

	"github.com/prodready/prodready/pkg/bundle"
	"github.com/prodready/prodready/pkg/config"
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

// roots are the data paths every bundle owns: OPA refuses writes under them
// and other bundles claiming them. data.inventory stays outside, so that it
// can be filled with the objects cross-object rules look up. A team's
// helper packages (lib.acme) add theirs, and a configuration lib/exemptions.
var roots = []string{"lib/parameters", "lib/prodready", "prodready"}

// exemptionsRoot holds a configuration's exemptions, data.lib.exemptions.
const exemptionsRoot = "lib/exemptions"

// The manifest metadata keys Load reads back.
const (
	metadataProfile = "profile"
	metadataRules   = "rules"
	// metadataSeverities are the rules' severities by ID, in a bundle
	// built with a configuration, which may change them.
	metadataSeverities = "severities"
)

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
	severities := make(map[string]any, len(rules))
	for i, r := range rules {
		ids[i] = r.ID
		params[r.ID] = r.Defaults()
		severities[r.ID] = string(r.Severity)
	}
	shipped, err := opts.Modules()
	if err != nil {
		return nil, err
	}
	var modules []opa.ModuleFile
	for _, m := range shipped {
		modules = append(modules, opa.ModuleFile{URL: "/" + m.Path, Path: "/" + m.Path, Raw: []byte(m.Source)})
	}
	lib := map[string]any{"parameters": params}
	metadata := map[string]any{"name": "prodready", metadataProfile: string(opts.Profile), metadataRules: ids}
	owned := slices.Clone(roots)
	// Without a configuration the bundle is the library as it ships.
	if opts.Config != nil {
		if lib["exemptions"], err = opts.Exemptions(); err != nil {
			return nil, err
		}
		metadata[metadataSeverities] = severities
		owned = append(owned, exemptionsRoot)
	}
	b := opa.Bundle{
		Manifest: opa.Manifest{
			Revision: opts.Revision,
			Roots:    new(packageRoots(opts.Set, shipped, owned)),
			Metadata: metadata,
		},
		Data:    map[string]any{"lib": lib},
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

// packageRoots are owned and, sorted after them, the packages of shipped
// modules that lie under none of them (a team's helpers, lib.acme), the
// outermost of nested ones only: OPA refuses overlapping roots.
func packageRoots(set *policy.Set, shipped []bundle.Module, owned []string) []string {
	sort.Strings(owned)
	var packages []string
	for _, m := range shipped {
		var parts []string
		for _, term := range set.Modules[m.File].Package.Path[1:] {
			part, _ := term.Value.(ast.String)
			parts = append(parts, string(part))
		}
		packages = append(packages, strings.Join(parts, "/"))
	}
	sort.Strings(packages)
	extra := []string{}
	for _, pkg := range packages {
		if !under(pkg, owned) && !under(pkg, extra) {
			extra = append(extra, pkg)
		}
	}
	return append(owned, extra...)
}

func under(p string, roots []string) bool {
	return slices.ContainsFunc(roots, func(r string) bool { return p == r || strings.HasPrefix(p, r+"/") })
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

// Load reads an OPA bundle built by Build into a policy.Set and the
// configuration it was built with, for
// engine.New(engine.WithPolicies(set), engine.WithConfig(cfg)), which then
// runs what OPA runs with the bundle. With verify, the bundle must carry a
// signature by that key that covers every file it holds: an unsigned or
// altered bundle, or another key, is an error. With nil, a signature is
// not checked.
//
// The set holds the rules the bundle was built with; the parameters are
// those of the bundle's data.json, which is what OPA runs the bundle with:
// they replace the defaults of the rules' METADATA. The configuration
// enables every rule of the bundle, whatever its profile, with the
// severity the bundle was built with, and holds its exemptions
// (data.lib.exemptions), without the lines of the file they came from.
func Load(r io.Reader, verify *Verification) (*policy.Set, *config.Config, error) {
	reader := opa.NewReader(r).WithRegoVersion(ast.RegoV1)
	if verify == nil {
		reader = reader.WithSkipBundleVerification(true)
	} else {
		cfg, err := verify.config()
		if err != nil {
			return nil, nil, err
		}
		reader = reader.WithBundleVerificationConfig(cfg)
	}
	b, err := reader.Read()
	if err != nil {
		return nil, nil, fmt.Errorf("reading the bundle: %w", err)
	}
	files := make(map[string]string, len(b.Modules))
	for _, m := range b.Modules {
		files[strings.TrimPrefix(m.Path, "/")] = string(m.Raw)
	}
	set, err := policy.LoadFiles(files)
	if err != nil {
		return nil, nil, fmt.Errorf("bundle policies: %w", err)
	}
	if err := setParameters(set, b.Data); err != nil {
		return nil, nil, fmt.Errorf("bundle data.json: %w", err)
	}
	cfg, err := configuration(set, b)
	if err != nil {
		return nil, nil, err
	}
	return set, cfg, nil
}

// configuration is the configuration a bundle was built with, as far as
// the SDK needs it to run the bundle as OPA does: every rule enabled, with
// the manifest's severities and data.json's exemptions.
func configuration(set *policy.Set, b opa.Bundle) (*config.Config, error) {
	profile, _ := b.Manifest.Metadata[metadataProfile].(string)
	severities, _ := b.Manifest.Metadata[metadataSeverities].(map[string]any)
	cfg := &config.Config{Profile: policy.Profile(profile), Rules: map[string]config.Rule{}}
	on := true
	for _, r := range set.Rules {
		tuning := config.Rule{Enabled: &on}
		if sev, ok := severities[r.ID].(string); ok {
			tuning.Severity = policy.Severity(sev)
		}
		cfg.Rules[r.ID] = tuning
	}
	lib, _ := b.Data["lib"].(map[string]any)
	if exemptions, ok := lib["exemptions"]; ok {
		raw, err := json.Marshal(exemptions)
		if err == nil {
			err = json.Unmarshal(raw, &cfg.Exemptions)
		}
		if err != nil {
			return nil, fmt.Errorf("bundle data.json: lib.exemptions: %w", err)
		}
	}
	if err := cfg.Validate(set); err != nil {
		return nil, fmt.Errorf("bundle: %w", err)
	}
	return cfg, nil
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
