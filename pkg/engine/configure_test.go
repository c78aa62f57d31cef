package engine_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prodready/prodready/pkg/config"
	"github.com/prodready/prodready/pkg/engine"
	"github.com/prodready/prodready/pkg/policy"
)

// twoReplicas is a Deployment single-replica accepts by default (2
// replicas) that misses memory requests (memory-request-missing, high).
const twoReplicas = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
spec:
  replicas: 2
  template:
    spec:
      containers:
        - name: app
          image: app:1
`

// configured evaluates src with opts and returns the engine and its findings by rule.
func configured(t *testing.T, src string, opts ...engine.Option) (*engine.Engine, map[string]engine.Finding) {
	t.Helper()
	eng, err := engine.New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	out, err := eng.Evaluate(context.Background(), parse(t, "d.yaml", src))
	findings := out.All()
	if err != nil {
		t.Fatal(err)
	}
	byRule := map[string]engine.Finding{}
	for _, f := range findings {
		byRule[f.Rule] = f
	}
	return eng, byRule
}

func runs(eng *engine.Engine, id string) (policy.Rule, bool) {
	for _, r := range eng.Rules() {
		if r.ID == id {
			return r, true
		}
	}
	return policy.Rule{}, false
}

func TestConfigDisablesARule(t *testing.T) {
	off := false
	cfg := &config.Config{Rules: map[string]config.Rule{"memory-request-missing": {Enabled: &off}}}
	eng, got := configured(t, twoReplicas, engine.WithConfig(cfg))
	if _, ok := got["memory-request-missing"]; ok {
		t.Error("a disabled rule reports")
	}
	if _, ok := got["cpu-request-missing"]; !ok {
		t.Error("the other rules stopped too")
	}
	if _, ok := runs(eng, "memory-request-missing"); ok {
		t.Error("Rules() lists a disabled rule")
	}
}

func TestConfigEnablesAStrictRuleUnderBaseline(t *testing.T) {
	src, err := os.ReadFile("../../examples/availability/zone-spread-missing.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if _, got := configured(t, string(src)); got["zone-spread-missing"].Rule != "" {
		t.Fatal("zone-spread-missing reports under baseline without a configuration")
	}
	on := true
	eng, got := configured(t, string(src), engine.WithConfig(&config.Config{Rules: map[string]config.Rule{"zone-spread-missing": {Enabled: &on}}}))
	if got["zone-spread-missing"].Rule == "" {
		t.Error("an enabled strict rule does not report under baseline")
	}
	if _, ok := runs(eng, "startup-probe-missing"); ok {
		t.Error("enabling one strict rule enabled others")
	}
}

func TestConfigSeverityChangesEnforcement(t *testing.T) {
	cfg := &config.Config{Rules: map[string]config.Rule{
		"memory-request-missing": {Severity: policy.Low},      // high: deny by default
		"cpu-request-missing":    {Severity: policy.Critical}, // medium: warn by default
	}}
	eng, got := configured(t, twoReplicas, engine.WithConfig(cfg))
	if f := got["memory-request-missing"]; f.Severity != policy.Low || f.Enforcement != "warn" {
		t.Errorf("memory-request-missing: %s, %s; want low, warn", f.Severity, f.Enforcement)
	}
	if f := got["cpu-request-missing"]; f.Severity != policy.Critical || f.Enforcement != "deny" {
		t.Errorf("cpu-request-missing: %s, %s; want critical, deny", f.Severity, f.Enforcement)
	}
	if r, _ := runs(eng, "memory-request-missing"); r.Severity != policy.Low {
		t.Errorf("Rules() says %s", r.Severity)
	}
}

func TestConfigParameterChangesAFinding(t *testing.T) {
	if _, got := configured(t, twoReplicas); got["single-replica"].Rule != "" {
		t.Fatal("two replicas fail the default minReplicas of 2")
	}
	cfg := &config.Config{Rules: map[string]config.Rule{"single-replica": {Parameters: map[string]any{"minReplicas": 3}}}}
	eng, got := configured(t, twoReplicas, engine.WithConfig(cfg))
	if f := got["single-replica"]; !strings.Contains(f.Message, "fewer than the 3 required") {
		t.Errorf("single-replica with minReplicas 3: %q", f.Message)
	}
	if r, _ := runs(eng, "single-replica"); r.Defaults()["minReplicas"] != 3 {
		t.Errorf("Rules() parameters %v", r.Defaults())
	}
}

func TestConfigProfileAndWithProfile(t *testing.T) {
	strict := &config.Config{Profile: policy.Strict}
	eng, err := engine.New(engine.WithConfig(strict))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := runs(eng, "zone-spread-missing"); !ok {
		t.Error("the configuration's strict profile is not applied")
	}
	// An explicit profile (a command's --profile) wins, whatever the order.
	eng, err = engine.New(engine.WithProfile(policy.Baseline), engine.WithConfig(strict))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := runs(eng, "zone-spread-missing"); ok {
		t.Error("WithProfile(baseline) does not win over the configuration")
	}
}

func TestWithRuleReplacesTheConfigurationEntry(t *testing.T) {
	cfg := &config.Config{Rules: map[string]config.Rule{"memory-request-missing": {Severity: policy.Low}}}
	for _, opts := range [][]engine.Option{
		{engine.WithConfig(cfg), engine.WithRule("memory-request-missing", config.Rule{Severity: policy.Critical})},
		{engine.WithRule("memory-request-missing", config.Rule{Severity: policy.Critical}), engine.WithConfig(cfg)},
	} {
		if _, got := configured(t, twoReplicas, opts...); got["memory-request-missing"].Severity != policy.Critical {
			t.Errorf("severity %s, want critical", got["memory-request-missing"].Severity)
		}
	}
	if cfg.Rules["memory-request-missing"].Severity != policy.Low {
		t.Error("WithRule changed the caller's configuration")
	}
}

func TestConfigExemptionsApply(t *testing.T) {
	cfg := &config.Config{Exemptions: []config.Exemption{{Rules: []string{"memory-request-missing"}, Namespace: "shop", Reason: "sized by the platform"}}}
	if _, got := configured(t, twoReplicas, engine.WithConfig(cfg)); !got["memory-request-missing"].Exempted {
		t.Error("the configuration's exemption does not apply")
	}
}

func TestInvalidConfigIsAnError(t *testing.T) {
	for _, opt := range []engine.Option{
		engine.WithRule("no-such-rule", config.Rule{Severity: policy.Low}),
		engine.WithConfig(&config.Config{Rules: map[string]config.Rule{"single-replica": {Parameters: map[string]any{"minReplicas": "three"}}}}),
		engine.WithConfig(&config.Config{Exemptions: []config.Exemption{{Rules: []string{"*"}}}}),
	} {
		if _, err := engine.New(opt); err == nil || !strings.HasPrefix(err.Error(), "configuration: ") {
			t.Errorf("err = %v", err)
		}
	}
}

func TestUnknownProfileIsAnError(t *testing.T) {
	for _, p := range []policy.Profile{"prod", "baseline-ish"} {
		if _, err := engine.New(engine.WithProfile(p)); err == nil || !strings.Contains(err.Error(), `unknown profile "`+string(p)+`" (want baseline or strict)`) {
			t.Errorf("WithProfile(%q): error %v, want the CLI's unknown profile error", p, err)
		}
	}
	eng, err := engine.New(engine.WithProfile("Strict"))
	if err != nil {
		t.Fatal(err)
	}
	strict := false
	for _, r := range eng.Rules() {
		strict = strict || r.Profile == policy.Strict
	}
	if !strict {
		t.Error(`WithProfile("Strict") ran no strict rule`)
	}
}

// TestOptionsAreCheckedWhereGiven: New names every option given wrong, in
// the words the command line and the configuration file use, and takes
// what they accept in any case.
func TestOptionsAreCheckedWhereGiven(t *testing.T) {
	for _, tt := range []struct {
		name string
		opt  engine.Option
		want string
	}{
		{"profile", engine.WithProfile("prod"), `unknown profile "prod" (want baseline or strict)`},
		{"rule ID", engine.WithRule("no-such-rule", config.Rule{}), `rules.no-such-rule: "no-such-rule" is not a known rule ID`},
		{"severity", engine.WithRule("single-replica", config.Rule{Severity: "urgent"}), `rules.single-replica.severity: want one of critical, high, medium or low, got "urgent"`},
		{"parameter", engine.WithRule("single-replica", config.Rule{Parameters: map[string]any{"minReplica": 2}}), `unknown key "minReplica"; did you mean minReplicas? (known: minReplicas)`},
		{"parameter type", engine.WithRule("single-replica", config.Rule{Parameters: map[string]any{"minReplicas": "two"}}), `minReplicas: want an integer, got "two"`},
		{"workers", engine.WithWorkers(0), "workers 0: want at least 1"},
		{"policy file system", engine.WithPolicyFS("team", nil), `team rules "team": no file system`},
		{"clock", engine.WithClock(nil), "clock: nil"},
		{"configuration file", engine.WithConfigFile(filepath.Join(t.TempDir(), ".prodready.yaml")), "no such file"},
		{"configuration", engine.WithConfigYAML(".prodready.yaml", []byte("rules:\n  team-label-missing: {}\n")), `.prodready.yaml:2: rules.team-label-missing: "team-label-missing" is not a known rule ID`},
	} {
		if _, err := engine.New(tt.opt); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want an error saying %q", tt.name, err, tt.want)
		}
	}
	if _, err := engine.New(engine.WithProfile("Strict")); err != nil {
		t.Errorf("profile Strict: %v", err)
	}
	both := []engine.Option{engine.WithConfig(&config.Config{}), engine.WithConfigYAML("c.yaml", nil)}
	if _, err := engine.New(both...); err == nil {
		t.Error("two configurations given: no error")
	}
}

// TestConfigurationComposesWithTeamRules: a configuration that tunes a
// team rule loads in the same New that adds the rule, whatever the order
// of the options.
func TestConfigurationComposesWithTeamRules(t *testing.T) {
	team := os.DirFS("../../examples/team-overrides/policy")
	cfg := []byte("rules:\n  team-label-missing:\n    severity: critical\n")
	for _, opts := range [][]engine.Option{
		{engine.WithPolicyFS("acme", team), engine.WithConfigYAML("c.yaml", cfg)},
		{engine.WithConfigYAML("c.yaml", cfg), engine.WithPolicyFS("acme", team)},
	} {
		eng, err := engine.New(opts...)
		if err != nil {
			t.Fatal(err)
		}
		var severity policy.Severity
		for _, r := range eng.Rules() {
			if r.ID == "team-label-missing" {
				severity = r.Severity
			}
		}
		if severity != policy.Critical {
			t.Errorf("team-label-missing severity %q, want critical from the configuration", severity)
		}
	}
}
