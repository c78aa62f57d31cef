package opabundle_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	opa "github.com/open-policy-agent/opa/v1/bundle"

	"github.com/prodready/prodready/internal/enginetest"
	"github.com/prodready/prodready/pkg/bundle"
	"github.com/prodready/prodready/pkg/bundle/opabundle"
	"github.com/prodready/prodready/pkg/engine"
	"github.com/prodready/prodready/pkg/manifest"
	"github.com/prodready/prodready/pkg/policy"
)

// examplesDir holds every example manifest: good, bad per rule, demo, incidents.
const examplesDir = "../../../examples"

// keyPair is a fresh RSA key in PEM, so that no private key is committed.
type keyPair struct{ private, public []byte }

func newKeyPair(t *testing.T) keyPair {
	private, public := enginetest.KeyPair(t)
	return keyPair{private, public}
}

func build(t *testing.T, opts bundle.Options, sign *opabundle.Signing) []byte {
	t.Helper()
	files, err := opabundle.Build(opts, sign)
	if err != nil {
		t.Fatal(err)
	}
	if got := files.Paths(); !slices.Equal(got, []string{opabundle.FileName}) {
		t.Fatalf("Build produced %v, want only %s", got, opabundle.FileName)
	}
	return files[opabundle.FileName]
}

func TestBuildIsDeterministic(t *testing.T) {
	keys := newKeyPair(t)
	for name, sign := range map[string]*opabundle.Signing{"unsigned": nil, "signed": {PrivateKey: keys.private}} {
		t.Run(name, func(t *testing.T) {
			// A fresh policy set each time: nothing may depend on map order.
			first := build(t, bundle.Options{Set: enginetest.Builtin(t)}, sign)
			second := build(t, bundle.Options{Set: enginetest.Builtin(t)}, sign)
			if !bytes.Equal(first, second) {
				t.Fatal("two builds with the same options differ")
			}
		})
	}
}

