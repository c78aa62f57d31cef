package engine_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/prodready/prodready/pkg/config"
	"github.com/prodready/prodready/pkg/engine"
)

// at is a clock stopped at t.
func at(t string) engine.Option {
	now, err := time.Parse(time.RFC3339, t)
	if err != nil {
		panic(err)
	}
	return engine.WithClock(func() time.Time { return now })
}

// annotatedDeployment is a Deployment in shop, labelled app: api, which
// meets memory-request-missing (high), cpu-request-missing and others,
// with annotations (YAML lines, indented four spaces).
func annotatedDeployment(name string, annotations ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: %s\n  namespace: shop\n  labels: {app: api}\n", name)
	if len(annotations) > 0 {
		b.WriteString("  annotations:\n")
		for _, a := range annotations {
			b.WriteString("    " + a + "\n")
		}
	}
	b.WriteString("spec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: app:1\n")
	return b.String()
}

func evaluate(t *testing.T, src string, opts ...engine.Option) map[string]engine.Finding {
	t.Helper()
	_, byRule := configured(t, src, opts...)
	if _, ok := byRule["memory-request-missing"]; !ok {
		t.Fatalf("memory-request-missing not reported: %+v", byRule)
	}
	return byRule
}

func TestAnnotationExemptionCarriesItsReasonAndDate(t *testing.T) {
	src := annotatedDeployment("api",
		`prodready.dev/exempt: "memory-request-missing"`,
		`prodready.dev/exempt-reason: "sized by the vendor chart"`,
		`prodready.dev/exempt-until: "2027-03-31"`)
	got := evaluate(t, src, at("2027-03-31T23:59:00Z"))
	f := got["memory-request-missing"]
	want := &engine.Exemption{Source: engine.SourceAnnotation, Reason: "sized by the vendor chart", Until: "2027-03-31"}
	if !f.Exempted || !reflect.DeepEqual(f.Exemption, want) {
		t.Errorf("on its last day: exempted %v, exemption %+v, want %+v", f.Exempted, f.Exemption, want)
	}
	if other := got["cpu-request-missing"]; other.Exempted || other.Exemption != nil {
		t.Errorf("a rule the annotation does not list: %+v", other)
	}
}

func TestExpiredAnnotationLeavesTheFindingFailing(t *testing.T) {
	src := annotatedDeployment("api", `prodready.dev/exempt: "*"`, `prodready.dev/exempt-reason: "legacy"`, `prodready.dev/exempt-until: 2027-03-31`)
	f := evaluate(t, src, at("2027-04-01T00:00:00Z"))["memory-request-missing"]
	if f.Exempted || f.Exemption == nil || !f.Exemption.Expired || f.Exemption.Until != "2027-03-31" || f.Exemption.Applies() {
		t.Errorf("the day after: exempted %v, exemption %+v; want failing with the expired exemption", f.Exempted, f.Exemption)
	}
}

func TestExemptionWithAnInvalidDateDoesNotApply(t *testing.T) {
	src := annotatedDeployment("api", `prodready.dev/exempt: "*"`, `prodready.dev/exempt-until: "31.03.2027"`)
	f := evaluate(t, src, at("2027-01-01T00:00:00Z"))["memory-request-missing"]
	if f.Exempted || f.Exemption == nil || !f.Exemption.Invalid || f.Exemption.Until != "31.03.2027" {
		t.Errorf("exempted %v, exemption %+v; want failing, the exemption invalid", f.Exempted, f.Exemption)
	}
}

// TestAnExemptionWithoutAReasonIsWarnedAbout: it exempts, and a warning
// per object names the rules it exempts (pdb-missing does not fire on
// it); one with a reason, an expired one and a configured one are not
// warned about.
func TestAnExemptionWithoutAReasonIsWarnedAbout(t *testing.T) {
	src := annotatedDeployment("api", `prodready.dev/exempt: "memory-request-missing,cpu-request-missing,pdb-missing"`) + "---\n" +
		annotatedDeployment("explained", `prodready.dev/exempt: "*"`, `prodready.dev/exempt-reason: "sized by the vendor"`) + "---\n" +
		annotatedDeployment("expired", `prodready.dev/exempt: "*"`, `prodready.dev/exempt-until: "2020-01-01"`) + "---\n" +
		annotatedDeployment("configured")
	eng, err := engine.New(at("2027-01-01T00:00:00Z"), engine.WithExemptions([]config.Exemption{{Rules: []string{"*"}, Name: "configured", Reason: "platform-owned"}}))
	if err != nil {
		t.Fatal(err)
	}
	res, err := eng.Evaluate(context.Background(), parse(t, "d.yaml", src))
	if err != nil {
		t.Fatal(err)
	}
	want := []engine.Warning{{
		Code:    engine.WarningExemptionWithoutReason,
		Object:  engine.ObjectRef{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "shop", Name: "api"},
		Places:  []engine.Place{{File: "d.yaml", Line: 1, APIVersion: "apps/v1"}},
		Message: "Deployment shop/api is exempted from cpu-request-missing, memory-request-missing by its prodready.dev/exempt annotation without a reason: add prodready.dev/exempt-reason saying why the rule does not hold here (configured exemptions must give one)",
	}}
	if !reflect.DeepEqual(res.Warnings, want) {
		t.Errorf("warnings\n%+v\nwant\n%+v", res.Warnings, want)
	}
}

