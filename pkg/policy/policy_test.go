package policy_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/prodready/prodready/pkg/policy"
)

func TestBuiltinCatalogue(t *testing.T) {
	set, err := policy.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	r, ok := set.Rule("memory-limit-no-headroom")
	if !ok {
		t.Fatal("memory-limit-no-headroom not in the catalogue")
	}
	if r.Severity != policy.Medium || r.Profile != policy.Baseline || r.Package != "prodready.rules.memory_limit_no_headroom" {
		t.Errorf("rule %+v", r)
	}
	if got := r.Defaults()["minRatio"]; got != 1.5 {
		t.Errorf("minRatio default %v, want 1.5", got)
	}
	if _, ok := set.Rule("no-such-rule"); ok {
		t.Error("found a rule that does not exist")
	}
	params := set.Parameters()
	if len(params) != len(set.Rules) {
		t.Errorf("parameters for %d rules, want %d", len(params), len(set.Rules))
	}
}

const header = `# METADATA
# title: T
# description: D
# custom:
#   id: %ID%
#   severity: %SEV%
#   profile: baseline
#   version: 1.0.0
#   remediation: R
package prodready.rules.%PKG%

findings contains {"msg": "m"} if false
`

func module(id, sev, pkg string) *fstest.MapFile {
	src := strings.NewReplacer("%ID%", id, "%SEV%", sev, "%PKG%", pkg).Replace(header)
	return &fstest.MapFile{Data: []byte(src)}
}

func TestLoadRejectsBrokenMetadata(t *testing.T) {
	cases := map[string]fstest.MapFS{
		"unknown severity": {"a.rego": module("a", "urgent", "a")},
		"duplicate id":     {"a.rego": module("same", "low", "a"), "b.rego": module("same", "low", "b")},
		"no metadata":      {"a.rego": {Data: []byte("package prodready.rules.a\n")}},
		"missing id":       {"a.rego": module("", "low", "a")},
		"syntax error":     {"a.rego": {Data: []byte("package prodready.rules.a\nfindings contains if {\n")}},
	}
	for name, fsys := range cases {
		if _, err := policy.Load(fsys); err == nil {
			t.Errorf("%s: loaded without error", name)
		}
	}
}

func TestSeverityAndProfile(t *testing.T) {
	if !policy.Critical.AtLeast(policy.High) || policy.Medium.AtLeast(policy.High) || !policy.Low.AtLeast(policy.Low) {
		t.Error("severity order wrong")
	}
	if policy.High.Enforcement() != "deny" || policy.Medium.Enforcement() != "warn" {
		t.Error("enforcement wrong")
	}
	if policy.Baseline.Includes(policy.Strict) || !policy.Strict.Includes(policy.Baseline) || !policy.Strict.Includes(policy.Strict) {
		t.Error("profile inclusion wrong")
	}
	if _, err := policy.ParseSeverity("HIGH"); err != nil {
		t.Error(err)
	}
	if _, err := policy.ParseProfile("lenient"); err == nil {
		t.Error("unknown profile accepted")
	}
}
