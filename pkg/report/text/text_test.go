package text_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/prodready/prodready/internal/reporttest"
	"github.com/prodready/prodready/pkg/engine"
	"github.com/prodready/prodready/pkg/manifest"
	"github.com/prodready/prodready/pkg/policy"
	"github.com/prodready/prodready/pkg/report"
	"github.com/prodready/prodready/pkg/report/text"
)

func sample() *report.Report {
	obj := engine.ObjectRef{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "shop", Name: "api"}
	findings := []engine.Finding{
		{Rule: "memory-request-missing", Severity: policy.High, Message: "no memory", Remediation: "Set it.\n\nMore detail.", Object: obj, Container: "app", File: "d.yaml", Line: 3},
		{Rule: "liveness-probe-missing", Severity: policy.Medium, Message: "no liveness", Object: obj, Container: "app", File: "d.yaml", Line: 3},
		{Rule: "cpu-request-missing", Severity: policy.Medium, Message: "no cpu", Remediation: "Set cpu.", Object: obj, File: "d.yaml", Line: 3, Exempted: true,
			Exemption: &engine.Exemption{Source: engine.SourceAnnotation, Reason: "vendor chart", Until: "2027-03-31"}},
		{Rule: "single-replica", Severity: policy.High, Message: "one replica", Object: obj, File: "d.yaml", Line: 3,
			Exemption: &engine.Exemption{Source: engine.SourceConfig, Reason: "singleton", Until: "2026-12-31", Expired: true, Line: 7}},
	}
	loaded := &manifest.Result{
		Objects: []*manifest.Object{{Kind: "Deployment"}},
		Skipped: []manifest.Skipped{{File: "values.yaml", Doc: 1, Reason: "not a Kubernetes object"}},
	}
	return report.New(loaded, reporttest.Results(findings, nil), nil, policy.High)
}

