package oci_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prodready/prodready/internal/enginetest"
	"github.com/prodready/prodready/pkg/bundle"
	"github.com/prodready/prodready/pkg/bundle/conftest"
	"github.com/prodready/prodready/pkg/bundle/oci"
	"github.com/prodready/prodready/pkg/bundle/target"
	"github.com/prodready/prodready/pkg/policy"
)

// TestConftestPullsWhatWasPushed: the Conftest bundle pushed to a real
// registry, pulled by the real conftest and run on examples/, finds what
// prodready check finds.
func TestConftestPullsWhatWasPushed(t *testing.T) {
	isolate(t)
	host := enginetest.Registry(t)
	files, err := conftest.Build(bundle.Options{})
	if err != nil {
		t.Fatal(err)
	}
	art, err := oci.Pack("conftest", files)
	if err != nil {
		t.Fatal(err)
	}
	ref := "oci://" + host + "/prodready/conftest:1.1.0"
	if _, err := oci.Push(ctx(t), ref, art); err != nil {
		t.Fatal(err)
	}
	bin := enginetest.Binary(t, "conftest")
	// conftest pull takes --policy relative to where it runs (go-getter
	// drops the leading / of an absolute path).
	work := t.TempDir()
	dir := filepath.Join(work, "bundle")
	pull := exec.Command(bin, "pull", "--policy", "bundle", ref)
	pull.Dir = work
	if out, err := pull.CombinedOutput(); err != nil {
		t.Fatalf("conftest pull: %v\n%s", err, out)
	}
	root, err := enginetest.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	examples := filepath.Join(root, "examples")
	test := exec.Command(bin, "test", "--no-color", "-o", "json", "--all-namespaces", "--combine",
		"--policy", filepath.Join(dir, conftest.PolicyDir), "--data", filepath.Join(dir, conftest.DataDir), examples)
	var stdout, stderr bytes.Buffer
	test.Stdout, test.Stderr = &stdout, &stderr
	var exit *exec.ExitError
	if err := test.Run(); err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 1) {
		t.Fatalf("conftest test: %v\n%s", err, stderr.String())
	}
	enginetest.Compare(t, "prodready check", enginetest.SDKFindings(t, policy.Baseline, examples), "the pulled bundle", conftestKeys(t, stdout.Bytes()))
}

// conftestKeys are the (rule, object) keys of conftest's JSON results.
func conftestKeys(t *testing.T, out []byte) map[string]bool {
	t.Helper()
	var results []struct {
		Failures, Warnings []struct {
			Metadata struct {
				Rule   string
				Object struct{ Kind, Namespace, Name string }
			}
		}
	}
	if err := json.Unmarshal(out, &results); err != nil {
		t.Fatalf("conftest output: %v\n%s", err, out)
	}
	keys := map[string]bool{}
	for _, r := range results {
		for _, f := range append(r.Failures, r.Warnings...) {
			o := f.Metadata.Object
			keys[enginetest.Key(f.Metadata.Rule, o.Kind, o.Namespace, o.Name)] = true
		}
	}
	return keys
}

// TestPullingWhatIsNotThereIsAClearError: a tag never pushed is "not
// found" for conftest pull, and a reference without a tag is refused
// before anything is sent.
func TestPullingWhatIsNotThereIsAClearError(t *testing.T) {
	isolate(t)
	host := enginetest.Registry(t)
	work := t.TempDir()
	pull := exec.Command(enginetest.Binary(t, "conftest"), "pull", "--policy", "bundle", "oci://"+host+"/prodready/conftest:9.9.9")
	pull.Dir = work
	if out, err := pull.CombinedOutput(); err == nil || !strings.Contains(string(out), "not found") {
		t.Errorf("conftest pull of a tag never pushed: %v\n%s", err, out)
	}
	if _, err := oci.Push(ctx(t), "oci://"+host+"/prodready/conftest", &oci.Artifact{}); err == nil || !strings.Contains(err.Error(), "no tag") {
		t.Errorf("a push without a tag: %v", err)
	}
}

// TestTheSameSourceHasTheSameDigest: every target built twice from the
// same source packs to the same manifest, and a push of it again to the
// registry gives the digest it had.
func TestTheSameSourceHasTheSameDigest(t *testing.T) {
	isolate(t)
	host := enginetest.Registry(t)
	for _, name := range target.Names {
		var digests []string
		for range 2 {
			files, err := target.Build(name, bundle.Options{}, target.Extras{})
			if err != nil {
				t.Fatal(err)
			}
			art, err := oci.Pack(name, files)
			if err != nil {
				t.Fatal(err)
			}
			packed, _, err := art.Manifest()
			if err != nil {
				t.Fatal(err)
			}
			pushed, err := oci.Push(ctx(t), "oci://"+host+"/prodready/"+name+":1.1.0", art)
			if err != nil {
				t.Fatal(err)
			}
			if pushed.Digest != packed.Digest {
				t.Errorf("%s: pushed %s, packed %s", name, pushed.Digest, packed.Digest)
			}
			digests = append(digests, pushed.Digest.String())
		}
		if digests[0] != digests[1] {
			t.Errorf("%s: two builds of one source pushed as %s and %s", name, digests[0], digests[1])
		}
	}
}
