package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTheDemoFails: every finding the demo expects (its "# expect: RULE
// OBJECT" comments) is printed with its fix, and some fail at high.
func TestTheDemoFails(t *testing.T) {
	code, stdout, stderr := check("../../demo")
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s%s", code, stdout, stderr)
	}
	demo, err := os.ReadFile("../../demo/shop.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var expected int
	for line := range strings.Lines(string(demo)) {
		rule, object, ok := strings.Cut(strings.TrimSpace(strings.TrimPrefix(line, "# expect:")), " ")
		if !ok || !strings.HasPrefix(line, "# expect:") {
			continue
		}
		expected++
		if want := object + " " + rule + " ("; !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q", want)
		}
	}
	if expected == 0 {
		t.Fatal("the demo expects no finding: no # expect lines read")
	}
	if n := strings.Count(stdout, "\n  fix: "); n != expected {
		t.Errorf("%d findings with a fix printed, want the demo's %d:\n%s", n, expected, stdout)
	}
	if !strings.Contains(stdout, "failing at high") || strings.Contains(stdout, " 0 failing") {
		t.Errorf("summary does not report failing findings:\n%s", stdout)
	}
}

// TestTheGoodConfigurationsPass: nothing to report, even at low.
func TestTheGoodConfigurationsPass(t *testing.T) {
	for _, args := range [][]string{{"../../good"}, {"--fail-on", "low", "../../good"}} {
		code, stdout, stderr := check(args...)
		if code != 0 || !strings.Contains(stdout, " 0 findings") || stderr != "" {
			t.Errorf("%v: exit %d, want 0 and no finding\n%s%s", args, code, stdout, stderr)
		}
	}
}

// TestInputErrors: a missing path and a broken document exit 2, each named
// on stderr, and what could be read is still checked.
func TestInputErrors(t *testing.T) {
	dir := t.TempDir()
	broken := filepath.Join(dir, "broken.yaml")
	// Document 2 is not YAML; document 1 is a Deployment with findings.
	content := "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  namespace: shop\nspec:\n  replicas: 1\n---\nkind: [Deployment\n"
	if err := os.WriteFile(broken, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "no-such-dir")
	code, stdout, stderr := check(broken, missing)
	if code != 2 {
		t.Errorf("exit %d, want 2", code)
	}
	for _, want := range []string{missing, broken + ": document 2"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if !strings.Contains(stdout, "Deployment/shop/api single-replica") {
		t.Errorf("the readable document was not checked:\n%s", stdout)
	}
}

func TestUsage(t *testing.T) {
	for _, tt := range []struct {
		args   []string
		code   int
		stderr string
	}{
		{nil, 2, "usage: checkdir"},
		{[]string{"--fail-on", "urgent", "../../demo"}, 2, `unknown severity "urgent"`},
		{[]string{"--no-such-flag", "../../demo"}, 2, "flag provided but not defined"},
		{[]string{"-h"}, 0, "usage: checkdir"},
	} {
		code, _, stderr := check(tt.args...)
		if code != tt.code || !strings.Contains(stderr, tt.stderr) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tt.args, code, stderr, tt.code, tt.stderr)
		}
	}
}

func check(args ...string) (code int, stdout, stderr string) {
	var out, errs bytes.Buffer
	code = run(args, &out, &errs)
	return code, out.String(), errs.String()
}
