package engine

import (
	"testing"
	"testing/fstest"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/prodready/prodready/internal/sandbox"
	"github.com/prodready/prodready/pkg/policy"
	"github.com/prodready/prodready/policies"
)

// TestEmbeddedLibraryPassesEveryCheck is what lets New skip the
// compiler's checks for the embedded library: compiled with all of them
// and the sandbox's capabilities, and checked for undefined references
// into the library, it has no error.
func TestEmbeddedLibraryPassesEveryCheck(t *testing.T) {
	set, err := policy.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	c := ast.NewCompiler().WithCapabilities(sandbox.Capabilities()).WithStrict(true)
	if c.Compile(set.Modules); c.Failed() {
		t.Fatal(c.Errors)
	}
	if errs := undefinedReferences(c); len(errs) > 0 {
		t.Fatal(errs)
	}
}

// Only the modules Builtin parsed are verified: the same text loaded
// otherwise, or a team's module merged in, is compiled with every check.
func TestOnlyTheEmbeddedModulesSkipChecks(t *testing.T) {
	builtin, err := policy.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := policy.Load(policies.FS)
	if err != nil {
		t.Fatal(err)
	}
	team, err := policy.LoadTeam("team", fstest.MapFS{"lib/acme.rego": {Data: []byte("package lib.acme\n\nx := 1\n")}})
	if err != nil {
		t.Fatal(err)
	}
	merged, err := policy.Merge(builtin, team)
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		set  *policy.Set
		want bool
	}{"builtin": {builtin, true}, "loaded": {loaded, false}, "merged": {merged, false}} {
		if got := verified(c.set, c.set.Modules); got != c.want {
			t.Errorf("%s: verified %v, want %v", name, got, c.want)
		}
	}
	if !merged.Verified(merged.Modules["lib/workload.rego"]) || merged.Verified(merged.Modules["team/lib/acme.rego"]) {
		t.Error("a merged set verifies what Builtin parsed, and only that")
	}
}
