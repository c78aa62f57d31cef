package oci_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/prodready/prodready/internal/enginetest"
	"github.com/prodready/prodready/pkg/bundle"
	"github.com/prodready/prodready/pkg/bundle/conftest"
	"github.com/prodready/prodready/pkg/bundle/oci"
	"github.com/prodready/prodready/pkg/policy"
)

// TestConftestPullsWhatWasPushed: the Conftest bundle pushed to a real
// registry, pulled by the real conftest and run on examples/, finds what
// prodready check finds.
func TestConftestPullsWhatWasPushed(t *testing.T) {
	isolate(t)
	host := startRegistry(t)
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
