// Package enginetest finds the real engine binaries (opa, conftest, gator)
// that tests run prodready's bundles with. scripts/install-tools.sh installs
// them at pinned versions into .tools/bin; CI sets PRODREADY_REQUIRE_ENGINES=1
// so that a missing engine fails the run instead of skipping the proof.
package enginetest

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
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
