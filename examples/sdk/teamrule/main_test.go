package main

import (
	"context"
	"io/fs"
	"strings"
	"testing"

	"github.com/prodready/prodready/pkg/engine"
	"github.com/prodready/prodready/pkg/manifest"
	"github.com/prodready/prodready/pkg/policy"
)

// TestTheTeamRuleReplacesTheBuiltIn: single-replica is Acme's rule, as its
// METADATA declares it, with the zones the configuration sets.
func TestTheTeamRuleReplacesTheBuiltIn(t *testing.T) {
	eng, err := newEngine()
	if err != nil {
		t.Fatal(err)
	}
	rule := singleReplica(t, eng)
	if rule.Source != "acme" || rule.File != "acme/single_replica.rego" || rule.Version != "1.1.0-acme.1" || rule.Severity != policy.High {
		t.Errorf("single-replica is %s's %s, version %s, %s: want acme's acme/single_replica.rego, 1.1.0-acme.1, high",
			rule.Source, rule.File, rule.Version, rule.Severity)
	}
	if got := rule.Defaults(); !isNumber(got["zones"], 3) || !isNumber(got["minReplicas"], 2) {
		t.Errorf("parameters %v, want zones 3 (configured) and minReplicas 2 (the rule's default)", got)
	}
}

// TestTheTeamRuleJudges: a critical workload needs a replica per zone (3,
// configured), others the minimum (2); the autoscaler's minimum counts, as
// in the built-in rule, whose helpers the team rule imports.
func TestTheTeamRuleJudges(t *testing.T) {
	eng, err := newEngine()
	if err != nil {
		t.Fatal(err)
	}
	hpa := obj(t, map[string]any{
		"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
		"metadata": map[string]any{"name": "search", "namespace": "shop"},
		"spec": map[string]any{
			"scaleTargetRef": map[string]any{"apiVersion": "apps/v1", "kind": "Deployment", "name": "search"},
			"minReplicas":    2, "maxReplicas": 10,
		},
	})
	for _, tt := range []struct {
		name string
		objs []*manifest.Object
		want string // in the finding's message; "" for none
	}{
		{"critical, fewer replicas than zones", []*manifest.Object{deployment(t, "checkout", "critical", 2)},
			"runs as few as 2 replicas (spec.replicas 2), fewer than the 3 Acme requires of a critical workload"},
		{"critical, a replica per zone", []*manifest.Object{deployment(t, "checkout", "critical", 3)}, ""},
		{"critical, autoscaled from 2", []*manifest.Object{deployment(t, "search", "critical", 5), hpa},
			`(HorizontalPodAutoscaler "search" minReplicas 2), fewer than the 3`},
		{"standard, two replicas", []*manifest.Object{deployment(t, "reports", "standard", 2)}, ""},
		{"standard, one replica", []*manifest.Object{deployment(t, "reports", "standard", 1)},
			"runs as few as 1 replica (spec.replicas 1), fewer than the 2 Acme requires of every workload"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := messages(t, eng, tt.objs)
			switch {
			case tt.want == "" && len(got) > 0:
				t.Errorf("single-replica found %q, want nothing", got)
			case tt.want != "" && (len(got) != 1 || !strings.Contains(got[0], tt.want)):
				t.Errorf("single-replica found %q, want one finding saying %q", got, tt.want)
			}
		})
	}
}

// TestTheConfigurationTunesTheTeamRule: without the configuration the rule
// counts 2 zones (its default), and without the team rule the configuration
// does not load, since no built-in rule has a zones parameter.
func TestTheConfigurationTunesTheTeamRule(t *testing.T) {
	team, err := fs.Sub(rules, "policy")
	if err != nil {
		t.Fatal(err)
	}
	eng, err := engine.New(engine.WithPolicyFS("acme", team))
	if err != nil {
		t.Fatal(err)
	}
	if got := messages(t, eng, []*manifest.Object{deployment(t, "checkout", "critical", 2)}); len(got) > 0 {
		t.Errorf("with 2 zones, single-replica found %q on 2 replicas, want nothing", got)
	}
	_, err = engine.New(engine.WithConfigYAML(".prodready.yaml", config))
	if err == nil || !strings.Contains(err.Error(), ".prodready.yaml") || !strings.Contains(err.Error(), "zones") {
		t.Errorf("the configuration without the team rule: error %v, want one naming .prodready.yaml and zones", err)
	}
}

func singleReplica(t *testing.T, eng *engine.Engine) policy.Rule {
	t.Helper()
	for _, r := range eng.Rules() {
		if r.ID == "single-replica" {
			return r
		}
	}
	t.Fatal("no single-replica rule")
	return policy.Rule{}
}

// messages are the single-replica findings' messages on objs.
func messages(t *testing.T, eng *engine.Engine, objs []*manifest.Object) []string {
	t.Helper()
	res, err := eng.Evaluate(context.Background(), objs)
	if err != nil {
		t.Fatal(err)
	}
	var msgs []string
	for _, f := range res.Findings {
		if f.Rule == "single-replica" {
			msgs = append(msgs, f.Message)
		}
	}
	return msgs
}

func deployment(t *testing.T, name, tier string, replicas int) *manifest.Object {
	labels := map[string]any{"app": name}
	return obj(t, map[string]any{
		"apiVersion": "apps/v1", "kind": "Deployment",
		"metadata": map[string]any{"name": name, "namespace": "shop", "labels": map[string]any{"acme.dev/tier": tier}},
		"spec": map[string]any{
			"replicas": replicas,
			"selector": map[string]any{"matchLabels": labels},
			"template": map[string]any{
				"metadata": map[string]any{"labels": labels},
				"spec": map[string]any{"containers": []any{map[string]any{
					"name": "app", "image": "registry.example/" + name + ":1.0.0",
				}}},
			},
		},
	})
}

func obj(t *testing.T, content map[string]any) *manifest.Object {
	t.Helper()
	o, err := manifest.FromMap(content)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// isNumber reports whether v, a parameter value as decoded from METADATA
// or YAML, is the number n.
func isNumber(v any, n int) bool {
	switch v := v.(type) {
	case int:
		return v == n
	case int64:
		return v == int64(n)
	case float64:
		return v == float64(n)
	}
	return false
}
