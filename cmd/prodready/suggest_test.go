package main

import (
	"strings"
	"testing"
)

// A mistyped rule, flag or command gets what was probably meant; a rule ID
// in the wrong case is taken.
func TestDidYouMean(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		says string
	}{
		{[]string{"explain", "pdb-mising"}, 2, `unknown rule "pdb-mising"; did you mean pdb-missing?`},
		{[]string{"explain", "PDB-MISSING"}, 0, "# pdb-missing"},
		{[]string{"check", "--ouput", "json", "examples/demo"}, 2, "unknown flag: --ouput; did you mean output?"},
		{[]string{"chek", "examples/demo"}, 2, "Did you mean this?\n\tcheck"},
	} {
		res := prodready(t, "", tc.args...)
		if out := res.stdout + res.stderr; res.code != tc.code || !strings.Contains(out, tc.says) {
			t.Errorf("%v: exit %d, %q; want exit %d and %q", tc.args, res.code, out, tc.code, tc.says)
		}
	}
}
