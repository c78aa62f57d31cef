package engine

import (
	"maps"
	"slices"
	"testing"

	"github.com/prodready/prodready/internal/lookup"
	"github.com/prodready/prodready/pkg/policy"
)

func TestInventoryIndexesTheKindsRulesLookUp(t *testing.T) {
	e, err := New()
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{"LimitRange", "Deployment", "Rollout", "CronJob"} {
		if !e.indexed[kind] {
			t.Errorf("%s is not indexed", kind)
		}
	}
	for _, kind := range []string{"CustomResourceDefinition", "ConfigMap"} {
		if e.indexed[kind] {
			t.Errorf("%s is indexed though no rule looks it up", kind)
		}
	}
}

func TestLookupsNameTheKindsEachRuleReads(t *testing.T) {
	set, err := policy.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	lookups, err := lookup.ByRule(set)
	if err != nil {
		t.Fatal(err)
	}
	// pdb-missing reads PDBs directly and HPAs and ScaledObjects through
	// the effective minimum replicas; memory-request-missing reads nothing.
	for _, kind := range []string{"HorizontalPodAutoscaler", "PodDisruptionBudget", "ScaledObject"} {
		if !slices.Contains(lookups["pdb-missing"], kind) {
			t.Errorf("pdb-missing looks up %v, not %s", lookups["pdb-missing"], kind)
		}
	}
	if got, ok := lookups["memory-request-missing"]; ok {
		t.Errorf("memory-request-missing judges its object alone, got lookups %v", got)
	}
	// Every kind a rule looks up is indexed by the engine, and vice versa.
	e, err := New(WithProfile(policy.Strict))
	if err != nil {
		t.Fatal(err)
	}
	union := map[string]bool{}
	for _, kinds := range lookups {
		for _, k := range kinds {
			union[k] = true
		}
	}
	if !maps.Equal(union, e.indexed) {
		t.Errorf("rules look up %v, engine indexes %v", slices.Sorted(maps.Keys(union)), slices.Sorted(maps.Keys(e.indexed)))
	}
}

func TestRulesRunInThePassTheirReadsNeed(t *testing.T) {
	e, err := New(WithProfile(policy.Strict))
	if err != nil {
		t.Fatal(err)
	}
	lookups, err := lookup.ByRule(mustBuiltin(t))
	if err != nil {
		t.Fatal(err)
	}
	for kind, rules := range e.byKind {
		for _, r := range rules.alone.rules {
			if _, reads := lookups[r.ID]; reads {
				t.Errorf("%s: %s reads other objects but runs alone", kind, r.ID)
			}
		}
		for _, r := range rules.across.rules {
			if _, reads := lookups[r.ID]; !reads {
				t.Errorf("%s: %s judges its object alone but waits for every object", kind, r.ID)
			}
		}
	}
	ids := func(rules []policy.Rule) []string {
		var out []string
		for _, r := range rules {
			out = append(out, r.ID)
		}
		return out
	}
	if d := e.byKind["Deployment"]; !slices.Contains(ids(d.across.rules), "pdb-missing") || !slices.Contains(ids(d.alone.rules), "memory-request-missing") {
		t.Errorf("Deployment: alone %v, across %v", ids(d.alone.rules), ids(d.across.rules))
	}
	if e.indexed == nil {
		t.Error("the built-in rules read the inventory through its lookups only, yet every kind is indexed")
	}
}

func mustBuiltin(t *testing.T) *policy.Set {
	t.Helper()
	set, err := policy.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	return set
}
