package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A mistyped rule, flag, command, configuration key or rule of an
// exemption annotation gets what was probably meant; a rule ID in the
// wrong case is taken.
func TestDidYouMean(t *testing.T) {
	dir := t.TempDir()
	configs := map[string]string{"key.yaml": "rulez:\n  pdb-missing: {}\n", "rule.yaml": "rules:\n  pdb-mising: {}\n"}
	for name, src := range configs {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	annotated := exemptedWorkload("nightly", `prodready.dev/exempt: "pdb-mising"`, `prodready.dev/exempt-reason: "batch"`)
	if res := prodready(t, annotated, "check", "--audit-exemptions", "-"); !strings.Contains(res.stdout, "(pdb-mising: no such rule in this run; did you mean pdb-missing?)") {
		t.Errorf("an exemption annotation's mistyped rule: exit %d\n%s", res.code, res.stdout)
	}
	for _, tc := range []struct {
		args []string
		code int
		says string
	}{
		{[]string{"explain", "pdb-mising"}, 2, `unknown rule "pdb-mising"; did you mean pdb-missing?`},
		{[]string{"explain", "PDB-MISSING"}, 0, "# pdb-missing"},
		{[]string{"check", "--ouput", "json", "examples/demo"}, 2, "unknown flag: --ouput; did you mean output?"},
		{[]string{"chek", "examples/demo"}, 2, "Did you mean this?\n\tcheck"},
		{[]string{"check", "--config", filepath.Join(dir, "key.yaml"), "examples/demo"}, 2, `key.yaml:1: rulez: unknown key "rulez"; did you mean rules?`},
		{[]string{"check", "--config", filepath.Join(dir, "rule.yaml"), "examples/demo"}, 2, `rule.yaml:2: rules.pdb-mising: "pdb-mising" is not a known rule ID; did you mean pdb-missing?`},
	} {
		res := prodready(t, "", tc.args...)
		if out := res.stdout + res.stderr; res.code != tc.code || !strings.Contains(out, tc.says) {
			t.Errorf("%v: exit %d, %q; want exit %d and %q", tc.args, res.code, out, tc.code, tc.says)
		}
	}
}
