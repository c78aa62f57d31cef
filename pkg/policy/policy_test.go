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

// TestTextsAreParagraphs guards what JSON, SARIF and annotations show: a
// rule's description and remediation break lines only between paragraphs
// (folded YAML, >-), never in mid-sentence.
func TestTextsAreParagraphs(t *testing.T) {
	set, err := policy.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range set.Rules {
		for field, text := range map[string]string{"description": r.Description, "remediation": r.Remediation} {
			for para := range strings.SplitSeq(text, "\n") {
				if para == "" || !strings.ContainsAny(para[len(para)-1:], ".:)") {
					t.Errorf("%s: %s breaks a line in mid-sentence: %q", r.ID, field, para)
				}
			}
		}
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

// team loads fsys as the team library source.
func team(t *testing.T, source string, fsys fstest.MapFS) *policy.Set {
	t.Helper()
	set, err := policy.LoadTeam(source, fsys)
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func TestMergeAddsAndReplaces(t *testing.T) {
	base, err := policy.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	builtin, _ := base.Rule("memory-request-missing")
	acme := team(t, "team/policy", fstest.MapFS{
		"new.rego":         module("acme-new", "low", "acme_new"),
		"new_test.rego":    {Data: []byte("package prodready.rules.acme_new_test\n")},
		"override.rego":    module("memory-request-missing", "critical", "memory_request_missing"),
		"lib/helpers.rego": {Data: []byte("package lib.acme.helpers\n\nyes := true\n")},
	})
	merged, err := policy.Merge(base, acme)
	if err != nil {
		t.Fatal(err)
	}
	if len(merged.Rules) != len(base.Rules)+1 {
		t.Errorf("%d rules, want the %d built-in ones and one new", len(merged.Rules), len(base.Rules))
	}
	if r, _ := merged.Rule("acme-new"); r.Source != "team/policy" || r.File != "team/policy/new.rego" {
		t.Errorf("new rule %+v", r)
	}
	r, _ := merged.Rule("memory-request-missing")
	if r.Source != "team/policy" || r.Severity != policy.Critical || r.File != "team/policy/override.rego" {
		t.Errorf("override %+v", r)
	}
	// The built-in module and its tests are gone, not merged with the team's.
	if _, ok := merged.Modules[builtin.File]; ok {
		t.Errorf("%s still in the merged set", builtin.File)
	}
	if _, ok := merged.Sources[builtin.File]; ok {
		t.Errorf("%s source still in the merged set", builtin.File)
	}
	if _, ok := merged.Tests["resources/memory_request_missing_test.rego"]; ok {
		t.Error("the replaced rule's tests still in the merged set")
	}
	for _, name := range []string{"team/policy/new.rego", "team/policy/override.rego", "team/policy/lib/helpers.rego"} {
		if merged.Modules[name] == nil || merged.Sources[name] == "" {
			t.Errorf("%s missing from the merged set", name)
		}
	}
	if merged.Tests["team/policy/new_test.rego"] == "" {
		t.Error("team test missing")
	}
	if c, _ := merged.Rule("cpu-request-missing"); c.Source != policy.BuiltinSource {
		t.Errorf("built-in rule source %q", c.Source)
	}
	// Merge leaves base alone.
	if b, _ := base.Rule("memory-request-missing"); b.Source != policy.BuiltinSource || base.Modules[builtin.File] == nil {
		t.Error("Merge changed its base")
	}
}

func TestMergeRejects(t *testing.T) {
	base, err := policy.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	lib := func(pkg string) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte("package " + pkg + "\n\nx := 1\n")}
	}
	for name, tc := range map[string]struct {
		teams []*policy.Set
		want  string
	}{
		"duplicate team IDs": {
			[]*policy.Set{team(t, "a", fstest.MapFS{"x.rego": module("dup", "low", "dup_a")}), team(t, "b", fstest.MapFS{"y.rego": module("dup", "low", "dup_b")})},
			`rule ID "dup" is declared by both a/x.rego and b/y.rego`,
		},
		"a built-in rule's package under another ID": {
			[]*policy.Set{team(t, "a", fstest.MapFS{"x.rego": module("mine", "low", "memory_request_missing")})},
			"a/x.rego: package prodready.rules.memory_request_missing is already the package of resources/memory_request_missing.rego",
		},
		"another team rule's package": {
			[]*policy.Set{team(t, "a", fstest.MapFS{"x.rego": module("one", "low", "same")}), team(t, "b", fstest.MapFS{"y.rego": module("two", "low", "same")})},
			"b/y.rego: package prodready.rules.same is already the package of a/x.rego",
		},
		"a built-in lib package": {
			[]*policy.Set{team(t, "a", fstest.MapFS{"lib.rego": lib("lib.prodready.resources")})},
			"a/lib.rego:1: package lib.prodready.resources is prodready's",
		},
		"a new package in the built-in lib": {
			[]*policy.Set{team(t, "a", fstest.MapFS{"lib.rego": lib("lib.prodready.acme")})},
			"package lib.prodready.acme is prodready's",
		},
		"a package enclosing the built-in lib": {
			[]*policy.Set{team(t, "a", fstest.MapFS{"lib.rego": lib("lib")})},
			"package lib is prodready's",
		},
		"the parameters document": {
			[]*policy.Set{team(t, "a", fstest.MapFS{"lib.rego": lib("lib.parameters")})},
			"package lib.parameters is prodready's",
		},
		"the same source twice": {
			[]*policy.Set{team(t, "a", fstest.MapFS{"lib.rego": lib("lib.acme")}), team(t, "a", fstest.MapFS{"lib.rego": lib("lib.acme")})},
			"a/lib.rego: two policy sources have a module of this name",
		},
	} {
		_, err := policy.Merge(base, tc.teams...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", name, err, tc.want)
		}
	}
}

func TestLoadTeamErrorsNameFileAndLine(t *testing.T) {
	for name, tc := range map[string]struct {
		fsys fstest.MapFS
		want string
	}{
		"parse error":   {fstest.MapFS{"foo.rego": {Data: []byte("package lib.acme\n\nx := [1,\n\ny := }\n")}}, "team/policy/foo.rego:5: rego_parse_error: "},
		"no METADATA":   {fstest.MapFS{"sub/foo.rego": {Data: []byte("# a comment\n\npackage prodready.rules.foo\n")}}, "team/policy/sub/foo.rego:3: package prodready.rules.foo has no METADATA annotation"},
		"bad METADATA":  {fstest.MapFS{"foo.rego": module("foo", "urgent", "foo")}, `team/policy/foo.rego:1: unknown severity "urgent"`},
		"nested rule":   {fstest.MapFS{"foo.rego": module("foo", "low", "acme.foo")}, "team/policy/foo.rego:1: package prodready.rules.acme.foo: a rule's package is prodready.rules.<name>, one level below"},
		"two IDs":       {fstest.MapFS{"a.rego": module("foo", "low", "a"), "b.rego": module("foo", "low", "b")}, `rule ID "foo" is declared by both team/policy/a.rego and team/policy/b.rego`},
		"one package":   {fstest.MapFS{"a.rego": module("a", "low", "same"), "b.rego": module("b", "low", "same")}, "team/policy/a.rego and team/policy/b.rego both declare package prodready.rules.same"},
		"no Rego files": {fstest.MapFS{"README.md": {Data: []byte("# rules\n")}}, "team/policy: no .rego files"},
		"rule outside prodready.rules": {fstest.MapFS{"foo.rego": {Data: []byte(strings.Replace(string(module("acme-label", "low", "x").Data), "package prodready.rules.x", "package acme.rules.label", 1))}},
			"team/policy/foo.rego:11: package acme.rules.label declares the rule acme-label (custom.id) but is not under prodready.rules, so it would never run"},
		"no findings": {fstest.MapFS{"foo.rego": {Data: []byte(strings.Replace(string(module("foo", "low", "foo").Data), `findings contains {"msg": "m"} if false`, `violations contains "m" if false`, 1))}},
			"team/policy/foo.rego:11: package prodready.rules.foo has no findings rule, so the rule foo could never report"},
	} {
		_, err := policy.LoadTeam("team/policy", tc.fsys)
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want it to start with %q", name, err, tc.want)
		}
	}
}
