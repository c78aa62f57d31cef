package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"sigs.k8s.io/yaml"
)

// hostileReport is the part of the JSON report these tests read.
type hostileReport struct {
	Findings []jsonFinding `json:"findings"`
	Summary  struct {
		Objects, Findings, Failing, Skipped, Errors int
	} `json:"summary"`
	Errors []struct {
		File     string `json:"file"`
		Document int    `json:"document"`
		Line     int    `json:"line"`
		Message  string `json:"message"`
	} `json:"errors"`
}

func hostileCheck(t *testing.T, dir, stdin string, args ...string) (hostileReport, cliResult, time.Duration) {
	t.Helper()
	start := time.Now()
	res := prodreadyIn(t, dir, stdin, append([]string{"check", "--output", "json"}, args...)...)
	took := time.Since(start)
	var rep hostileReport
	if err := json.Unmarshal([]byte(res.stdout), &rep); err != nil {
		t.Fatalf("output is not JSON (%v):\n%s\nstderr: %s", err, res.stdout, res.stderr)
	}
	return rep, res, took
}

// TestHostileInputThroughTheCLI checks testdata/hostile at once: every
// case's error is reported with its file, document and line, and the
// objects of the other files and documents are still checked.
func TestHostileInputThroughTheCLI(t *testing.T) {
	data, err := os.ReadFile("../../testdata/hostile/expect.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var expect map[string]struct {
		Objects []string
		Skipped []string
		Errors  []struct {
			Document, Line int
			Message        string
		}
	}
	if err := yaml.Unmarshal(data, &expect); err != nil {
		t.Fatal(err)
	}
	rep, res, took := hostileCheck(t, "../..", "", "testdata/hostile")
	if res.code != 2 {
		t.Errorf("exit %d, want 2 (input errors)", res.code)
	}
	if took > 10*time.Second {
		t.Errorf("took %v", took)
	}
	var objects, errors, skipped int
	i := 0
	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for k := range expect {
			if !yield(k) {
				return
			}
		}
	}) {
		exp := expect[name]
		objects, skipped = objects+len(exp.Objects), skipped+len(exp.Skipped)
		for _, want := range exp.Errors {
			errors++
			if i >= len(rep.Errors) {
				t.Errorf("%s: no error, want %+v", name, want)
				continue
			}
			got := rep.Errors[i]
			i++
			if got.File != "testdata/hostile/"+name || got.Document != want.Document || got.Line != want.Line || !strings.Contains(got.Message, want.Message) {
				t.Errorf("error %+v, want %s %+v", got, name, want)
			}
		}
	}
	skipped++ // expect.yaml itself: YAML, but not a Kubernetes object
	if rep.Summary.Objects != objects || rep.Summary.Errors != errors || rep.Summary.Skipped != skipped {
		t.Errorf("summary %+v, want %d objects, %d errors, %d skipped", rep.Summary, objects, errors, skipped)
	}
	// The Deployments among the objects lack requests, limits and probes.
	checked := map[string]bool{}
	for _, f := range rep.Findings {
		checked[fmt.Sprintf("%s %s:%d", f.Object.Name, f.File, f.ObjectLine)] = true
	}
	want := []string{
		"after testdata/hostile/broken-middle.yaml:23",
		"before testdata/hostile/broken-middle.yaml:1",
		"bom testdata/hostile/bom.yaml:2",
		"crlf-one testdata/hostile/crlf.yaml:1",
		"crlf-two testdata/hostile/crlf.yaml:16",
	}
	if got := keys(checked); !slices.Equal(got, want) {
		t.Errorf("objects with findings %q, want %q", got, want)
	}
}