func TestConfiguredExemptions(t *testing.T) {
	exemptions := []config.Exemption{
		{Rules: []string{"*"}, Namespace: "billing", Reason: "another namespace", Line: 3},
		{Rules: []string{"memory-request-missing"}, Namespace: "sh*", Selector: &config.LabelSelector{MatchLabels: map[string]string{"app": "api"}}, Reason: "batch sized by the platform", Line: 7},
		{Rules: []string{"cpu-request-missing"}, Name: "web-*", Reason: "another name", Line: 12},
	}
	got := evaluate(t, annotatedDeployment("api"), engine.WithExemptions(exemptions), at("2027-01-01T00:00:00Z"))
	f := got["memory-request-missing"]
	want := &engine.Exemption{Source: engine.SourceConfig, Reason: "batch sized by the platform", Index: 1, Line: 7}
	if !f.Exempted || !reflect.DeepEqual(f.Exemption, want) {
		t.Errorf("exempted %v, exemption %+v, want %+v", f.Exempted, f.Exemption, want)
	}
	if f := got["cpu-request-missing"]; f.Exempted || f.Exemption != nil {
		t.Errorf("exempted by an exemption of another name: %+v", f)
	}
}

func TestAnExemptionThatAppliesWinsOverAnExpiredOne(t *testing.T) {
	src := annotatedDeployment("api", `prodready.dev/exempt: "memory-request-missing"`, `prodready.dev/exempt-until: "2026-12-31"`)
	exemptions := []config.Exemption{{Rules: []string{"memory-request-missing"}, Namespace: "shop", Reason: "platform", Line: 2}}
	f := evaluate(t, src, engine.WithExemptions(exemptions), at("2027-01-01T00:00:00Z"))["memory-request-missing"]
	if !f.Exempted || f.Exemption == nil || f.Exemption.Source != engine.SourceConfig {
		t.Errorf("exempted %v by %+v, want exempted by the configuration", f.Exempted, f.Exemption)
	}
}

func TestAuditExemptions(t *testing.T) {
	src := annotatedDeployment("api",
		`prodready.dev/exempt: "memory-request-missing, cpu-request-missing, memory-request-mising"`,
		`prodready.dev/exempt-until: "2026-12-31"`) +
		"---\n" + annotatedDeployment("web", `prodready.dev/exempt: "single-replica"`, `prodready.dev/exempt-reason: "a singleton"`, `prodready.dev/exempt-until: "soon"`) +
		"---\n" + annotatedDeployment("worker", `prodready.dev/exempt: "*"`, `prodready.dev/exempt-reason: "being rewritten"`)
	exemptions := []config.Exemption{
		{Rules: []string{"liveness-probe-missing"}, Namespace: "shop", Name: "api", Reason: "no HTTP endpoint", Line: 2},
		{Rules: []string{"*"}, Namespace: "billing", Reason: "nothing there", Line: 6},
		{Rules: []string{"single-replica"}, Namespace: "shop", Name: "w*", Reason: "singletons", Expires: "2026-06-30", Line: 9},
	}
	eng, err := engine.New(engine.WithExemptions(exemptions), at("2027-01-01T00:00:00Z"), engine.WithExemptionAudit())
	if err != nil {
		t.Fatal(err)
	}
	out, err := eng.Evaluate(context.Background(), parse(t, "d.yaml", src))
	if err != nil {
		t.Fatal(err)
	}
	problems := out.Audit
	var got []string
	for _, p := range problems {
		where := fmt.Sprintf("config line %d", p.Line)
		if p.Object != nil {
			where = p.Object.Name
		}
		got = append(got, fmt.Sprintf("%s %s %s %d", where, p.Problem, strings.Join(p.Rules, ","), p.Findings))
		if p.Message == "" {
			t.Errorf("%+v has no message", p)
		}
	}
	want := []string{
		// Applies, and covers api's finding: not a problem.
		"config line 6 unused * 0",
		// Expired; of the single-replica findings it covers, worker's is
		// exempted by worker's annotation, web's is not (web's own
		// annotation has an invalid date): 1 finding counts again.
		"config line 9 expired single-replica 1",
		"api unused memory-request-mising 0",
		"api expired cpu-request-missing,memory-request-mising,memory-request-missing 2",
		"api no-reason cpu-request-missing,memory-request-mising,memory-request-missing 0",
		"web invalid-date single-replica 0",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("audit:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, p := range problems {
		if p.Problem == engine.ProblemUnused && p.Object != nil && !strings.Contains(p.Message, "memory-request-mising: no such rule in this run; did you mean memory-request-missing?") {
			t.Errorf("a mistyped rule ID is not called one: %s", p.Message)
		}
	}
}

func TestAuditSeesAnnotationsOnObjectsWithoutFindings(t *testing.T) {
	src := "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: shop\n  annotations:\n    prodready.dev/exempt: \"*\"\n    prodready.dev/exempt-reason: \"copied from a template\"\n"
	eng, err := engine.New(engine.WithExemptionAudit())
	if err != nil {
		t.Fatal(err)
	}
	out, err := eng.Evaluate(context.Background(), parse(t, "cm.yaml", src))
	if err != nil {
		t.Fatal(err)
	}
	problems := out.Audit
	if len(problems) != 1 || problems[0].Problem != engine.ProblemUnused || problems[0].File != "cm.yaml" || problems[0].Line != 1 {
		t.Errorf("problems %+v, want the unused annotation", problems)
	}
}
