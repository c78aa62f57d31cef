package main

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/prodready/prodready/internal/sariftest"
)

const demo = "examples/demo/"

// sarifLog is what the tests read back of a SARIF log.
type sarifLog struct {
	Runs []struct {
		Tool struct {
			Driver struct {
				Rules []struct{ ID, HelpURI string }
			}
		}
		Results []struct {
			RuleID    string
			RuleIndex int
			Level     string
			Locations []struct {
				PhysicalLocation struct {
					ArtifactLocation struct{ URI string }
					Region           struct{ StartLine int }
				}
			}
		}
	}
}

func checkSARIF(t *testing.T, stdin string, args ...string) (sarifLog, cliResult) {
	t.Helper()
	res := prodready(t, stdin, append([]string{"check", "--output", "sarif"}, args...)...)
	sariftest.Validate(t, []byte(res.stdout))
	var log sarifLog
	if err := json.Unmarshal([]byte(res.stdout), &log); err != nil {
		t.Fatalf("SARIF output is not JSON: %v\n%s", err, res.stderr)
	}
	if len(log.Runs) != 1 {
		t.Fatalf("runs = %d, want 1", len(log.Runs))
	}
	return log, res
}

// where is a finding's place as the JSON output gives it: "rule file:line".
func where(rule, file string, line int) string { return fmt.Sprintf("%s %s:%d", rule, file, line) }

