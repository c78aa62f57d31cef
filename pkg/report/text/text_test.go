package text_test

import (
	"bytes"
	"strings"
	"testing"

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
		{Rule: "cpu-request-missing", Severity: policy.Medium, Message: "exempt", Object: obj, File: "d.yaml", Line: 3, Exempted: true},
	}
	loaded := &manifest.Result{
		Objects: []*manifest.Object{{Kind: "Deployment"}},
		Skipped: []manifest.Skipped{{File: "values.yaml", Doc: 1, Reason: "not a Kubernetes object"}},
	}
	return report.New(loaded, findings, nil, policy.High)
}

func TestGroupsByObjectWithFixAndSummary(t *testing.T) {
	var buf bytes.Buffer
	if err := text.Write(&buf, sample(), text.Options{}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if strings.Count(out, "Deployment shop/api") != 1 {
		t.Errorf("object header not printed once:\n%s", out)
	}
	for _, want := range []string{"d.yaml:3", "HIGH", "memory-request-missing (container app)", "fix: Set it.", "skipped: values.yaml: document 1",
		"1 objects checked, 2 findings (1 high, 1 medium), 1 at or above high, 1 exempted, 1 documents skipped"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "More detail") || strings.Contains(out, "\x1b[") {
		t.Errorf("remediation not cut to its first paragraph, or colour without a terminal:\n%s", out)
	}
}

func TestColourOnlyWhenAsked(t *testing.T) {
	var buf bytes.Buffer
	if err := text.Write(&buf, sample(), text.Options{Color: true}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "\x1b[1;31m") {
		t.Error("no colour for a high finding when asked")
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
}
