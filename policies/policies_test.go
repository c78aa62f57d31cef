package policies_test

import (
	"context"
	"os"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"github.com/open-policy-agent/opa/v1/tester"

	"github.com/prodready/prodready/pkg/policy"
)

// TestRego runs every _test.rego of the library, with each rule's default
// parameters from its METADATA as data.lib.parameters, as the SDK provides them.
func TestRego(t *testing.T) {
	set, err := policy.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	runRegoTests(t, set)
}

// TestTeamOverridesRego runs the example teams' tests (the team-overrides
// walkthrough's and the SDK example's) against the library with their
// rules merged in, as a team's CI would.
func TestTeamOverridesRego(t *testing.T) {
	builtin, err := policy.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{"../examples/team-overrides/policy", "../examples/sdk/teamrule/policy"} {
		t.Run(dir, func(t *testing.T) {
			team, err := policy.LoadTeam(dir, os.DirFS(dir))
			if err != nil {
				t.Fatal(err)
			}
			set, err := policy.Merge(builtin, team)
			if err != nil {
				t.Fatal(err)
			}
			runRegoTests(t, set)
		})
	}
}

func runRegoTests(t *testing.T, set *policy.Set) {
	t.Helper()
	modules := map[string]*ast.Module{}
	for name, m := range set.Modules {
		modules[name] = m
	}
	tests, err := set.ParseTests()
	if err != nil {
		t.Fatal(err)
	}
	for name, m := range tests {
		modules[name] = m
	}
	store := inmem.NewFromObject(map[string]any{"lib": map[string]any{"parameters": set.Parameters()}})
	ctx := context.Background()
	ch, err := tester.NewRunner().SetStore(store).SetModules(modules).RaiseBuiltinErrors(true).Run(ctx, modules)
	if err != nil {
		t.Fatal(err)
	}
	ran := 0
	for r := range ch {
		ran++
		name := r.Package + "." + r.Name
		t.Run(name, func(t *testing.T) {
			switch {
			case r.Error != nil:
				t.Errorf("%s: error: %v", r.Location, r.Error)
			case r.Fail:
				t.Errorf("%s: failed", r.Location)
			case r.Skip:
				t.Skip("skipped")
			}
		})
	}
	if ran == 0 {
		t.Fatal("no Rego test ran")
	}
}

// TestEveryRuleHasTests keeps the promise that each rule file has a _test.rego beside it.
func TestEveryRuleHasTests(t *testing.T) {
	set, err := policy.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Rules) == 0 {
		t.Fatal("no rules found")
	}
	for _, r := range set.Rules {
		test := r.File[:len(r.File)-len(".rego")] + "_test.rego"
		if _, ok := set.Tests[test]; !ok {
			t.Errorf("rule %s (%s) has no %s", r.ID, r.File, test)
		}
	}
}