func TestSARIFOnTheDemo(t *testing.T) {
	rep, jres := checkJSON(t, "", demo)
	log, res := checkSARIF(t, "", demo)
	if res.code != jres.code {
		t.Errorf("exit %d, JSON's %d: the format must not change the exit code", res.code, jres.code)
	}
	run := log.Runs[0]
	var want, got []string
	for _, f := range rep.Findings {
		want = append(want, where(f.Rule, f.File, f.Line))
	}
	for _, r := range run.Results {
		loc := r.Locations[0].PhysicalLocation
		got = append(got, where(r.RuleID, loc.ArtifactLocation.URI, loc.Region.StartLine))
		if id := run.Tool.Driver.Rules[r.RuleIndex].ID; id != r.RuleID {
			t.Errorf("result %s points at rule %s", r.RuleID, id)
		}
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("SARIF results\n%s\nwant the JSON findings\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	rules := prodready(t, "", "rules", "--output", "json")
	var catalogue []struct{ ID string }
	if err := json.Unmarshal([]byte(rules.stdout), &catalogue); err != nil {
		t.Fatal(err)
	}
	if len(run.Tool.Driver.Rules) == 0 || len(run.Tool.Driver.Rules) > len(catalogue) {
		t.Errorf("driver describes %d rules; the catalogue has %d", len(run.Tool.Driver.Rules), len(catalogue))
	}
	for _, r := range run.Tool.Driver.Rules {
		if _, err := os.Stat("../../docs/rules/" + r.ID + ".md"); err != nil || !strings.HasSuffix(r.HelpURI, "/docs/rules/"+r.ID+".md") {
			t.Errorf("rule %s: helpUri %q, docs page: %v", r.ID, r.HelpURI, err)
		}
	}
}

func TestSARIFFromStdin(t *testing.T) {
	manifest, err := os.ReadFile("../../examples/demo/shop.yaml")
	if err != nil {
		t.Fatal(err)
	}
	log, _ := checkSARIF(t, string(manifest), "-")
	if len(log.Runs[0].Results) == 0 {
		t.Fatal("no results")
	}
	for _, r := range log.Runs[0].Results {
		if u := r.Locations[0].PhysicalLocation.ArtifactLocation.URI; u != "-" {
			t.Errorf("%s: uri %q, want - for stdin", r.RuleID, u)
		}
	}
}

func TestJUnitOnTheDemo(t *testing.T) {
	rep, jres := checkJSON(t, "", demo)
	res := prodready(t, "", "check", "--output", "junit", demo)
	if res.code != jres.code {
		t.Errorf("exit %d, JSON's %d", res.code, jres.code)
	}
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Errors   int `xml:"errors,attr"`
		Suites   []struct {
			Name  string `xml:"name,attr"`
			Cases []struct {
				Name    string    `xml:"name,attr"`
				Failure *struct{} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal([]byte(res.stdout), &doc); err != nil {
		t.Fatalf("JUnit output does not parse: %v\n%s", err, res.stdout)
	}
	failing := map[string]bool{}
	for _, f := range rep.Findings {
		if f.Severity == "high" || f.Severity == "critical" {
			failing[f.File+" "+keys(pairs(jsonReport{Findings: []jsonFinding{f}}, ""))[0]] = true
		}
	}
	got := map[string]bool{}
	cases := 0
	for _, s := range doc.Suites {
		for _, c := range s.Cases {
			cases++
			if c.Failure != nil {
				got[s.Name+" "+c.Name] = true
			}
		}
	}
	if doc.Failures != len(failing) || len(got) != len(failing) {
		t.Errorf("failures: %d (%v), want one per failing object and rule: %v", doc.Failures, keys(got), keys(failing))
	}
	for k := range failing {
		if !got[k] {
			t.Errorf("no failing test case %q", k)
		}
	}
	if doc.Errors != 0 || doc.Tests != cases || cases <= len(pairs(rep, "")) {
		t.Errorf("tests=%d (%d cases), errors=%d: want every rule on every object it applies to, more than the %d pairs with findings",
			doc.Tests, cases, doc.Errors, len(pairs(rep, "")))
	}
}

var annotation = regexp.MustCompile(`^::(error|warning) file=([^,]+),line=(\d+),title=([a-z0-9-]+)::\[(\w+)\] `)

func TestGitHubAnnotationsOnTheDemo(t *testing.T) {
	rep, jres := checkJSON(t, "", demo)
	res := prodready(t, "", "check", "--output", "github", demo)
	if res.code != jres.code {
		t.Errorf("exit %d, JSON's %d", res.code, jres.code)
	}
	lines := strings.Split(strings.TrimSuffix(res.stdout, "\n"), "\n")
	if len(lines) != len(rep.Findings)+1 || !strings.HasPrefix(lines[len(lines)-1], "prodready: ") {
		t.Fatalf("%d lines for %d findings, want one each and a summary:\n%s", len(lines), len(rep.Findings), res.stdout)
	}
	errors := 0
	for i, f := range rep.Findings {
		m := annotation.FindStringSubmatch(lines[i])
		if m == nil {
			t.Errorf("not an annotation: %s", lines[i])
			continue
		}
		if got, want := where(m[4], m[2], atoi(t, m[3])), where(f.Rule, f.File, f.Line); got != want || m[5] != f.Severity {
			t.Errorf("annotation %d is %s [%s], want %s [%s]", i, got, m[5], want, f.Severity)
		}
		if m[1] == "error" {
			errors++
		}
	}
	if errors != rep.Summary.Failing {
		t.Errorf("%d errors, want the %d failing findings", errors, rep.Summary.Failing)
	}
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	var n int
	if _, err := fmt.Sscan(s, &n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestOutputFormatsAreDeterministic(t *testing.T) {
	for _, format := range outputFormats {
		a := prodready(t, "", "check", "--output", format, demo)
		b := prodready(t, "", "check", "--output", format, demo)
		if a.stdout != b.stdout {
			t.Errorf("--output %s: two runs differ", format)
		}
	}
}

func TestUnknownOutputNamesTheFormats(t *testing.T) {
	res := prodready(t, "", "check", "--output", "yaml", demo)
	if res.code != 2 || !strings.Contains(res.stderr, "text, json, sarif, junit, github") {
		t.Errorf("exit %d, stderr %q", res.code, res.stderr)
	}
}
