package jsonreport_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/prodready/prodready/internal/reporttest"
	"github.com/prodready/prodready/pkg/baseline"
	"github.com/prodready/prodready/pkg/engine"
	"github.com/prodready/prodready/pkg/manifest"
	"github.com/prodready/prodready/pkg/policy"
	"github.com/prodready/prodready/pkg/report"
	"github.com/prodready/prodready/pkg/report/jsonreport"
)

func decode(t *testing.T, r *report.Report) map[string]json.RawMessage {
	t.Helper()
	var buf bytes.Buffer
	if err := jsonreport.Write(&buf, r); err != nil {
		t.Fatal(err)
	}
	var out map[string]json.RawMessage
	if err := json.Unmarshal(buf.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestExemptedFindingsAreListedApart(t *testing.T) {
	findings := []engine.Finding{
		{Rule: "a", Severity: policy.High, Exempted: true, Exemption: &engine.Exemption{Source: engine.SourceConfig, Reason: "why", Line: 4}},
		{Rule: "b", Severity: policy.High, Exemption: &engine.Exemption{Source: engine.SourceAnnotation, Until: "2026-01-31", Expired: true}},
	}
	out := decode(t, report.New(&manifest.Result{}, reporttest.Results(findings, nil), nil, policy.High))
	for key, want := range map[string]string{
		"findings": `[{"rule":"b","severity":"high","enforcement":"","message":"","remediation":"","object":{"apiVersion":"","kind":"","namespace":"","name":""},"file":"","line":0,"objectLine":0,` +
			`"exemption":{"source":"annotation","until":"2026-01-31","expired":true}}]`,
		"exempted": `[{"rule":"a","severity":"high","enforcement":"","message":"","remediation":"","object":{"apiVersion":"","kind":"","namespace":"","name":""},"file":"","line":0,"objectLine":0,` +
			`"exempted":true,"exemption":{"source":"config","reason":"why","line":4}}]`,
	} {
		var compact bytes.Buffer
		if err := json.Compact(&compact, out[key]); err != nil {
			t.Fatal(err)
		}
		if compact.String() != want {
			t.Errorf("%s:\n%s\nwant\n%s", key, compact.String(), want)
		}
	}
	if _, ok := out["audit"]; ok {
		t.Error("an audit key although no audit ran")
	}
}

// TestWarnings: "warnings" is always there, [] when there are none, as
// "errors" is; a warning carries its code, message, object and places, and
// the summary counts them.
func TestWarnings(t *testing.T) {
	empty := decode(t, report.New(&manifest.Result{}, reporttest.Results(nil, nil), nil, policy.High))
	if got := string(empty["warnings"]); got != "[]" {
		t.Errorf("warnings %s, want [] without warnings", got)
	}
	out := decode(t, reporttest.Report())
	var compact bytes.Buffer
	if err := json.Compact(&compact, out["warnings"]); err != nil {
		t.Fatal(err)
	}
	want := `[{"code":"duplicate-object","message":` + quote(t, reporttest.Warnings()[0].Message) + `,` +
		`"object":{"apiVersion":"apps/v1","kind":"Deployment","namespace":"shop","name":"checkout-api"},` +
		`"places":[{"file":"deploy/shop.yaml","document":1,"line":2,"apiVersion":"apps/v1"},{"file":"deploy/shop.yaml","document":3,"line":60,"apiVersion":"extensions/v1beta1"}]}]`
	if compact.String() != want {
		t.Errorf("warnings:\n%s\nwant\n%s", compact.String(), want)
	}
	var summary struct{ Warnings, Errors int }
	if err := json.Unmarshal(out["summary"], &summary); err != nil {
		t.Fatal(err)
	}
	if summary.Warnings != 1 || summary.Errors != 2 {
		t.Errorf("summary counts %d warnings and %d errors, want 1 and 2", summary.Warnings, summary.Errors)
	}
}

func quote(t *testing.T, s string) string {
	t.Helper()
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestAuditIsPresentOnceAsked(t *testing.T) {
	r := report.New(&manifest.Result{}, reporttest.Results(nil, nil), nil, policy.High)
	r.Audit = []engine.ExemptionProblem{}
	if got := string(decode(t, r)["audit"]); got != "[]" {
		t.Errorf("audit %s, want [] for a clean audit", got)
	}
}

// TestWriteIsTheEncodersOutput: writing finding by finding changes
// nothing in the bytes.
func TestWriteIsTheEncodersOutput(t *testing.T) {
	full := reporttest.Report()
	audited := reporttest.Report()
	audited.Audit = []engine.ExemptionProblem{{Problem: engine.ProblemUnused, Source: engine.SourceConfig, Rules: []string{"a"}, Message: "m"}}
	baselined := reporttest.Report()
	baselined.ApplyBaseline(baseline.New(baselined.Findings[:1]), "known.yaml")
	fixed := reporttest.Report()
	fixed.ApplyBaseline(&baseline.Baseline{Entries: []baseline.Entry{{Rule: "gone", Object: "Deployment/shop/old"}}}, "known.yaml")
	for name, r := range map[string]*report.Report{
		"full":      full,
		"audited":   audited,
		"baselined": baselined,
		"fixed":     fixed,
		"empty":     report.New(&manifest.Result{}, reporttest.Results(nil, nil), nil, policy.High),
	} {
		var got, want bytes.Buffer
		if err := jsonreport.Write(&got, r); err != nil {
			t.Fatal(err)
		}
		enc := json.NewEncoder(&want)
		enc.SetIndent("", "  ")
		if err := enc.Encode(r); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("%s:\n%s\nwant\n%s", name, got.String(), want.String())
		}
	}
}
