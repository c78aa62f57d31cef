package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// exemptedWorkload is a Deployment of two replicas in namespace shop,
// labelled tier: batch, with annotations (indented YAML lines): of its
// findings memory-request-missing and pdb-missing are high.
func exemptedWorkload(name string, annotations ...string) string {
	meta := ""
	if len(annotations) > 0 {
		meta = "  annotations:\n    " + strings.Join(annotations, "\n    ") + "\n"
	}
	return fmt.Sprintf(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: %s
  namespace: shop
  labels: {tier: batch}
%sspec:
  replicas: 2
  template:
    spec:
      containers:
        - name: app
          image: app:1
`, name, meta)
}

type exemptionReport struct {
	Findings []exemptionFinding `json:"findings"`
	Exempted []exemptionFinding `json:"exempted"`
	Summary  struct {
		Findings int `json:"findings"`
		Failing  int `json:"failing"`
		Exempted int `json:"exempted"`
	} `json:"summary"`
	Audit []struct {
		Problem string   `json:"problem"`
		Source  string   `json:"source"`
		Line    int      `json:"line"`
		Rules   []string `json:"rules"`
		Message string   `json:"message"`
	} `json:"audit"`
}

type exemptionFinding struct {
	Rule      string `json:"rule"`
	Exempted  bool   `json:"exempted"`
	Exemption *struct {
		Source  string `json:"source"`
		Reason  string `json:"reason"`
		Until   string `json:"until"`
		Expired bool   `json:"expired"`
		Line    int    `json:"line"`
	} `json:"exemption"`
}

// checkExemptions runs check --output json in dir on manifest.yaml.
func checkExemptions(t *testing.T, dir string, args ...string) (exemptionReport, map[string]json.RawMessage, cliResult) {
	t.Helper()
	res := prodreadyIn(t, dir, "", append(append([]string{"check", "--output", "json"}, args...), "manifest.yaml")...)
	var rep exemptionReport
	var keys map[string]json.RawMessage
	if err := json.Unmarshal([]byte(res.stdout), &rep); err != nil {
		t.Fatalf("output is not JSON (%v):\n%s\nstderr: %s", err, res.stdout, res.stderr)
	}
	if err := json.Unmarshal([]byte(res.stdout), &keys); err != nil {
		t.Fatal(err)
	}
	return rep, keys, res
}

func find(findings []exemptionFinding, rule string) *exemptionFinding {
	for i := range findings {
		if findings[i].Rule == rule {
			return &findings[i]
		}
	}
	return nil
}

func TestAnnotationExemptsUntilItsDate(t *testing.T) {
	dir := teamDir(t, map[string]string{"manifest.yaml": exemptedWorkload("api",
		`prodready.dev/exempt: memory-request-missing, pdb-missing`,
		`prodready.dev/exempt-reason: "sized by the vendor's chart"`,
		`prodready.dev/exempt-until: 9999-12-31`)})
	rep, keys, res := checkExemptions(t, dir, "--no-config")
	if res.code != 0 || rep.Summary.Failing != 0 || rep.Summary.Exempted != 2 || find(rep.Findings, "memory-request-missing") != nil {
		t.Fatalf("exit %d, summary %+v: want the high findings exempted, so exit 0\n%s", res.code, rep.Summary, res.stdout)
	}
	x := find(rep.Exempted, "memory-request-missing")
	if x == nil || !x.Exempted || x.Exemption == nil || x.Exemption.Source != "annotation" || x.Exemption.Reason != "sized by the vendor's chart" || x.Exemption.Until != "9999-12-31" {
		t.Errorf("exempted %+v, want the finding with its annotation's reason and date", x)
	}
	if _, ok := keys["audit"]; ok {
		t.Error("an audit in the output without --audit-exemptions")
	}

	text := prodreadyIn(t, dir, "", "check", "--no-config", "manifest.yaml")
	if strings.Contains(text.stdout, "memory-request-missing") || !strings.Contains(text.stdout, "2 exempted (--show-exempted lists them)") {
		t.Errorf("text without --show-exempted:\n%s", text.stdout)
	}
	shown := prodreadyIn(t, dir, "", "check", "--no-config", "--show-exempted", "manifest.yaml")
	if !strings.Contains(shown.stdout, "exempted: sized by the vendor's chart (until 9999-12-31; annotation)") {
		t.Errorf("text with --show-exempted:\n%s", shown.stdout)
	}
}

func TestExpiredAnnotationFailsAndSaysSo(t *testing.T) {
	dir := teamDir(t, map[string]string{"manifest.yaml": exemptedWorkload("api",
		`prodready.dev/exempt: "*"`, `prodready.dev/exempt-reason: migration`, `prodready.dev/exempt-until: "2020-01-31"`)})
	rep, _, res := checkExemptions(t, dir, "--no-config")
	f := find(rep.Findings, "memory-request-missing")
	if res.code != 1 || f == nil || f.Exempted || f.Exemption == nil || !f.Exemption.Expired || rep.Summary.Exempted != 0 {
		t.Fatalf("exit %d, finding %+v: want it failing, its exemption expired\n%s", res.code, f, res.stdout)
	}
	text := prodreadyIn(t, dir, "", "check", "--no-config", "manifest.yaml")
	if !strings.Contains(text.stdout, "was exempted until 2020-01-31 (expired; annotation): migration") {
		t.Errorf("text does not say the exemption expired:\n%s", text.stdout)
	}
}

const exemptionsConfig = `exemptions:
  - rules: [memory-request-missing, pdb-missing]
    namespace: sh*
    selector:
      matchLabels: {tier: batch}
    reason: batch jobs are sized by the platform
  - rules: ["*"]
    namespace: billing
    reason: nothing runs there any more
`

func TestConfiguredExemption(t *testing.T) {
	dir := teamDir(t, map[string]string{"manifest.yaml": exemptedWorkload("api"), "team.yaml": exemptionsConfig})
	rep, _, res := checkExemptions(t, dir, "--config", "team.yaml")
	x := find(rep.Exempted, "memory-request-missing")
	if res.code != 0 || x == nil || x.Exemption == nil || x.Exemption.Source != "config" || x.Exemption.Line != 2 || x.Exemption.Reason != "batch jobs are sized by the platform" {
		t.Fatalf("exit %d, exempted %+v: want it exempted by the exemption on line 2\n%s%s", res.code, x, res.stdout, res.stderr)
	}
	shown := prodreadyIn(t, dir, "", "check", "--config", "team.yaml", "--show-exempted", "manifest.yaml")
	if !strings.Contains(shown.stdout, "exempted: batch jobs are sized by the platform (configuration line 2)") {
		t.Errorf("text with --show-exempted:\n%s", shown.stdout)
	}
}

func TestAuditExemptions(t *testing.T) {
	dir := teamDir(t, map[string]string{
		"manifest.yaml": exemptedWorkload("api", `prodready.dev/exempt: "single-replica"`),
		"team.yaml":     exemptionsConfig,
	})
	rep, _, res := checkExemptions(t, dir, "--config", "team.yaml", "--audit-exemptions")
	var got []string
	for _, p := range rep.Audit {
		got = append(got, fmt.Sprintf("%s %s %d %s", p.Source, p.Problem, p.Line, strings.Join(p.Rules, ",")))
	}
	want := []string{"config unused 7 *", "annotation unused 1 single-replica", "annotation no-reason 1 single-replica"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("audit:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if res.code != 1 || rep.Summary.Failing != 0 {
		t.Errorf("exit %d with %d failing findings: want 1, for the audit alone", res.code, rep.Summary.Failing)
	}

	text := prodreadyIn(t, dir, "", "check", "--config", "team.yaml", "--audit-exemptions", "manifest.yaml")
	for _, want := range []string{
		"Exemption audit:\n",
		"unused       configuration line 7 (rules *): matched no finding",
		"no-reason    Deployment shop/api (manifest.yaml:1): prodready.dev/exempt has no prodready.dev/exempt-reason",
		", 3 exemption problems",
	} {
		if !strings.Contains(text.stdout, want) {
			t.Errorf("text lacks %q:\n%s", want, text.stdout)
		}
	}

	clean := teamDir(t, map[string]string{"manifest.yaml": exemptedWorkload("api")})
	_, keys, res := checkExemptions(t, clean, "--no-config", "--audit-exemptions", "--fail-on", "critical")
	if res.code != 0 || string(keys["audit"]) != "[]" {
		t.Errorf("exit %d, audit %s: want 0 and an empty audit", res.code, keys["audit"])
	}
}

// TestExemptionWithoutAReason: the annotation exempts and the text output
// warns about it, every run; --require-exemption-reason makes it an input
// error at the object (exit 2), and one with a reason passes.
func TestExemptionWithoutAReason(t *testing.T) {
	input := exemptedWorkload("nightly", `prodready.dev/exempt: "*"`)
	res := prodready(t, input, "check", "--fail-on", "low", "-")
	if res.code != 0 || !strings.HasPrefix(res.stdout, "warning: Deployment shop/nightly is exempted from ") ||
		!strings.Contains(res.stdout, "without a reason: add prodready.dev/exempt-reason") {
		t.Errorf("exit %d, want 0 with a warning:\n%s", res.code, res.stdout)
	}
	res = prodready(t, input, "check", "--fail-on", "low", "--require-exemption-reason", "-")
	if res.code != 2 || !strings.Contains(res.stdout, "error: <stdin>:1: Deployment shop/nightly is exempted from ") || strings.Contains(res.stdout, "warning:") {
		t.Errorf("--require-exemption-reason: exit %d, want 2 with an error at the object:\n%s", res.code, res.stdout)
	}
	explained := exemptedWorkload("nightly", `prodready.dev/exempt: "*"`, `prodready.dev/exempt-reason: "a batch job, retried"`)
	if res := prodready(t, explained, "check", "--fail-on", "low", "--require-exemption-reason", "-"); res.code != 0 || strings.Contains(res.stdout, "reason") {
		t.Errorf("with a reason: exit %d, want 0 and no word of it:\n%s", res.code, res.stdout)
	}
}
