package engine_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/prodready/prodready/pkg/engine"
	"github.com/prodready/prodready/pkg/policy"
)

// teamRule is a team rule module of the given ID and package on
// Deployments, body after its package line.
func teamRule(id, pkg, body string) *fstest.MapFile {
	return &fstest.MapFile{Data: []byte(fmt.Sprintf(`# METADATA
# title: Team rule %[1]s
# description: A team's own rule.
# custom:
#   id: %[1]s
#   severity: high
#   profile: baseline
#   kinds: [Deployment]
#   version: 1.0.0
#   remediation: Do as the team says.
package prodready.rules.%[2]s

import data.lib.prodready.review

%[3]s
`, id, pkg, body))}
}

func rulesOf(findings []engine.Finding) map[string]engine.Finding {
	m := map[string]engine.Finding{}
	for _, f := range findings {
		m[f.Rule] = f
	}
	return m
}

func TestPolicyFSAddsAndReplacesRules(t *testing.T) {
	team := fstest.MapFS{
		// A new rule, through a team helper package of its own.
		"owner.rego": teamRule("owner-label-missing", "owner_label_missing", `import data.lib.acme.labels

findings contains {"msg": "no owner label"} if not labels.has_owner`),
		"lib/labels.rego": {Data: []byte("package lib.acme.labels\n\nimport data.lib.prodready.review\n\nhas_owner if review.labels.owner\n")},
		// The built-in memory-request-missing, replaced in its own package.
		"memory.rego": teamRule("memory-request-missing", "memory_request_missing", `findings contains {"msg": "the team's memory rule"} if review.name == "api"`),
	}
	eng, err := engine.New(engine.WithPolicyFS("team/policy", team))
	if err != nil {
		t.Fatal(err)
	}
	sources := map[string]string{}
	for _, r := range eng.Rules() {
		sources[r.ID] = r.Source
	}
	if sources["owner-label-missing"] != "team/policy" || sources["memory-request-missing"] != "team/policy" || sources["cpu-request-missing"] != policy.BuiltinSource {
		t.Errorf("sources %v", sources)
	}
	out, err := eng.Evaluate(context.Background(), parse(t, "d.yaml", deployment))
	findings := out.All()
	if err != nil {
		t.Fatal(err)
	}
	got := rulesOf(findings)
	if f, ok := got["owner-label-missing"]; !ok || f.Severity != policy.High || f.Enforcement != "deny" || f.Remediation != "Do as the team says." {
		t.Errorf("team rule finding %+v (reported: %v)", f, ok)
	}
	// The built-in would name the container; the team's rule replaces it entirely.
	if f := got["memory-request-missing"]; f.Message != "the team's memory rule" || f.Container != "" {
		t.Errorf("memory-request-missing %+v, want the team's finding only", f)
	}
	if _, ok := got["cpu-request-missing"]; !ok {
		t.Error("built-in cpu-request-missing no longer reported")
	}
}

// A reference into a rule's value, or through a variable key, is no
// undefined reference: only the library's own names are checked.
func TestReferencesIntoTheLibrary(t *testing.T) {
	team := fstest.MapFS{"t.rego": teamRule("t", "t", `findings contains {"msg": "x"} if {
	review.object.metadata.labels.owner == ""
	some name in ["review", "workload"]
	data.lib.prodready[name].anything
}`)}
	if _, err := engine.New(engine.WithPolicyFS("team", team)); err != nil {
		t.Error(err)
	}
}

func TestTeamErrorsNameFileAndLine(t *testing.T) {
	for name, tc := range map[string]struct {
		file *fstest.MapFile
		want string
	}{
		"compile error": {teamRule("t", "t", "findings contains {\"msg\": m} if m := data.lib.acme.missing(1)"), "team/t.rego:15: rego_type_error: undefined function data.lib.acme.missing"},
		"parse error":   {teamRule("t", "t", "findings contains ] if true"), "team/t.rego:15: rego_parse_error"},
		"metadata":      {teamRule("", "t", ""), "team/t.rego:1: METADATA lacks custom.id"},
		"http.send":     {teamRule("t", "t", `findings contains {"msg": "x"} if http.send({"method": "GET", "url": "http://127.0.0.1:1"})`), "team/t.rego:15: rego_type_error: http.send is not available to prodready rules, which run without network and runtime builtins (http.send, net.*, opa.runtime)"},
		"net":           {teamRule("t", "t", `findings contains {"msg": "x"} if net.lookup_ip_addr("example.com")`), "team/t.rego:15: rego_type_error: net.lookup_ip_addr is not available"},
		"opa.runtime":   {teamRule("t", "t", `findings contains {"msg": "x"} if opa.runtime().env`), "team/t.rego:15: rego_type_error: opa.runtime is not available"},
		"helper that does not exist": {teamRule("t", "t", "import data.lib.prodready.workload\n\nfindings contains {\"msg\": c.name} if some c in workload.every_container"),
			"team/t.rego:17: rego_compile_error: data.lib.prodready.workload.every_container is not defined: lib.prodready.workload has no rule, function or package every_container"},
		"mistyped helper": {teamRule("t", "t", "import data.lib.prodready.workload\n\nfindings contains {\"msg\": c.name} if some c in workload.all_container"),
			"lib.prodready.workload has no rule, function or package all_container; did you mean all_containers?"},
		"library that does not exist": {teamRule("t", "t", `findings contains {"msg": "x"} if data.lib.prodready.labels.owner == ""`),
			"team/t.rego:15: rego_compile_error: data.lib.prodready.labels is not defined: lib.prodready has no rule, function or package labels"},
	} {
		_, err := engine.New(engine.WithPolicyFS("team", fstest.MapFS{"t.rego": tc.file}))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", name, err, tc.want)
		}
	}
}

