package main

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prodready/prodready/internal/enginetest"
	"github.com/prodready/prodready/pkg/bundle"
	"github.com/prodready/prodready/pkg/bundle/oci"
	"github.com/prodready/prodready/pkg/bundle/opabundle"
)

// TestBundleWritesTheCommittedBundles: the CLI builds byte for byte what
// bundles/ holds (make bundles uses it, and the committed bundles are the
// ones the engines' tests prove).
func TestBundleWritesTheCommittedBundles(t *testing.T) {
	for _, target := range []string{"opa", "gatekeeper", "conftest"} {
		out := t.TempDir()
		if res := prodready(t, "", "bundle", "--no-config", "--target", target, "--out", out); res.code != 0 {
			t.Fatalf("%s: exit %d: %s", target, res.code, res.stderr)
		}
		built, err := readTree(out)
		if err != nil {
			t.Fatal(err)
		}
		if diffs := built.Diff(os.DirFS(filepath.Join("..", "..", "bundles", target))); len(diffs) > 0 {
			t.Errorf("bundle --target %s differs from bundles/%s:\n%s", target, target, strings.Join(diffs, "\n"))
		}
	}
}

// TestBundleSigningKey: --signing-key signs the OPA bundle, and the SDK
// loads it only with the matching public key.
func TestBundleSigningKey(t *testing.T) {
	dir := t.TempDir()
	private, public := enginetest.KeyPair(t)
	keyFile := filepath.Join(dir, "key.pem")
	if err := os.WriteFile(keyFile, private, 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	if res := prodready(t, "", "bundle", "--target", "opa", "--out", out, "--signing-key", keyFile); res.code != 0 {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
	tarball, err := os.ReadFile(filepath.Join(out, opabundle.FileName))
	if err != nil {
		t.Fatal(err)
	}
	verify := &opabundle.Verification{PublicKey: public}
	set, _, err := opabundle.Load(bytes.NewReader(tarball), verify)
	if err != nil {
		t.Fatalf("loading the signed bundle: %v", err)
	}
	if len(set.Rules) == 0 {
		t.Error("the signed bundle holds no rules")
	}
	unsigned, err := os.ReadFile(filepath.Join("..", "..", "bundles", "opa", opabundle.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := opabundle.Load(bytes.NewReader(unsigned), verify); err == nil {
		t.Error("an unsigned bundle loaded though a verification key was given")
	}
}

func readTree(dir string) (bundle.Files, error) {
	files := bundle.Files{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = data
		return err
	})
	return files, err
}

// TestBundleWithConfigAndPolicy: --config and --policy reach the bundle
// (here Conftest's: the team's rules, the configured severity, the
// exemptions).
func TestBundleWithConfigAndPolicy(t *testing.T) {
	out := t.TempDir()
	team := "examples/team-overrides"
	res := prodready(t, "", "bundle", "--target", "conftest", "--out", out, "--config", team+"/.prodready.yaml", "--policy", team+"/policy")
	if res.code != 0 {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
	if !strings.Contains(res.stderr, "configured by "+team+"/.prodready.yaml") {
		t.Errorf("stderr does not name the configuration: %s", res.stderr)
	}
	built, err := readTree(out)
	if err != nil {
		t.Fatal(err)
	}
	main := string(built["policy/main.rego"])
	for _, want := range []string{`"id": "team-label-missing"`, `"id": "cpu-request-missing",
		"severity": "high",
		"enforcement": "deny"`} {
		if !strings.Contains(main, want) {
			t.Errorf("main.rego lacks %s", want)
		}
	}
	if !strings.Contains(string(built["data/exemptions.yaml"]), "PLAT-1234") {
		t.Errorf("data/exemptions.yaml:\n%s", built["data/exemptions.yaml"])
	}
}

// TestBundleForOlderGatekeeper: --gatekeeper-version builds for Gatekeeper
// 3.15 to 3.18 (Rego v0 templates); an older one, or the flag with another
// target, is a usage error.
func TestBundleForOlderGatekeeper(t *testing.T) {
	out := t.TempDir()
	if res := prodready(t, "", "bundle", "--no-config", "--target", "gatekeeper", "--gatekeeper-version", "3.16", "--out", out); res.code != 0 {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
	tmpl, err := os.ReadFile(filepath.Join(out, "templates", "prodready.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(tmpl, []byte("import future.keywords")) || bytes.Contains(tmpl, []byte("version: v1")) {
		t.Errorf("the 3.16 template is not in Rego v0 with future.keywords:\n%s", tmpl)
	}
	for _, args := range [][]string{
		{"--target", "gatekeeper", "--gatekeeper-version", "3.14"},
		{"--target", "opa", "--gatekeeper-version", "3.16"},
	} {
		res := prodready(t, "", append([]string{"bundle", "--no-config", "--out", t.TempDir()}, args...)...)
		if res.code != 2 || !strings.Contains(res.stderr, "gatekeeper") && !strings.Contains(res.stderr, "Gatekeeper") {
			t.Errorf("%v: exit %d, %q; want 2 and an error about the Gatekeeper version", args, res.code, res.stderr)
		}
	}
}

// TestBundlePush: --push puts the bundle in a real registry and prints its
// digest, the one its content has; credentials of the Docker configuration
// are used and never printed; a reference without a tag is a usage error.
func TestBundlePush(t *testing.T) {
	host := enginetest.Registry(t)
	docker := t.TempDir()
	t.Setenv("DOCKER_CONFIG", docker)
	secret := "s3cret-Pa55word"
	auth := base64.StdEncoding.EncodeToString([]byte("robot:" + secret))
	if err := os.WriteFile(filepath.Join(docker, "config.json"), fmt.Appendf(nil, `{"auths": {%q: {"auth": %q}}}`, host, auth), 0o600); err != nil {
		t.Fatal(err)
	}
	ref := "oci://" + host + "/prodready/conftest:1.1.0"
	res := prodready(t, "", "bundle", "--no-config", "--target", "conftest", "--push", ref)
	files, err := readTree("../../bundles/conftest")
	if err != nil {
		t.Fatal(err)
	}
	art, err := oci.Pack("conftest", files)
	if err != nil {
		t.Fatal(err)
	}
	desc, _, err := art.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	if res.code != 0 || res.stdout != desc.Digest.String()+"\n" || !strings.Contains(res.stderr, "pushed the conftest bundle") {
		t.Errorf("push: exit %d, stdout %q (want %s), stderr %s", res.code, res.stdout, desc.Digest, res.stderr)
	}
	if strings.Contains(res.stdout+res.stderr, secret) || strings.Contains(res.stdout+res.stderr, auth) {
		t.Error("the credentials were printed")
	}
	if res := prodready(t, "", "bundle", "--target", "opa", "--push", "oci://"+host+"/prodready/opa"); res.code != 2 || !strings.Contains(res.stderr, "no tag") {
		t.Errorf("a push without a tag: exit %d, %s", res.code, res.stderr)
	}
}
