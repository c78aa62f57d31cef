package config_test

import (
	"reflect"
	"testing"

	"github.com/prodready/prodready/pkg/config"
	"github.com/prodready/prodready/pkg/policy"
)

func ids(rules []policy.Rule) map[string]policy.Rule {
	m := map[string]policy.Rule{}
	for _, r := range rules {
		m[r.ID] = r
	}
	return m
}

func TestEffectiveAppliesTheConfiguration(t *testing.T) {
	set := builtin(t)
	on, off := true, false
	cfg := &config.Config{Rules: map[string]config.Rule{
		"single-replica":         {Severity: policy.Low, Parameters: map[string]any{"minReplicas": 4}},
		"memory-request-missing": {Enabled: &off},
		"zone-spread-missing":    {Enabled: &on}, // strict, enabled under baseline
	}}
	got := ids(config.Effective(set, cfg, ""))
	if _, ok := got["memory-request-missing"]; ok {
		t.Error("a disabled rule is effective")
	}
	if _, ok := got["zone-spread-missing"]; !ok {
		t.Error("a strict rule enabled under baseline is not effective")
	}
	if _, ok := got["startup-probe-missing"]; ok {
		t.Error("another strict rule is effective under baseline")
	}
	single := got["single-replica"]
	if single.Severity != policy.Low || single.Defaults()["minReplicas"] != 4 {
		t.Errorf("single-replica: severity %s, parameters %v", single.Severity, single.Defaults())
	}
	// The set itself is left as it was.
	orig, _ := set.Rule("single-replica")
	if orig.Severity == policy.Low || orig.Defaults()["minReplicas"] != 2 {
		t.Errorf("the set's rule changed: %s %v", orig.Severity, orig.Defaults())
	}
}

func TestEffectiveWithoutConfigurationIsTheProfile(t *testing.T) {
	set := builtin(t)
	for _, p := range []policy.Profile{policy.Baseline, policy.Strict} {
		if got := config.Effective(set, nil, p); !reflect.DeepEqual(got, set.Enabled(p)) {
			t.Errorf("%s: differs from set.Enabled", p)
		}
	}
	if got := config.Effective(set, nil, ""); !reflect.DeepEqual(got, set.Enabled(policy.Baseline)) {
		t.Error(`"" is not baseline`)
	}
}

func TestResolveProfile(t *testing.T) {
	strict := &config.Config{Profile: policy.Strict}
	for _, c := range []struct {
		cfg      *config.Config
		explicit policy.Profile
		want     policy.Profile
	}{
		{nil, "", policy.Baseline},
		{nil, policy.Strict, policy.Strict},
		{&config.Config{}, "", policy.Baseline},
		{strict, "", policy.Strict},
		{strict, policy.Baseline, policy.Baseline}, // --profile beats the file
	} {
		if got := c.cfg.ResolveProfile(c.explicit); got != c.want {
			t.Errorf("%+v, %q: got %s, want %s", c.cfg, c.explicit, got, c.want)
		}
	}
	if got := ids(config.Effective(builtin(t), strict, "")); got["zone-spread-missing"].ID == "" {
		t.Error("the configuration's strict profile is not applied")
	}
}
