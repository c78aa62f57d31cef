package main

import (
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"
)

// TestDuplicateObjectIsAWarning: testdata/duplicates defines Deployment
// shop/api in two files with different pod labels, and a budget selecting
// the first one's pods. The check warns once, naming both places; the
// budget selects something (the cross-object rules see both Deployments);
// each Deployment keeps its own findings; and the exit code is the
// findings' in every output format.
func TestDuplicateObjectIsAWarning(t *testing.T) {
	const (
		first  = "testdata/duplicates/deploy.yaml:3 (document 1)"
		second = "testdata/duplicates/legacy.yaml:16 (document 2)"
	)
	res := prodready(t, "", "check", "--output", "json", "testdata/duplicates/")
	var rep struct {
		Findings []jsonFinding `json:"findings"`
		Warnings []struct {
			Code    string `json:"code"`
			Message string `json:"message"`
			Places  []struct {
				File     string `json:"file"`
				Document int    `json:"document"`
				Line     int    `json:"line"`
			} `json:"places"`
		} `json:"warnings"`
		Summary struct {
			Errors, Warnings int
		} `json:"summary"`
	}
	if err := json.Unmarshal([]byte(res.stdout), &rep); err != nil {
		t.Fatalf("output is not JSON (%v):\n%s\nstderr: %s", err, res.stdout, res.stderr)
	}
	if res.code != 1 || rep.Summary.Errors != 0 {
		t.Errorf("exit %d with %d errors, want 1 (failing findings) and none: a duplicate is no input error", res.code, rep.Summary.Errors)
	}
	if len(rep.Warnings) != 1 || rep.Summary.Warnings != 1 {
		t.Fatalf("warnings %+v (summary %d), want one", rep.Warnings, rep.Summary.Warnings)
	}
	w := rep.Warnings[0]
	if w.Code != "duplicate-object" || !strings.HasPrefix(w.Message, "Deployment shop/api is defined twice, at "+first+" and "+second+": ") ||
		len(w.Places) != 2 || w.Places[0].File != "testdata/duplicates/deploy.yaml" || w.Places[0].Line != 3 ||
		w.Places[1].File != "testdata/duplicates/legacy.yaml" || w.Places[1].Line != 16 || w.Places[1].Document != 2 {
		t.Errorf("warning %+v", w)
	}
	rules := map[string][]string{}
	for _, f := range rep.Findings {
		if f.Rule == "pdb-selector-matches-nothing" {
			t.Errorf("the budget selects the pods of deploy.yaml's Deployment, yet: %s", f.Message)
		}
		if f.Object.Kind == "Deployment" {
			rules[f.File] = append(rules[f.File], f.Rule)
		}
	}
	for file, want := range map[string][]string{
		"testdata/duplicates/deploy.yaml": {"memory-request-missing", "liveness-probe-missing"},
		"testdata/duplicates/legacy.yaml": {"memory-request-missing", "liveness-probe-missing", "pdb-missing"},
	} {
		for _, rule := range want {
			if !strings.Contains(strings.Join(rules[file], " "), rule) {
				t.Errorf("%s: Deployment shop/api has %v, want %s among them", file, rules[file], rule)
			}
		}
	}
	if strings.Contains(strings.Join(rules["testdata/duplicates/deploy.yaml"], " "), "pdb-missing") {
		t.Errorf("deploy.yaml's Deployment has a budget, yet pdb-missing: %v", rules)
	}

	// Every format says it, and exits as the findings decide: 1 at
	// --fail-on high, 0 at --fail-on critical.
	for _, format := range outputFormats {
		for failOn, code := range map[string]int{"high": 1, "critical": 0} {
			res := prodready(t, "", "check", "--output", format, "--fail-on", failOn, "testdata/duplicates/")
			if res.code != code {
				t.Errorf("%s, --fail-on %s: exit %d, want %d\n%s", format, failOn, res.code, code, res.stderr)
			}
			if !strings.Contains(res.stdout, first) || !strings.Contains(res.stdout, second) {
				t.Errorf("%s: the warning does not name both places:\n%s", format, res.stdout)
			}
		}
	}
	text := prodready(t, "", "check", "testdata/duplicates/").stdout
	if !strings.Contains(text, "\nwarning: Deployment shop/api is defined twice, at "+first+" and "+second) || !strings.Contains(text, ", 1 warning\n") {
		t.Errorf("text output:\n%s", text)
	}
	if gh := prodready(t, "", "check", "--output", "github", "testdata/duplicates/").stdout; !strings.Contains(gh, "\n::warning file=testdata/duplicates/deploy.yaml,line=3,title=duplicate-object::Deployment shop/api is defined twice") {
		t.Errorf("github output:\n%s", gh)
	}
	var junit struct {
		Suites []struct {
			Name  string `xml:"name,attr"`
			Cases []struct {
				Name      string `xml:"name,attr"`
				SystemErr string `xml:"system-err"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal([]byte(prodready(t, "", "check", "--output", "junit", "testdata/duplicates/").stdout), &junit); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, s := range junit.Suites {
		for _, c := range s.Cases {
			if c.Name == "duplicate-object Deployment/shop/api" {
				found = s.Name == "testdata/duplicates/deploy.yaml" && strings.HasPrefix(c.SystemErr, "warning: Deployment shop/api is defined twice")
			}
		}
	}
	if !found {
		t.Errorf("junit: no duplicate-object case with the warning in deploy.yaml's suite: %+v", junit.Suites)
	}
}

// TestDuplicatesWhateverTheOrder: given file by file in either order, or
// on standard input after each other, the same warning and findings.
func TestDuplicatesWhateverTheOrder(t *testing.T) {
	forward, _ := checkJSON(t, "", "testdata/duplicates/deploy.yaml", "testdata/duplicates/legacy.yaml")
	backward, _ := checkJSON(t, "", "testdata/duplicates/legacy.yaml", "testdata/duplicates/deploy.yaml")
	a, b := keys(pairs(forward, "")), keys(pairs(backward, ""))
	if strings.Join(a, "\n") != strings.Join(b, "\n") {
		t.Errorf("deploy.yaml then legacy.yaml:\n%s\nthe other way:\n%s", strings.Join(a, "\n"), strings.Join(b, "\n"))
	}
	res := prodready(t, "", "check", "--output", "json", "testdata/duplicates/legacy.yaml", "testdata/duplicates/deploy.yaml")
	if !strings.Contains(res.stdout, `"message": "Deployment shop/api is defined twice, at testdata/duplicates/deploy.yaml:3 (document 1) and testdata/duplicates/legacy.yaml:16 (document 2)`) {
		t.Errorf("files given the other way round: %s", res.stdout)
	}
}
