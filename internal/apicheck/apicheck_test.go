package apicheck_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prodready/prodready/internal/apicheck"
)

const (
	root   = "../.."
	record = "../../docs/api.txt"
)

// TestExportedAPIIsRecorded fails when the exported API differs from
// docs/api.txt. After a deliberate change, run `make api` (UPDATE_API=1)
// and say what changed for importers in CHANGELOG.md.
func TestExportedAPIIsRecorded(t *testing.T) {
	dirs, err := apicheck.Packages(root)
	if err != nil {
		t.Fatal(err)
	}
	got, err := apicheck.Describe(root, dirs)
	if err != nil {
		t.Fatal(err)
	}
	got = "# prodready's exported Go API, recorded by internal/apicheck: `make api` rewrites it.\n\n" + got
	if os.Getenv("UPDATE_API") != "" {
		if err := os.WriteFile(record, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(record)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("the exported API changed: %s", diff(string(want), got))
	}
}

// TestDescribeSeesAPIChanges: the record changes with a new exported
// function, a changed signature or a new exported field, and not with
// comments, bodies or unexported names.
func TestDescribeSeesAPIChanges(t *testing.T) {
	base := "package p\n\n// T is.\ntype T struct {\n\tA int // a\n\tb int\n}\n\nfunc F(x int) error { return nil }\n\nfunc (T) M() {}\n\nfunc (t) m() {}\n\ntype t struct{}\n\nconst C = 1\n"
	describe := func(src string) string {
		dir := t.TempDir()
		if err := os.MkdirAll(filepath.Join(dir, "p"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "p", "p.go"), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := apicheck.Describe(dir, []string{"p"})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	before := describe(base)
	for _, change := range []string{
		strings.Replace(base, "func F(x int) error", "func F(x int64) error", 1),
		strings.Replace(base, "\tb int\n", "\tB int\n", 1),
		base + "\nfunc G() {}\n",
		strings.Replace(base, "const C = 1", "const C = 2", 1),
	} {
		if describe(change) == before {
			t.Errorf("an API change not seen:\n%s", change)
		}
	}
	for _, same := range []string{
		strings.Replace(base, "// T is.", "// T is, now documented better.", 1),
		strings.Replace(base, "{ return nil }", "{ return errNone }\n\nvar errNone error", 1),
		strings.Replace(base, "\tb int\n", "\tb, c int\n", 1),
	} {
		if got := describe(same); got != before {
			t.Errorf("no API change, yet the record differs:\n%s\nwas\n%s", got, before)
		}
	}
}

// diff names the first lines that differ.
func diff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for i := 0; i < max(len(w), len(g)) && b.Len() < 2000; i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			b.WriteString("\n- " + wl + "\n+ " + gl)
		}
	}
	return b.String()
}
