package junit_test

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/prodready/prodready/internal/reporttest"
	"github.com/prodready/prodready/pkg/policy"
	"github.com/prodready/prodready/pkg/report"
	"github.com/prodready/prodready/pkg/report/junit"
)

// parsed is JUnit XML as a CI system reads it back.
type parsed struct {
	XMLName xml.Name `xml:"testsuites"`
	Counts
	Suites []struct {
		Name string `xml:"name,attr"`
		Counts
		Cases []struct {
			Name      string `xml:"name,attr"`
			Classname string `xml:"classname,attr"`
			Line      int    `xml:"line,attr"`
			Failure   *struct {
				Message string `xml:"message,attr"`
				Type    string `xml:"type,attr"`
				Body    string `xml:",chardata"`
			} `xml:"failure"`
			Error *struct {
				Message string `xml:"message,attr"`
			} `xml:"error"`
			Skipped *struct {
				Message string `xml:"message,attr"`
			} `xml:"skipped"`
			SystemOut string `xml:"system-out"`
			SystemErr string `xml:"system-err"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

// Counts are the attributes of both suites and the document.
type Counts struct {
	Tests    int `xml:"tests,attr"`
	Failures int `xml:"failures,attr"`
	Errors   int `xml:"errors,attr"`
	Skipped  int `xml:"skipped,attr"`
}

func write(t *testing.T, r *report.Report, opts junit.Options) (string, parsed) {
	t.Helper()
	var buf bytes.Buffer
	if err := junit.Write(&buf, r, opts); err != nil {
		t.Fatal(err)
	}
	var p parsed
	if err := xml.Unmarshal(buf.Bytes(), &p); err != nil {
		t.Fatalf("output is not well-formed XML: %v\n%s", err, buf.String())
	}
	return buf.String(), p
}

func all() junit.Options {
	return junit.Options{Objects: reporttest.Objects(), Rules: reporttest.Rules()}
}

func TestCountsAndSuites(t *testing.T) {
	out, p := write(t, reporttest.Report(), all())
	if !strings.HasPrefix(out, `<?xml version="1.0" encoding="UTF-8"?>`) {
		t.Errorf("no XML declaration: %.60s", out)
	}
	if p.Tests != 13 || p.Failures != 2 || p.Errors != 2 || p.Skipped != 2 {
		t.Errorf("totals tests=%d failures=%d errors=%d skipped=%d, want 13 2 2 2", p.Tests, p.Failures, p.Errors, p.Skipped)
	}
	var names []string
	for _, s := range p.Suites {
		names = append(names, s.Name)
		if len(s.Cases) != s.Tests {
			t.Errorf("suite %s: tests=%d but %d cases", s.Name, s.Tests, len(s.Cases))
		}
	}
	if got, want := strings.Join(names, " "), "<stdin> deploy/broken.yaml deploy/shop.yaml deploy/worker.yaml prodready"; got != want {
		t.Errorf("suites %q, want %q", got, want)
	}
}

func TestCases(t *testing.T) {
	_, p := write(t, reporttest.Report(), all())
	shop := p.Suites[2]
	if shop.Tests != 5 || shop.Failures != 1 {
		t.Fatalf("shop.yaml: tests=%d failures=%d, want 5 1", shop.Tests, shop.Failures)
	}
	var names []string
	for _, c := range shop.Cases {
		names = append(names, c.Name)
		if c.Classname != "deploy/shop.yaml" {
			t.Errorf("%s: classname %q", c.Name, c.Classname)
		}
	}
	if got, want := strings.Join(names, ", "), "memory-limit-no-headroom Deployment/shop/checkout-api, readiness-probe-missing Deployment/shop/checkout-api, team-label-missing Deployment/shop/checkout-api, team-label-missing Service/shop/checkout-api, duplicate-object Deployment/shop/checkout-api"; got != want {
		t.Errorf("cases\n %s\nwant\n %s", got, want)
	}
	below, failing, passing := shop.Cases[0], shop.Cases[1], shop.Cases[3]
	if below.Failure != nil || !strings.Contains(below.SystemOut, "Below the failure threshold") || !strings.Contains(below.SystemOut, "Fix: Set the limit 1.25x the request.") {
		t.Errorf("a medium finding under --fail-on high: failure %v, system-out %q; want a pass with the finding in system-out", below.Failure, below.SystemOut)
	}
	f := failing.Failure
	if f == nil || f.Type != "high" || !strings.HasPrefix(f.Message, "2 findings; first: container \"api\"") ||
		!strings.Contains(f.Body, "deploy/shop.yaml:12 [high] container api: container \"api\" has no readinessProbe\nFix: Add a readinessProbe.") ||
		!strings.Contains(f.Body, "deploy/shop.yaml:25 [high] container sidecar") {
		t.Errorf("failure = %+v", f)
	}
	if failing.Line != 2 {
		t.Errorf("case line = %d, want the object's line 2", failing.Line)
	}
	if passing.Failure != nil || passing.Skipped != nil || passing.Error != nil || passing.SystemOut != "" || passing.Line != 40 {
		t.Errorf("rule without findings: %+v, want a plain pass at line 40", passing)
	}
}

func TestExemptedAreSkipped(t *testing.T) {
	_, p := write(t, reporttest.Report(), all())
	worker := p.Suites[3]
	if worker.Skipped != 2 || worker.Failures != 0 {
		t.Fatalf("worker.yaml: skipped=%d failures=%d, want 2 0", worker.Skipped, worker.Failures)
	}
	if s := worker.Cases[0].Skipped; s == nil || s.Message != "exempted: batch job, restarts are fine" {
		t.Errorf("annotation-exempted case skipped = %+v", s)
	}
	if s := worker.Cases[1].Skipped; s == nil || s.Message != "exempted: not serving traffic" {
		t.Errorf("config-exempted case skipped = %+v", s)
	}
}

func TestInputErrors(t *testing.T) {
	_, p := write(t, reporttest.Report(), all())
	broken, tool := p.Suites[1], p.Suites[4]
	if broken.Errors != 1 || broken.Cases[0].Name != "input error: document 2" || broken.Cases[0].Line != 14 ||
		broken.Cases[0].Error == nil || broken.Cases[0].Error.Message != "yaml: did not find expected key" {
		t.Errorf("broken.yaml suite = %+v", broken)
	}
	if tool.Errors != 1 || tool.Cases[0].Error.Message != "rule team-label-missing timed out" {
		t.Errorf("errors without a file = %+v", tool)
	}
}

func TestEscaping(t *testing.T) {
	out, p := write(t, reporttest.Report(), all())
	f := p.Suites[0].Cases[1].Failure
	if f == nil {
		t.Fatal("the stdin finding does not fail")
	}
	if f.Message != reporttest.Tricky {
		t.Errorf("stdin failure message read back as %q, want %q", f.Message, reporttest.Tricky)
	}
	if strings.Contains(out, "<fail>") || !strings.Contains(out, "&lt;fail&gt; &amp;") {
		t.Error("markup in a message is not escaped")
	}
}

func TestOnlyFindingsWithoutObjects(t *testing.T) {
	_, p := write(t, reporttest.Report(), junit.Options{})
	if p.Tests != 8 || p.Failures != 2 || p.Skipped != 2 || p.Errors != 2 {
		t.Errorf("tests=%d failures=%d skipped=%d errors=%d, want 8 2 2 2 (the pairs with findings, the errors and the warning)", p.Tests, p.Failures, p.Skipped, p.Errors)
	}
}

func TestFailOnDecidesFailures(t *testing.T) {
	r := reporttest.Report()
	r.Summary.FailOn = policy.Medium
	_, p := write(t, r, all())
	if p.Failures != 3 {
		t.Errorf("failures with --fail-on medium = %d, want 3", p.Failures)
	}
}

func TestDeterministic(t *testing.T) {
	a, _ := write(t, reporttest.Report(), all())
	b, _ := write(t, reporttest.Report(), all())
	if a != b {
		t.Error("two writes of the same report differ")
	}
}

// TestWarningIsAPassingCaseWithSystemErr: a warning about the input is a
// test case of its own, in the suite of the first place it names, that
// fails nothing and carries the warning in its system-err.
func TestWarningIsAPassingCaseWithSystemErr(t *testing.T) {
	_, p := write(t, reporttest.Report(), all())
	shop := p.Suites[2]
	c := shop.Cases[len(shop.Cases)-1]
	want := reporttest.Warnings()[0]
	if c.Name != "duplicate-object Deployment/shop/checkout-api" || c.Classname != "deploy/shop.yaml" || c.Line != 2 ||
		c.Failure != nil || c.Error != nil || c.Skipped != nil || c.SystemErr != "warning: "+want.Message {
		t.Errorf("warning case = %+v", c)
	}
	if !strings.Contains(c.SystemErr, "deploy/shop.yaml:2 (document 1, apps/v1) and deploy/shop.yaml:60 (document 3, extensions/v1beta1)") {
		t.Errorf("system-err does not name both places: %q", c.SystemErr)
	}
}