func TestArchiveCarriesNoTimestamps(t *testing.T) {
	gz, err := gzip.NewReader(bytes.NewReader(build(t, bundle.Options{}, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if gz.Name != "" || !gz.ModTime.IsZero() {
		t.Errorf("gzip header has name %q, time %v", gz.Name, gz.ModTime)
	}
	tr := tar.NewReader(gz)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if !hdr.ModTime.Equal(time.Unix(0, 0)) || hdr.Uid != 0 || hdr.Uname != "" {
			t.Errorf("%s: mtime %v, owner %d %q", hdr.Name, hdr.ModTime, hdr.Uid, hdr.Uname)
		}
	}
}

// read opens a bundle with OPA's own reader, as opa run does.
func read(t *testing.T, tarball []byte) opa.Bundle {
	t.Helper()
	b, err := opa.NewReader(bytes.NewReader(tarball)).WithSkipBundleVerification(true).Read()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestManifestAndContents(t *testing.T) {
	set := enginetest.Builtin(t)
	for _, profile := range []policy.Profile{policy.Baseline, policy.Strict} {
		t.Run(string(profile), func(t *testing.T) {
			b := read(t, build(t, bundle.Options{Set: set, Profile: profile, Revision: "1.2.3"}, nil))
			m := b.Manifest
			if m.Revision != "1.2.3" || m.RegoVersion == nil || *m.RegoVersion != 1 {
				t.Errorf("revision %q, rego_version %v", m.Revision, m.RegoVersion)
			}
			if m.Roots == nil || !slices.Equal(*m.Roots, []string{"lib/parameters", "lib/prodready", "prodready"}) {
				t.Errorf("roots %v", m.Roots)
			}
			enabled := set.Enabled(profile)
			var ids []any
			wantFiles := map[string]string{}
			params := map[string]any{}
			for _, r := range enabled {
				ids = append(ids, r.ID)
				wantFiles[r.File] = set.Sources[r.File]
				params[r.ID] = r.Defaults()
			}
			for name, src := range set.Sources {
				if strings.HasPrefix(name, "lib/") {
					wantFiles[name] = src
				}
			}
			want := map[string]any{"name": "prodready", "profile": string(profile), "rules": ids}
			if !reflect.DeepEqual(m.Metadata, want) {
				t.Errorf("metadata\n got %v\nwant %v", m.Metadata, want)
			}

			gotFiles := map[string]string{}
			for _, mod := range b.Modules {
				gotFiles[strings.TrimPrefix(mod.Path, "/")] = string(mod.Raw)
			}
			if !reflect.DeepEqual(gotFiles, wantFiles) {
				t.Errorf("modules %v, want the enabled rules and lib/ unchanged", slices.Sorted(maps.Keys(gotFiles)))
			}

			// data.json is read as JSON; compare it the same way.
			var wantData map[string]any
			raw, _ := json.Marshal(map[string]any{"lib": map[string]any{"parameters": params}})
			if err := json.Unmarshal(raw, &wantData); err != nil {
				t.Fatal(err)
			}
			gotRaw, _ := json.Marshal(b.Data)
			var gotData map[string]any
			if err := json.Unmarshal(gotRaw, &gotData); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(gotData, wantData) {
				t.Errorf("data.json\n got %s\nwant %s", gotRaw, raw)
			}
		})
	}
}

// TestRootsCoverTheShippedPackages: a library's own packages (a team's
// helpers) become roots, the outermost of nested ones only, since OPA
// refuses modules outside the roots and overlapping roots.
func TestRootsCoverTheShippedPackages(t *testing.T) {
	set, err := policy.LoadFiles(map[string]string{
		"extra/x.rego":     "package lib.acme\n\nallow := true\n",
		"extra/sub/y.rego": "package lib.acme.util\n\nallow := true\n",
		"other.rego":       "package other\n\nallow := true\n",
	})
	if err != nil {
		t.Fatal(err)
	}
	m := read(t, build(t, bundle.Options{Set: set}, nil)).Manifest
	want := []string{"lib/parameters", "lib/prodready", "prodready", "lib/acme", "other"}
	if m.Roots == nil || !slices.Equal(*m.Roots, want) {
		t.Errorf("roots %v, want %v", m.Roots, want)
	}
}

func TestSigningKeyMustBePEM(t *testing.T) {
	if _, err := opabundle.Build(bundle.Options{}, &opabundle.Signing{PrivateKey: []byte("/etc/passwd")}); err == nil {
		t.Fatal("a signing key that is not PEM was accepted")
	}
}

// entry is one file of a tarball.
type entry struct {
	name string
	data []byte
}

func untar(t *testing.T, tarball []byte) []entry {
	t.Helper()
	gz, err := gzip.NewReader(bytes.NewReader(tarball))
	if err != nil {
		t.Fatal(err)
	}
	var entries []entry
	tr := tar.NewReader(gz)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return entries
		}
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		entries = append(entries, entry{hdr.Name, data})
	}
}

func retar(t *testing.T, entries []entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, e := range entries {
		if err := tw.WriteHeader(&tar.Header{Name: e.name, Mode: 0o600, Size: int64(len(e.data)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(e.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := gz.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// edit returns the tarball with the named file changed by fn (dropped when
// fn returns nil); a name not in the tarball is added.
func edit(t *testing.T, tarball []byte, name string, fn func([]byte) []byte) []byte {
	t.Helper()
	var out []entry
	found := false
	for _, e := range untar(t, tarball) {
		if e.name == name {
			found = true
			if e.data = fn(e.data); e.data == nil {
				continue
			}
		}
		out = append(out, e)
	}
	if !found {
		out = append(out, entry{name, fn(nil)})
	}
	return retar(t, out)
}

func TestSignedBundleVerifies(t *testing.T) {
	keys := newKeyPair(t)
	signed := build(t, bundle.Options{}, &opabundle.Signing{PrivateKey: keys.private, KeyID: "release"})
	if !slices.ContainsFunc(untar(t, signed), func(e entry) bool { return e.name == "/.signatures.json" }) {
		t.Fatal("signed bundle has no /.signatures.json")
	}
	set, _, err := opabundle.Load(bytes.NewReader(signed), &opabundle.Verification{PublicKey: keys.public, KeyID: "release"})
	if err != nil {
		t.Fatalf("signed bundle does not verify: %v", err)
	}
	// The same catalogue, parameters included, as the rules built in.
	if want := enginetest.Builtin(t).Enabled(policy.Baseline); !reflect.DeepEqual(set.Rules, want) {
		t.Errorf("loaded rules %v,\nwant %v", ruleIDs(set.Rules), ruleIDs(want))
	}
	// Like opa run, the key ID defaults to "default", and the configured key
	// is used whatever the signature names.
	if _, _, err := opabundle.Load(bytes.NewReader(signed), &opabundle.Verification{PublicKey: keys.public}); err != nil {
		t.Errorf("verifying without naming the key: %v", err)
	}
	if _, _, err := opabundle.Load(bytes.NewReader(signed), nil); err != nil {
		t.Errorf("loading a signed bundle without verification: %v", err)
	}

	other := newKeyPair(t)
	unsigned := build(t, bundle.Options{}, nil)
	for name, tc := range map[string]struct {
		tarball []byte
		key     []byte
		want    string
	}{
		"wrong key":         {signed, other.public, "verify"},
		"unsigned":          {unsigned, keys.public, "signatures"},
		"signature dropped": {edit(t, signed, "/.signatures.json", func([]byte) []byte { return nil }), keys.public, "signatures"},
		"module altered": {edit(t, signed, "/lib/review.rego", func(b []byte) []byte {
			return append(b, []byte("\nbackdoor := true\n")...)
		}), keys.public, "digest mismatch"},
		"parameters altered": {edit(t, signed, "/data.json", func(b []byte) []byte {
			return bytes.Replace(b, []byte(`"minRatio":1.5`), []byte(`"minRatio":0.1`), 1)
		}), keys.public, "digest mismatch"},
		"module added": {edit(t, signed, "/lib/extra.rego", func([]byte) []byte {
			return []byte("package lib.prodready.extra\n\nx := 1\n")
		}), keys.public, "not included in bundle signature"},
		"module removed": {edit(t, signed, "/lib/review.rego", func([]byte) []byte { return nil }), keys.public, "not found"},
	} {
		t.Run(name, func(t *testing.T) {
			_, _, err := opabundle.Load(bytes.NewReader(tc.tarball), &opabundle.Verification{PublicKey: tc.key})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error about %q", err, tc.want)
			}
		})
	}
}

func ruleIDs(rules []policy.Rule) []string {
	ids := make([]string, len(rules))
	for i, r := range rules {
		ids[i] = r.ID
	}
	return ids
}

func TestLoadTakesParametersFromData(t *testing.T) {
	unsigned := build(t, bundle.Options{}, nil)
	changed := edit(t, unsigned, "/data.json", func(b []byte) []byte {
		return bytes.Replace(b, []byte(`"minRatio":1.5`), []byte(`"minRatio":2.5`), 1)
	})
	set, _, err := opabundle.Load(bytes.NewReader(changed), nil)
	if err != nil {
		t.Fatal(err)
	}
	rule, _ := set.Rule("memory-limit-no-headroom")
	if got := rule.Defaults()["minRatio"]; got != 2.5 {
		t.Errorf("minRatio %v (%T), want data.json's 2.5", got, got)
	}

	for name, replace := range map[string][2]string{
		"parameter missing":    {`"minRatio":1.5`, `"minRatioo":1.5`},
		"unknown rule":         {`"memory-limit-no-headroom"`, `"no-such-rule"`},
		"no parameters at all": {`"parameters"`, `"params"`},
	} {
		t.Run(name, func(t *testing.T) {
			broken := edit(t, unsigned, "/data.json", func(b []byte) []byte {
				return bytes.Replace(b, []byte(replace[0]), []byte(replace[1]), 1)
			})
			if _, _, err := opabundle.Load(bytes.NewReader(broken), nil); err == nil {
				t.Fatal("a data.json that does not match the rules was accepted")
			}
		})
	}
}

func loadExamples(t *testing.T) []*manifest.Object {
	t.Helper()
	loaded := manifest.Load(context.Background(), []string{examplesDir}, manifest.Options{})
	if len(loaded.Errors) > 0 {
		t.Fatal(loaded.Errors[0])
	}
	if len(loaded.Objects) < 100 {
		t.Fatalf("only %d example objects", len(loaded.Objects))
	}
	return loaded.Objects
}

func TestLoadedBundleRunsLikeBuiltin(t *testing.T) {
	ctx := context.Background()
	objs := loadExamples(t)
	for _, profile := range []policy.Profile{policy.Baseline, policy.Strict} {
		t.Run(string(profile), func(t *testing.T) {
			set, cfg, err := opabundle.Load(bytes.NewReader(build(t, bundle.Options{Profile: profile}, nil)), nil)
			if err != nil {
				t.Fatal(err)
			}
			// The configuration enables the bundle's rules, whatever the engine's profile.
			fromBundle, err := engine.New(engine.WithPolicies(set), engine.WithConfig(cfg))
			if err != nil {
				t.Fatal(err)
			}
			embedded, err := engine.New(engine.WithProfile(profile))
			if err != nil {
				t.Fatal(err)
			}
			out, err := fromBundle.Evaluate(ctx, objs)
			got := out.All()
			if err != nil {
				t.Fatal(err)
			}
			out, err = embedded.Evaluate(ctx, objs)
			want := out.All()
			if err != nil {
				t.Fatal(err)
			}
			if len(want) == 0 {
				t.Fatal("the examples gave no findings")
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("bundle engine gave %d findings, built-in %d", len(got), len(want))
				for _, d := range enginetest.Diff(got, want) {
					t.Log(d)
				}
			}
		})
	}
}
