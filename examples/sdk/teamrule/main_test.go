package main

import (
	"context"
	"strings"
	"testing"

	"github.com/prodready/prodready/pkg/manifest"
	"github.com/prodready/prodready/pkg/policy"
)

// TestTeamRuleOverridesTheBuiltIn: single-replica is the team's rule,
// with the configured number of zones, and judges as the team wrote it.
func TestTeamRuleOverridesTheBuiltIn(t *testing.T) {
	eng, err := newEngine()
	if err != nil {
		t.Fatal(err)
	}
	var rule policy.Rule
	for _, r := range eng.Rules() {
		if r.ID == "single-replica" {
			rule = r
		}
	}
	if rule.Source != "acme" || rule.Version != "1.0.0-acme.1" || rule.Severity != policy.High {
		t.Errorf("single-replica is %s %s %s, want acme's 1.0.0-acme.1, high", rule.Source, rule.Version, rule.Severity)
	}
	if zones := rule.Defaults()["zones"]; zones != 3 && zones != int64(3) && zones != float64(3) {
		t.Errorf("zones %v (%T), want 3 from the configuration", zones, zones)
	}
	// Two replicas: enough for the built-in rule, not for three zones.
	obj, err := manifest.Decode([]byte("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  namespace: shop\nspec:\n  replicas: 2\n"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := eng.Evaluate(context.Background(), []*manifest.Object{obj})
	if err != nil {
		t.Fatal(err)
	}
	var found string
	for _, f := range res.Findings {
		if f.Rule == "single-replica" {
			found = f.Message
		}
	}
	if !strings.Contains(found, "runs 2 replicas in a region of 3 zones") {
		t.Errorf("single-replica said %q, want the team's message with 3 zones", found)
	}
}