// TestLimitFlagsDecide: a file just over --max-file-size, or a document
// just deeper than --max-depth, is an input error; raising the limit checks
// it.
func TestLimitFlagsDecide(t *testing.T) {
	dir := t.TempDir()
	// Nine levels: the object, spec, template, spec, containers, the
	// container, args and two more.
	deployment := strings.Replace(badDeployment("deep"), "image: nginx\n", "image: nginx\n        args: [[[x]]]\n", 1)
	if err := os.WriteFile(filepath.Join(dir, "deep.yaml"), []byte(deployment), 0o644); err != nil {
		t.Fatal(err)
	}
	size := fmt.Sprint(len(deployment))
	for _, tt := range []struct {
		args   []string
		reject string // the error, or "" when the object is checked
	}{
		{[]string{"--max-file-size", fmt.Sprint(len(deployment) - 1)}, fmt.Sprintf("file too large: %s bytes, over the limit of %d", size, len(deployment)-1)},
		{[]string{"--max-file-size", size}, ""},
		{[]string{"--max-file-size", "100"}, "file too large"},
		{[]string{"--max-file-size", "1Ki"}, ""},
		{[]string{"--max-depth", "8"}, "document too deep: nested more than 8 levels deep"},
		{[]string{"--max-depth", "9"}, ""},
	} {
		rep, res, _ := hostileCheck(t, dir, "", append(tt.args, "deep.yaml")...)
		if tt.reject == "" {
			if res.code != 1 || len(rep.Errors) != 0 || len(rep.Findings) == 0 {
				t.Errorf("%v: exit %d, errors %+v, %d findings; want the object checked", tt.args, res.code, rep.Errors, len(rep.Findings))
			}
			continue
		}
		if res.code != 2 || len(rep.Errors) != 1 || rep.Errors[0].File != "deep.yaml" || !strings.Contains(rep.Errors[0].Message, tt.reject) || len(rep.Findings) != 0 {
			t.Errorf("%v: exit %d, errors %+v, %d findings; want %q", tt.args, res.code, rep.Errors, len(rep.Findings), tt.reject)
		}
	}
	// Standard input has the same limit.
	rep, res, _ := hostileCheck(t, dir, deployment, "--max-file-size", "100", "-")
	if res.code != 2 || len(rep.Errors) != 1 || rep.Errors[0].File != "<stdin>" || !strings.Contains(rep.Errors[0].Message, "file too large") {
		t.Errorf("stdin: exit %d, errors %+v", res.code, rep.Errors)
	}
}

// TestHugeFileIsRefusedAtOnce: a file of hundreds of megabytes is refused
// by its size without being read, and the other files are checked.
func TestHugeFileIsRefusedAtOnce(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "app.yaml"), []byte(badDeployment("app")), 0o644); err != nil {
		t.Fatal(err)
	}
	huge := filepath.Join(dir, "huge.yaml")
	if err := os.WriteFile(huge, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(huge, 300<<20); err != nil { // sparse: costs no disk
		t.Fatal(err)
	}
	rep, res, took := hostileCheck(t, dir, "", ".")
	if took > 5*time.Second {
		t.Errorf("took %v", took)
	}
	if res.code != 2 || len(rep.Errors) != 1 || rep.Errors[0].File != "huge.yaml" || !strings.Contains(rep.Errors[0].Message, "file too large: 314572800 bytes, over the limit of 67108864") {
		t.Errorf("exit %d, errors %+v; want huge.yaml too large", res.code, rep.Errors)
	}
	if rep.Summary.Objects != 1 || len(rep.Findings) == 0 {
		t.Errorf("summary %+v: app.yaml was not checked", rep.Summary)
	}
}

