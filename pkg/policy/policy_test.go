package policy_test

import (
	"slices"
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
#   kinds: [Deployment, StatefulSet]
#   version: 1.0.0
#   remediation: R
package prodready.rules.%PKG%

findings contains {"msg": "m"} if false
`

func module(id, sev, pkg string) *fstest.MapFile {
	src := strings.NewReplacer("%ID%", id, "%SEV%", sev, "%PKG%", pkg).Replace(header)
	return &fstest.MapFile{Data: []byte(src)}
}

// withKinds is module("a", "low", "a") with its kinds line replaced by line.
func withKinds(line string) *fstest.MapFile {
	src := strings.Replace(string(module("a", "low", "a").Data), "#   kinds: [Deployment, StatefulSet]\n", line, 1)
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

// workloadKinds is the order of lib/inventory.rego's workload_kinds.
var workloadKinds = []string{"Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob", "Rollout"}

// TestBuiltinKindsAreInOrder keeps every rule's kinds in one order, so that
// the generated docs and bundles read alike: workloads first, in
// workload_kinds order, then the other kinds alphabetically, none twice.
func TestBuiltinKindsAreInOrder(t *testing.T) {
	set, err := policy.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	rank := func(kind string) string {
		if i := slices.Index(workloadKinds, kind); i >= 0 {
			return string(rune('0' + i))
		}
		return "~" + kind
	}
	for _, r := range set.Rules {
		for i := 1; i < len(r.Kinds); i++ {
			if rank(r.Kinds[i-1]) >= rank(r.Kinds[i]) {
				t.Errorf("%s: kinds %v: want workloads in the order %v, then the others sorted, each once", r.ID, r.Kinds, workloadKinds)
				break
			}
		}
	}
}

func TestLoadRequiresKinds(t *testing.T) {
	for name, line := range map[string]string{
		"no kinds":         "",
		"empty kinds":      "#   kinds: []\n",
		"kinds not a list": "#   kinds: Deployment\n",
		"empty kind":       "#   kinds: [Deployment, \"\"]\n",
		"kind not a name":  "#   kinds: [Deployment, 3]\n",
		"kind with group":  "#   kinds: [apps/Deployment]\n",
	} {
		_, err := policy.Load(fstest.MapFS{"a.rego": withKinds(line)})
		if err == nil || !strings.Contains(err.Error(), "custom.kinds") {
			t.Errorf("%s: got error %v, want one about custom.kinds", name, err)
		}
	}
}

func TestKindsAreRead(t *testing.T) {
	set, err := policy.Load(fstest.MapFS{"a.rego": module("a", "low", "a")})
	if err != nil {
		t.Fatal(err)
	}
	if got := set.Rules[0].Kinds; !slices.Equal(got, []string{"Deployment", "StatefulSet"}) {
		t.Errorf("kinds %q, want [Deployment StatefulSet]", got)
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