// slowRule never finishes in time: 10^10 iterations.
const slowRule = `findings contains {"msg": "never"} if {
	some i in numbers.range(1, 100000)
	some j in numbers.range(1, 100000)
	i * j < 0
}`

func TestSlowRuleIsReportedAndTheRestKept(t *testing.T) {
	eng, err := engine.New(
		engine.WithPolicyFS("team", fstest.MapFS{"slow.rego": teamRule("slow-rule", "slow_rule", slowRule)}),
		engine.WithTimeout(200*time.Millisecond),
		engine.WithWorkers(1),
	)
	if err != nil {
		t.Fatal(err)
	}
	second := strings.Replace(deployment, "name: api", "name: web", 1)
	objs := append(parse(t, "a.yaml", deployment), parse(t, "b.yaml", second)...)
	start := time.Now()
	out, err := eng.Evaluate(context.Background(), objs)
	findings := out.All()
	if elapsed := time.Since(start); elapsed > 10*time.Second {
		t.Errorf("Evaluate took %s with a 200ms deadline", elapsed)
	}
	if err == nil {
		t.Fatal("no error for a rule that does not finish")
	}
	for _, want := range []string{
		"a.yaml: document 1: Deployment/shop/api: rule slow-rule did not finish within 200ms",
		"rule slow-rule was not run on 1 more object, after it did not finish within 200ms on a.yaml: document 1: Deployment/shop/api",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	// Both objects keep the built-in rules' findings.
	for _, name := range []string{"api", "web"} {
		found := false
		for _, f := range findings {
			found = found || (f.Object.Name == name && f.Rule == "memory-request-missing")
		}
		if !found {
			t.Errorf("memory-request-missing lost on %s: %+v", name, findings)
		}
	}
}

// TestRuleByRuleKeepsExemptions: the findings an object keeps after a
// rule timed out are exempted as they would have been.
func TestRuleByRuleKeepsExemptions(t *testing.T) {
	eng, err := engine.New(
		engine.WithPolicyFS("team", fstest.MapFS{"slow.rego": teamRule("slow-rule", "slow_rule", slowRule)}),
		engine.WithTimeout(200*time.Millisecond),
	)
	if err != nil {
		t.Fatal(err)
	}
	src := strings.Replace(deployment, "metadata:\n", "metadata:\n  annotations:\n    prodready.dev/exempt: memory-request-missing\n    prodready.dev/exempt-reason: sized by the VPA\n", 1)
	out, err := eng.Evaluate(context.Background(), parse(t, "a.yaml", src))
	findings := out.All()
	if err == nil || !strings.Contains(err.Error(), "rule slow-rule did not finish") {
		t.Errorf("error %v, want slow-rule's timeout", err)
	}
	got := rulesOf(findings)
	if f, ok := got["memory-request-missing"]; !ok || !f.Exempted {
		t.Errorf("memory-request-missing %+v (reported: %v), want it exempted", f, ok)
	}
	if f, ok := got["cpu-request-missing"]; !ok || f.Exempted {
		t.Errorf("cpu-request-missing %+v (reported: %v), want it failing", f, ok)
	}
}

func TestFailingRuleIsNamedAndTheRestKept(t *testing.T) {
	// Two values for one complete rule: OPA fails the whole query.
	conflict := `value := "a" if review.kind == "Deployment"

value := "b" if review.name == "api"

findings contains {"msg": value}`
	eng, err := engine.New(engine.WithPolicyFS("team", fstest.MapFS{"conflict.rego": teamRule("conflict", "conflict", conflict)}))
	if err != nil {
		t.Fatal(err)
	}
	out, err := eng.Evaluate(context.Background(), parse(t, "a.yaml", deployment))
	findings := out.All()
	if err == nil || !strings.Contains(err.Error(), "a.yaml: document 1: Deployment/shop/api: rule conflict: ") {
		t.Errorf("error %v, want one naming the object and the rule", err)
	}
	if _, ok := rulesOf(findings)["memory-request-missing"]; !ok {
		t.Errorf("the other rules' findings lost: %+v", findings)
	}
}

func TestNoDeadline(t *testing.T) {
	eng, err := engine.New(engine.WithTimeout(0))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := eng.Evaluate(context.Background(), parse(t, "a.yaml", deployment)); err != nil {
		t.Fatal(err)
	}
}