// badDeployment is a Deployment without requests, limits or probes, on 14
// lines; its container is on line 13.
func badDeployment(name string) string {
	return fmt.Sprintf(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: %[1]s
spec:
  selector:
    matchLabels: {app: %[1]s}
  template:
    metadata:
      labels: {app: %[1]s}
    spec:
      containers:
      - name: app
        image: nginx
`, name)
}

// goodCronJob has no findings.
func goodCronJob(name string) string {
	return fmt.Sprintf(`apiVersion: batch/v1
kind: CronJob
metadata:
  name: %s
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
          - name: job
            image: registry.example.com/job:1.0.0
            resources:
              requests: {cpu: 500m, memory: 1Gi}
              limits: {cpu: "1", memory: 2Gi}
`, name)
}

// brokenDocs are documents that cannot be checked, each with a part of its
// error and the line of the error within the document.
var brokenDocs = []struct {
	text, message string
	line          int
}{
	{"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x\nspec: {}\n", "did not find expected ',' or '}'", 4},
	{"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\n  name: y\n", `mapping key "name" already defined at line`, 5},
	{"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec: " + strings.Repeat("[", 200) + strings.Repeat("]", 200) + "\n", "document too deep", 4},
	{"apiVersion: 5\nkind: Deployment\nmetadata: {name: x}\n", "apiVersion must be a non-empty string", 1},
}

// TestNothingLost checks hundreds of good, bad and broken documents in
// several files and stdin: every bad document's findings are reported
// exactly once, at its file and lines, every broken one is an error with
// its file, document and line, good ones have no findings, and the summary
// and exit code say so.
func TestNothingLost(t *testing.T) {
	// The findings of a bad document, and their lines relative to it.
	ref, _, _ := hostileCheck(t, ".", badDeployment("ref"), "-")
	wantRules := map[string]int{}
	for _, f := range ref.Findings {
		wantRules[f.Rule] = f.Line - f.ObjectLine
	}
	if len(wantRules) < 3 {
		t.Fatalf("a bad Deployment has findings %v: want at least three rules", wantRules)
	}

	type document struct {
		file, name string
		doc, line  int // where it starts
		kind       string
		broken     int // brokenDocs index
	}
	var docs []document
	inputs := map[string]string{}
	kinds := []string{"good", "bad", "broken", "good", "bad", "bad", "broken"}
	dir := t.TempDir()
	for _, file := range []string{"a.yaml", "b.yaml", "c/d.yaml", "c/e.yaml", "<stdin>"} {
		var b strings.Builder
		line := 1
		for i := range 70 {
			if i > 0 {
				b.WriteString("---\n")
				line++
			}
			d := document{file: file, doc: i + 1, line: line, kind: kinds[(i+len(file))%len(kinds)]}
			d.name = fmt.Sprintf("%s-%s-%d", d.kind, strings.NewReplacer("/", "-", ".", "-", "<", "", ">", "").Replace(file), i+1)
			var text string
			switch d.kind {
			case "good":
				text = goodCronJob(d.name)
			case "bad":
				text = badDeployment(d.name)
			case "broken":
				d.broken = i % len(brokenDocs)
				text = brokenDocs[d.broken].text
			}
			b.WriteString(text)
			line += strings.Count(text, "\n")
			docs = append(docs, d)
		}
		inputs[file] = b.String()
		if file != "<stdin>" {
			if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(file)), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, file), []byte(b.String()), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}

	rep, res, _ := hostileCheck(t, dir, inputs["<stdin>"], "a.yaml", "b.yaml", "c", "-")
	if res.code != 2 {
		t.Errorf("exit %d, want 2: input errors win over failing findings", res.code)
	}
	reported := map[string]int{}
	for _, f := range rep.Findings {
		reported[fmt.Sprintf("%s %s %s:%d/%d", f.Rule, f.Object.Name, f.File, f.ObjectLine, f.Line)]++
	}
	errs := map[string]int{}
	for _, e := range rep.Errors {
		errs[fmt.Sprintf("%s document %d line %d", e.File, e.Document, e.Line)]++
	}
	var good, bad, broken int
	for _, d := range docs {
		switch d.kind {
		case "good":
			good++
		case "bad":
			bad++
			for rule, offset := range wantRules {
				key := fmt.Sprintf("%s %s %s:%d/%d", rule, d.name, d.file, d.line, d.line+offset)
				if n := reported[key]; n != 1 {
					t.Errorf("%s reported %d times, want once", key, n)
				}
				delete(reported, key)
			}
		case "broken":
			broken++
			key := fmt.Sprintf("%s document %d line %d", d.file, d.doc, d.line+brokenDocs[d.broken].line-1)
			if errs[key] != 1 {
				t.Errorf("no error %q (%s)", key, brokenDocs[d.broken].message)
			}
			delete(errs, key)
		}
	}
	if len(reported) != 0 {
		t.Errorf("findings beyond the bad documents' (on a good one?): %v", keys(toSet(reported)))
	}
	if len(errs) != 0 {
		t.Errorf("errors beyond the broken documents': %v", keys(toSet(errs)))
	}
	for _, e := range rep.Errors {
		if d := docs[slices.IndexFunc(docs, func(d document) bool { return d.file == e.File && d.doc == e.Document })]; d.kind == "broken" && !strings.Contains(e.Message, brokenDocs[d.broken].message) {
			t.Errorf("%s document %d: %q, want %q", e.File, e.Document, e.Message, brokenDocs[d.broken].message)
		}
	}
	if s := rep.Summary; s.Objects != good+bad || s.Findings != bad*len(wantRules) || s.Errors != broken || s.Failing == 0 {
		t.Errorf("summary %+v, want %d objects, %d findings, %d errors", s, good+bad, bad*len(wantRules), broken)
	}
	if good+bad+broken < 300 || good == 0 || bad == 0 || broken == 0 {
		t.Fatalf("%d good, %d bad, %d broken documents: not the mix this test is for", good, bad, broken)
	}
}

func toSet(m map[string]int) map[string]bool {
	s := map[string]bool{}
	for k := range m {
		s[k] = true
	}
	return s
}
