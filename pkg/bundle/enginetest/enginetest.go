// Package enginetest finds the real engine binaries (opa, conftest, gator)
// that tests run prodready's bundles with. scripts/install-tools.sh installs
// them at pinned versions into .tools/bin; CI sets PRODREADY_REQUIRE_ENGINES=1
// so that a missing engine fails the run instead of skipping the proof.
package enginetest

import (
	"context"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"github.com/prodready/prodready/pkg/engine"
	"github.com/prodready/prodready/pkg/manifest"
	"github.com/prodready/prodready/pkg/policy"
)

// Binary returns the path of the named engine: from $PRODREADY_TOOLS_BIN,
// then the module's .tools/bin, then PATH. When it is found nowhere the test
// is skipped, or fails if PRODREADY_REQUIRE_ENGINES=1.
func Binary(t testing.TB, name string) string {
	t.Helper()
	var dirs []string
	if dir := os.Getenv("PRODREADY_TOOLS_BIN"); dir != "" {
		dirs = append(dirs, dir)
	}
	if root, err := ModuleRoot(); err == nil {
		dirs = append(dirs, filepath.Join(root, ".tools", "bin"))
	}
	for _, dir := range dirs {
		p := filepath.Join(dir, name)
		if info, err := os.Stat(p); err == nil && !info.IsDir() {
			return p
		}
	}
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	if os.Getenv("PRODREADY_REQUIRE_ENGINES") == "1" {
		t.Fatalf("%s not found: run scripts/install-tools.sh", name)
	}
	t.Skipf("%s not found: run scripts/install-tools.sh to prove this target with the real engine", name)
	return ""
}

// ModuleRoot is the directory of go.mod, found upward from the working directory.
func ModuleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", os.ErrNotExist
		}
		dir = parent
	}
}

// Builtin is the embedded policy library.
func Builtin(t testing.TB) *policy.Set {
	t.Helper()
	set, err := policy.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// Key names one (rule, object) finding the same way for every engine:
// "rule-id Kind/namespace/name" ("rule-id Kind/name" for cluster-scoped objects).
func Key(rule, kind, namespace, name string) string {
	return rule + " " + engine.ObjectRef{Kind: kind, Namespace: namespace, Name: name}.String()
}

// SDKFindings evaluates the files under paths with the embedded library
// and returns the keys of the findings that are not exempted: the
// reference every bundle's engine must reproduce.
func SDKFindings(t testing.TB, profile policy.Profile, paths ...string) map[string]bool {
	t.Helper()
	ctx := context.Background()
	// Documents that do not parse are left out here as by every engine.
	loaded := manifest.Load(ctx, paths, manifest.Options{})
	e, err := engine.New(engine.WithProfile(profile))
	if err != nil {
		t.Fatal(err)
	}
	findings, err := e.Evaluate(ctx, loaded.Objects)
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	for _, f := range findings {
		if !f.Exempted {
			keys[Key(f.Rule, f.Object.Kind, f.Object.Namespace, f.Object.Name)] = true
		}
	}
	return keys
}

// Compare reports every key one engine found and the other did not.
func Compare(t testing.TB, wantName string, want map[string]bool, gotName string, got map[string]bool) {
	t.Helper()
	for _, k := range slices.Sorted(maps.Keys(want)) {
		if !got[k] {
			t.Errorf("%s reports %s, %s does not", wantName, k, gotName)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(got)) {
		if !want[k] {
			t.Errorf("%s reports %s, %s does not", gotName, k, wantName)
		}
	}
}