func TestOneLinePerFindingGroupedByObject(t *testing.T) {
	var buf bytes.Buffer
	if err := text.Write(&buf, sample(), text.Options{}); err != nil {
		t.Fatal(err)
	}
	want := `Deployment shop/api  d.yaml:3
  HIGH     memory-request-missing  d.yaml:3  container app: no memory
  HIGH     single-replica          d.yaml:3  one replica
           was exempted until 2026-12-31 (expired; configuration line 7): singleton
  MEDIUM   liveness-probe-missing  d.yaml:3  container app: no liveness

skipped: values.yaml: document 1: not a Kubernetes object
1 object checked, 3 findings (2 high, 1 medium), 2 at or above high, 1 exempted (--show-exempted lists them), 1 document skipped
-v shows each finding's whole message and fix; prodready explain RULE says why the rule matters
`
	if got := buf.String(); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

// Findings of one object are together and most severe first whatever
// their order, each at its own line, in columns.
func TestObjectsInOrderMostSevereFirst(t *testing.T) {
	api := engine.ObjectRef{Kind: "Deployment", Namespace: "shop", Name: "api"}
	pdb := engine.ObjectRef{Kind: "PodDisruptionBudget", Namespace: "shop", Name: "api"}
	findings := []engine.Finding{
		{Rule: "a-low", Severity: policy.Low, Message: "m1", Object: api, File: "all.yaml", Line: 1, ObjectLine: 1},
		{Rule: "b-critical", Severity: policy.Critical, Message: "m2", Object: api, Container: "app", File: "all.yaml", Line: 14, ObjectLine: 1},
		{Rule: "pdb-blocks-drain", Severity: policy.High, Message: "m3", Object: pdb, File: "all.yaml", Line: 33, ObjectLine: 30},
		{Rule: "c-medium", Severity: policy.Medium, Message: "m4", Object: api, File: "all.yaml", Line: 1, ObjectLine: 1},
	}
	r := report.New(&manifest.Result{Objects: make([]*manifest.Object, 2)}, reporttest.Results(findings, nil), nil, policy.High)
	var buf bytes.Buffer
	if err := text.Write(&buf, r, text.Options{}); err != nil {
		t.Fatal(err)
	}
	want := `Deployment shop/api  all.yaml:1
  CRITICAL b-critical  all.yaml:14  container app: m2
  MEDIUM   c-medium    all.yaml:1   m4
  LOW      a-low       all.yaml:1   m1

PodDisruptionBudget shop/api  all.yaml:30
  HIGH     pdb-blocks-drain  all.yaml:33  m3

2 objects checked, 4 findings (1 critical, 1 high, 1 medium, 1 low), 2 at or above high
-v shows each finding's whole message and fix; prodready explain RULE says why the rule matters
`
	if got := buf.String(); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestQuietWritesErrorsAndSummary(t *testing.T) {
	r := sample()
	r.Errors = append(r.Errors, report.InputError{File: "broken.yaml", Document: 2, Message: "yaml: bad indentation"})
	r.Summary.Errors = 1
	var buf bytes.Buffer
	if err := text.Write(&buf, r, text.Options{Quiet: true}); err != nil {
		t.Fatal(err)
	}
	want := "error: broken.yaml: document 2: yaml: bad indentation\n" +
		"1 object checked, 3 findings (2 high, 1 medium), 2 at or above high, 1 exempted, 1 document skipped, 1 input error\n"
	if got := buf.String(); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

// TestWarnings: a warning about the input is a line of its own after the
// input errors, the summary counts the warnings (quiet too), and the exit
// code stays what the findings make it.
func TestWarnings(t *testing.T) {
	warnings := []engine.Warning{{
		Code:    engine.WarningDuplicateObject,
		Message: "Deployment shop/api is defined twice, at a.yaml:1 (document 1) and b.yaml:5 (document 2): they are one object to the API server",
		Object:  engine.ObjectRef{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "shop", Name: "api"},
		Places:  []engine.Place{{File: "a.yaml", Document: 1, Line: 1}, {File: "b.yaml", Document: 2, Line: 5}},
	}}
	r := report.New(&manifest.Result{Objects: make([]*manifest.Object, 2)}, reporttest.Results(nil, warnings), nil, policy.High)
	var buf bytes.Buffer
	if err := text.Write(&buf, r, text.Options{}); err != nil {
		t.Fatal(err)
	}
	want := "warning: " + warnings[0].Message + "\n" +
		"2 objects checked, 0 findings, 0 at or above high, 1 warning\n"
	if got := buf.String(); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	buf.Reset()
	if err := text.Write(&buf, r, text.Options{Quiet: true}); err != nil {
		t.Fatal(err)
	}
	if got, want := buf.String(), "2 objects checked, 0 findings, 0 at or above high, 1 warning\n"; got != want {
		t.Errorf("quiet: got %q, want %q", got, want)
	}
	if r.ExitCode() != 0 {
		t.Errorf("exit %d, want 0: a warning fails nothing", r.ExitCode())
	}
}

func TestNoFindings(t *testing.T) {
	var buf bytes.Buffer
	r := report.New(&manifest.Result{Objects: make([]*manifest.Object, 4)}, reporttest.Results(nil, nil), nil, policy.Medium)
	if err := text.Write(&buf, r, text.Options{}); err != nil {
		t.Fatal(err)
	}
	if got, want := buf.String(), "4 objects checked, 0 findings, 0 at or above medium\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestExpiredExemptionIsNamedUnderTheFailingFinding(t *testing.T) {
	var buf bytes.Buffer
	if err := text.Write(&buf, sample(), text.Options{}); err != nil {
		t.Fatal(err)
	}
	want := "one replica\n           was exempted until 2026-12-31 (expired; configuration line 7): singleton\n"
	if !strings.Contains(buf.String(), want) {
		t.Errorf("output lacks\n%s\nin:\n%s", want, buf.String())
	}
}

func TestShowExempted(t *testing.T) {
	var buf bytes.Buffer
	if err := text.Write(&buf, sample(), text.Options{ShowExempted: true}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	_, exempted, ok := strings.Cut(out, "Exempted findings (not failing):\n")
	if !ok {
		t.Fatalf("no exempted section:\n%s", out)
	}
	want := "Deployment shop/api  d.yaml:3\n  MEDIUM   cpu-request-missing  d.yaml:3  no cpu\n           exempted: vendor chart (until 2027-03-31; annotation)\n\n"
	if !strings.HasPrefix(exempted, want) {
		t.Errorf("exempted section:\n%s\nwant it to start with:\n%s", exempted, want)
	}
	if strings.Contains(out, "Set cpu.") || strings.Contains(out, "--show-exempted lists them") {
		t.Errorf("a fix for an exempted finding, or the hint while they are shown:\n%s", out)
	}
}

func TestInvalidExemptionDate(t *testing.T) {
	obj := engine.ObjectRef{Kind: "Deployment", Namespace: "shop", Name: "api"}
	findings := []engine.Finding{{Rule: "single-replica", Severity: policy.High, Message: "one replica", Object: obj, File: "d.yaml", Line: 1,
		Exemption: &engine.Exemption{Source: engine.SourceAnnotation, Until: "31.03.2027", Invalid: true}}}
	var buf bytes.Buffer
	if err := text.Write(&buf, report.New(&manifest.Result{}, reporttest.Results(findings, nil), nil, policy.High), text.Options{}); err != nil {
		t.Fatal(err)
	}
	if want := `exemption ignored (annotation): prodready.dev/exempt-until "31.03.2027" is not a date (YYYY-MM-DD)`; !strings.Contains(buf.String(), want) {
		t.Errorf("output lacks %q:\n%s", want, buf.String())
	}
}

func TestAudit(t *testing.T) {
	r := sample()
	var buf bytes.Buffer
	if err := text.Write(&buf, r, text.Options{}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "Exemption audit") {
		t.Errorf("an audit section although none was asked for:\n%s", buf.String())
	}

	r.Audit = []engine.ExemptionProblem{}
	buf.Reset()
	if err := text.Write(&buf, r, text.Options{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "Exemption audit: no problems\n") {
		t.Errorf("an empty audit not said to be clean:\n%s", buf.String())
	}

	obj := engine.ObjectRef{Kind: "Deployment", Namespace: "shop", Name: "api"}
	r.Audit = []engine.ExemptionProblem{
		{Problem: engine.ProblemUnused, Source: engine.SourceConfig, Line: 6, Rules: []string{"*"}, Message: "matched no finding"},
		{Problem: engine.ProblemNoReason, Source: engine.SourceAnnotation, Object: &obj, File: "d.yaml", Line: 3, Rules: []string{"a"}, Message: "no reason"},
	}
	buf.Reset()
	if err := text.Write(&buf, r, text.Options{}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Exemption audit:\n  unused       configuration line 6 (rules *): matched no finding\n  no-reason    Deployment shop/api (d.yaml:3): no reason\n",
		", 2 exemption problems",
	} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, buf.String())
		}
	}
}

func TestColourOnlyWhenAsked(t *testing.T) {
	var buf bytes.Buffer
	if err := text.Write(&buf, sample(), text.Options{Color: true}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.Contains(out, "\x1b[1;31mHIGH    \x1b[0m") || !strings.Contains(out, "(\x1b[1;31m2 high\x1b[0m, \x1b[33m1 medium\x1b[0m)") {
		t.Errorf("no colour for the severities when asked:\n%q", out)
	}
}

func TestExitCode(t *testing.T) {
	r := sample()
	if r.ExitCode() != 1 {
		t.Errorf("exit %d, want 1 for a high finding at --fail-on high", r.ExitCode())
	}
	r.Errors = append(r.Errors, report.InputError{File: "x.yaml", Message: "bad"})
	if r.ExitCode() != 2 {
		t.Errorf("exit %d, want 2 with an input error", r.ExitCode())
	}

	clean := report.New(&manifest.Result{}, reporttest.Results(nil, nil), nil, policy.High)
	clean.Audit = []engine.ExemptionProblem{}
	if clean.ExitCode() != 0 {
		t.Errorf("exit %d, want 0 for a clean audit", clean.ExitCode())
	}
	clean.Audit = []engine.ExemptionProblem{{Problem: engine.ProblemUnused}}
	if clean.ExitCode() != 1 {
		t.Errorf("exit %d, want 1 for an audit problem", clean.ExitCode())
	}
}

func TestVerboseAddsTheWholeMessageAndFix(t *testing.T) {
	r := sample()
	r.Findings[0].Message = "no memory: the pod is BestEffort; set it"
	var buf bytes.Buffer
	if err := text.Write(&buf, r, text.Options{Verbose: true}); err != nil {
		t.Fatal(err)
	}
	want := "  HIGH     memory-request-missing  d.yaml:3  container app: no memory: the pod is BestEffort; set it\n" +
		"           fix: Set it.\n" +
		"           More detail.\n"
	if out := buf.String(); !strings.Contains(out, want) || strings.Contains(out, "-v shows") {
		t.Errorf("verbose output lacks\n%s\nor still hints at -v:\n%s", want, out)
	}
	buf.Reset()
	if err := text.Write(&buf, r, text.Options{}); err != nil {
		t.Fatal(err)
	}
	if out := buf.String(); !strings.Contains(out, "container app: no memory\n") || strings.Contains(out, "BestEffort") || strings.Contains(out, "fix:") {
		t.Errorf("without -v, a finding is its message's first clause, without its fix:\n%s", out)
	}
}

func TestSummaryNamesProfileAndConfiguration(t *testing.T) {
	for config, want := range map[string]string{"": "profile strict, no configuration file\n", "deploy/.prodready.yaml": "profile strict, configuration deploy/.prodready.yaml\n"} {
		r := sample()
		r.Summary.Profile, r.Summary.Config = policy.Strict, config
		var buf bytes.Buffer
		if err := text.Write(&buf, r, text.Options{}); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(buf.String(), "document skipped\n"+want) {
			t.Errorf("summary lacks %q:\n%s", want, buf.String())
		}
	}
}

// TestWrapsToTheWidth: every line fits, a finding's text continues under
// its rule, and nothing is lost.
func TestWrapsToTheWidth(t *testing.T) {
	r := sample()
	r.Findings[0].Message = strings.Repeat("words that go on ", 12)
	var buf bytes.Buffer
	if err := text.Write(&buf, r, text.Options{Width: 60}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	for _, line := range lines {
		if len(line) > 60 {
			t.Errorf("%d columns: %q", len(line), line)
		}
	}
	if !strings.Contains(buf.String(), "\n           container app: words that go on") {
		t.Errorf("the message does not continue under the rule:\n%s", buf.String())
	}
	if got := strings.Count(buf.String(), "words"); got != 12 {
		t.Errorf("%d of 12 repeats kept:\n%s", got, buf.String())
	}
}
