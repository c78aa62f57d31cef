package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/prodready/prodready/pkg/version"
)

// binary is the prodready CLI, built once for the end-to-end tests as a
// release builds it.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "prodready-e2e")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "prodready")
	build := exec.Command("bash", "../../scripts/build-release.sh", runtime.GOOS, runtime.GOARCH, binary)
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		panic("building prodready: " + err.Error())
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type cliResult struct {
	stdout, stderr string
	code           int
}

// prodready runs the built CLI from the repository root.
func prodready(t *testing.T, stdin string, args ...string) cliResult {
	t.Helper()
	return prodreadyIn(t, "../..", stdin, args...)
}

// prodreadyIn runs the built CLI in dir.
func prodreadyIn(t *testing.T, dir, stdin string, args ...string) cliResult {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	if exit, ok := err.(*exec.ExitError); ok {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return cliResult{out.String(), errOut.String(), code}
}

type jsonFinding struct {
	Rule     string `json:"rule"`
	Severity string `json:"severity"`
	Message  string `json:"message"`
	Object   struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
		Namespace  string `json:"namespace"`
		Name       string `json:"name"`
	} `json:"object"`
	Container  string `json:"container"`
	Field      string `json:"field"`
	File       string `json:"file"`
	Line       int    `json:"line"`
	ObjectLine int    `json:"objectLine"`
}

type jsonReport struct {
	Findings []jsonFinding `json:"findings"`
	Summary  struct {
		Objects  int `json:"objects"`
		Findings int `json:"findings"`
		Failing  int `json:"failing"`
		Skipped  int `json:"skipped"`
		Errors   int `json:"errors"`
	} `json:"summary"`
	Errors []struct {
		File     string `json:"file"`
		Document int    `json:"document"`
		Message  string `json:"message"`
	} `json:"errors"`
}

func checkJSON(t *testing.T, stdin string, args ...string) (jsonReport, cliResult) {
	t.Helper()
	res := prodready(t, stdin, append([]string{"check", "--output", "json"}, args...)...)
	var rep jsonReport
	if err := json.Unmarshal([]byte(res.stdout), &rep); err != nil {
		t.Fatalf("output is not JSON (%v):\n%s\nstderr: %s", err, res.stdout, res.stderr)
	}
	return rep, res
}

// pairs are the (rule, object) pairs of a report, as "rule Kind/ns/name".
func pairs(rep jsonReport, onlyRule string) map[string]bool {
	seen := map[string]bool{}
	for _, f := range rep.Findings {
		if onlyRule != "" && f.Rule != onlyRule {
			continue
		}
		obj := f.Object.Kind + "/" + f.Object.Name
		if f.Object.Namespace != "" {
			obj = f.Object.Kind + "/" + f.Object.Namespace + "/" + f.Object.Name
		}
		seen[f.Rule+" "+obj] = true
	}
	return seen
}

var expectLine = regexp.MustCompile(`^#\s*(expect(?:-[a-z-]+)?):\s*(\S+ \S+)\s*$`)

// expectations reads the "# <marker>:" lines (expect, expect-strict,
// expect-team...) of every example file.
func expectations(t *testing.T, marker string) map[string]bool {
	t.Helper()
	seen := map[string]bool{}
	err := filepath.WalkDir("../../examples", func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".yaml") {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if m := expectLine.FindStringSubmatch(sc.Text()); m != nil && m[1] == marker {
				seen[m[2]] = true
			}
		}
		return sc.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	return seen
}

func keys(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestExamplesReportExactlyTheExpectedFindings(t *testing.T) {
	want := expectations(t, "expect")
	if len(want) == 0 {
		t.Fatal("no # expect: lines found under examples/")
	}
	rep, res := checkJSON(t, "", "examples/")
	if res.code != 1 {
		t.Errorf("exit code %d, want 1 (failing findings)", res.code)
	}
	if len(rep.Errors) != 0 {
		t.Errorf("input errors on examples: %+v", rep.Errors)
	}
	got := pairs(rep, "")
	for _, w := range keys(want) {
		if !got[w] {
			t.Errorf("expected but not reported: %s", w)
		}
	}
	for _, g := range keys(got) {
		if !want[g] {
			t.Errorf("reported but not expected: %s", g)
		}
	}
}

func TestStrictExamples(t *testing.T) {
	want := expectations(t, "expect-strict")
	if len(want) == 0 {
		t.Fatal("no # expect-strict: lines found under examples/")
	}
	rep, _ := checkJSON(t, "", "--profile", "strict", "examples/")
	got := pairs(rep, "")
	// Under strict a strict rule may also fire on other examples; it must fire on every expected object.
	for _, w := range keys(want) {
		if !got[w] {
			t.Errorf("strict: expected but not reported: %s", w)
		}
	}
}

func TestGoodExamplesAreClean(t *testing.T) {
	rep, res := checkJSON(t, "", "examples/good")
	if res.code != 0 || len(rep.Findings) != 0 {
		t.Errorf("exit %d, findings on the post's good examples: %+v", res.code, rep.Findings)
	}
	if rep.Summary.Objects == 0 {
		t.Error("no objects read from examples/good")
	}
}

func TestFindingsCarryObjectFileAndLine(t *testing.T) {
	rep, _ := checkJSON(t, "", "examples/")
	if len(rep.Findings) == 0 {
		t.Fatal("no findings")
	}
	for _, f := range rep.Findings {
		if f.Rule == "" || f.Severity == "" || f.Message == "" || f.Object.APIVersion == "" || f.Object.Kind == "" || f.Object.Name == "" || f.File == "" || f.Line < 1 {
			t.Errorf("incomplete finding: %+v", f)
		}
	}
	// Each object's line is where its document starts in its multi-document file.
	for _, f := range rep.Findings {
		src, err := os.ReadFile(filepath.Join("../..", f.File))
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(src), "\n")
		if f.ObjectLine > len(lines) || f.ObjectLine < 1 || !strings.HasPrefix(lines[f.ObjectLine-1], "apiVersion:") {
			t.Errorf("%s:%d is not the start of %s/%s", f.File, f.ObjectLine, f.Object.Kind, f.Object.Name)
		}
		if f.Line < f.ObjectLine {
			t.Errorf("%s:%d: %s's field is before its object, at line %d", f.File, f.Line, f.Rule, f.ObjectLine)
		}
	}
}

func TestContainerLevelFindingsNameTheContainer(t *testing.T) {
	rep, _ := checkJSON(t, "", "examples/resources/memory-request-missing.yaml")
	found := false
	for _, f := range rep.Findings {
		if f.Rule == "memory-request-missing" {
			found = true
			if f.Container == "" {
				t.Errorf("no container: %+v", f)
			}
		}
	}
	if !found {
		t.Error("memory-request-missing not reported on its example")
	}
}

func TestBrokenInputIsReportedAndTheRestStillChecked(t *testing.T) {
	rep, res := checkJSON(t, "", "testdata/input/mixed")
	if res.code != 2 {
		t.Errorf("exit code %d, want 2 on input errors", res.code)
	}
	var names []string
	for _, f := range rep.Findings {
		if f.Rule == "memory-request-missing" {
			names = append(names, f.Object.Name)
		}
	}
	if strings.Join(names, ",") != "first,third" {
		t.Errorf("memory-request-missing on %v, want first and third (the documents around the broken one)", names)
	}
	errs := map[string]int{}
	for _, e := range rep.Errors {
		errs[filepath.Base(e.File)] = e.Document
	}
	if doc, ok := errs["broken-middle.yaml"]; !ok || doc != 2 {
		t.Errorf("errors %+v: want broken-middle.yaml document 2", rep.Errors)
	}
	if _, ok := errs["binary.yaml"]; !ok {
		t.Errorf("errors %+v: want binary.yaml", rep.Errors)
	}
	if rep.Summary.Skipped != 2 {
		t.Errorf("skipped %d, want 2 (values.yaml and empty.yaml)", rep.Summary.Skipped)
	}
}

func TestTextErrorsNameFileAndDocument(t *testing.T) {
	res := prodready(t, "", "check", "testdata/input/mixed/broken-middle.yaml")
	if res.code != 2 {
		t.Errorf("exit code %d, want 2", res.code)
	}
	if !regexp.MustCompile(`broken-middle\.yaml: document 2`).MatchString(res.stdout + res.stderr) {
		t.Errorf("no error naming file and document:\n%s%s", res.stdout, res.stderr)
	}
	if strings.Contains(res.stderr, "panic") {
		t.Errorf("panic: %s", res.stderr)
	}
}

func TestMissingPathAndEmptyDirectory(t *testing.T) {
	for _, path := range []string{"testdata/does-not-exist.yaml", "testdata/input/nomanifests"} {
		rep, res := checkJSON(t, "", path)
		if res.code != 2 || len(rep.Errors) != 1 {
			t.Errorf("%s: exit %d, errors %+v; want 2 and one error", path, res.code, rep.Errors)
		}
	}
}

func TestStdin(t *testing.T) {
	manifest, err := os.ReadFile("../../examples/resources/memory-request-missing.yaml")
	if err != nil {
		t.Fatal(err)
	}
	rep, res := checkJSON(t, string(manifest), "-")
	if res.code != 1 || len(rep.Findings) == 0 {
		t.Fatalf("exit %d, %d findings; want 1 and findings", res.code, len(rep.Findings))
	}
	if rep.Findings[0].File != "<stdin>" {
		t.Errorf("file %q, want <stdin>", rep.Findings[0].File)
	}
}

func TestFailOnThreshold(t *testing.T) {
	// memory-limit-no-headroom is medium: failing only at --fail-on medium or below.
	path := "examples/resources/memory-limit-no-headroom.yaml"
	if res := prodready(t, "", "check", "--fail-on", "high", path); res.code != 0 {
		t.Errorf("--fail-on high: exit %d, want 0\n%s", res.code, res.stdout)
	}
	if res := prodready(t, "", "check", "--fail-on", "medium", path); res.code != 1 {
		t.Errorf("--fail-on medium: exit %d, want 1", res.code)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"check"},
		{"check", "--fail-on", "urgent", "examples/good"},
		{"check", "--profile", "paranoid", "examples/good"},
		{"check", "--output", "yaml", "examples/good"},
		{"nonsense"},
		{"bundle", "--out", "x"},
		{"bundle", "--target", "helm", "--out", "x"},
		{"bundle", "--target", "opa"},
		{"bundle", "--target", "gatekeeper", "--out", "x", "--signing-key", "key.pem"},
	} {
		if res := prodready(t, "", args...); res.code != 2 {
			t.Errorf("%v: exit %d, want 2", args, res.code)
		}
	}
}

// TestTextOutputIsReadable: on a pipe, the text output of the README's
// demo is the golden file pkg/report/text tests (a line per finding,
// no colour), which the README shows; -v adds the fixes; --verbose and
// --quiet are for text only.
func TestTextOutputIsReadable(t *testing.T) {
	want, err := os.ReadFile("../../pkg/report/text/testdata/demo.pipe.txt")
	if err != nil {
		t.Fatal(err)
	}
	if res := prodready(t, "", "check", "examples/demo/"); res.stdout != string(want) || res.code != 1 {
		t.Errorf("exit %d, output:\n%s\nwant:\n%s", res.code, res.stdout, want)
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), "$ prodready check examples/demo/\n"+string(want)+"```") {
		t.Error("README.md does not show the demo's output as it is (pkg/report/text/testdata/demo.pipe.txt)")
	}
	if n := strings.Count(string(want), "\n"); n >= 40 {
		t.Errorf("the demo's output is %d lines, want under 40", n)
	}
	res := prodready(t, "", "check", "-v", "examples/resources/memory-request-missing.yaml")
	for _, want := range []string{"memory-request-missing", "HIGH", "\n           fix: ", "objects checked", "examples/resources/memory-request-missing.yaml:35"} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("verbose text output lacks %q:\n%s", want, res.stdout)
		}
	}
	if strings.Contains(res.stdout, "\x1b[") {
		t.Error("colour codes written to a pipe")
	}
	for _, args := range [][]string{{"-v", "-o", "json"}, {"-v", "-q"}} {
		if res := prodready(t, "", append(append([]string{"check"}, args...), "examples/demo/")...); res.code != 2 {
			t.Errorf("%v: exit %d, want 2", args, res.code)
		}
	}
}

func TestRulesListsTheCatalogue(t *testing.T) {
	res := prodready(t, "", "rules", "--output", "json")
	var rules []struct {
		ID, Severity, Profile, Version, Title, Remediation string
	}
	if err := json.Unmarshal([]byte(res.stdout), &rules); err != nil {
		t.Fatalf("%v\n%s", err, res.stdout)
	}
	ids := map[string]bool{}
	for _, r := range rules {
		ids[r.ID] = true
		if r.Severity == "" || r.Profile == "" || r.Version == "" || r.Title == "" || r.Remediation == "" {
			t.Errorf("incomplete rule %+v", r)
		}
	}
	for _, id := range []string{"memory-request-missing", "cpu-request-missing", "memory-limit-missing", "memory-limit-no-headroom", "cpu-limit-latency-sensitive",
		"readiness-probe-missing", "liveness-probe-missing", "startup-probe-missing", "slow-start-without-startup-probe", "liveness-equals-readiness",
		"liveness-checks-dependencies", "probe-timeout-exceeds-period", "liveness-too-aggressive"} {
		if !ids[id] {
			t.Errorf("rules does not list %s", id)
		}
	}
	text := prodready(t, "", "rules")
	if !strings.Contains(text.stdout, "memory-request-missing") || text.code != 0 {
		t.Errorf("rules text output: exit %d\n%s", text.code, text.stdout)
	}
}

func TestVersion(t *testing.T) {
	res := prodready(t, "", "version")
	if res.code != 0 || !strings.HasPrefix(res.stdout, "prodready ") || !strings.HasSuffix(res.stdout, "\nrule catalogue "+version.Catalogue+"\n") {
		t.Errorf("version: exit %d, %q; want the binary's version and the catalogue's", res.code, res.stdout)
	}
}

func TestExplainPrintsTheRuleDocs(t *testing.T) {
	res := prodready(t, "", "explain", "memory-request-missing")
	doc, err := os.ReadFile("../../docs/rules/memory-request-missing.md")
	if err != nil {
		t.Fatal(err)
	}
	if res.code != 0 || res.stdout != string(doc) {
		t.Errorf("explain (exit %d) differs from docs/rules/memory-request-missing.md", res.code)
	}
	if res := prodready(t, "", "explain", "no-such-rule"); res.code != 2 || !strings.Contains(res.stderr, "unknown rule") {
		t.Errorf("unknown rule: exit %d, %s", res.code, res.stderr)
	}
}

var preventedBy = regexp.MustCompile(`(?m)^#\s*prevented-by:\s*(\S+)\s*$`)

// TestIncidentsNameThePreventingRule checks that prodready, run on each
// incident of the post as a manifest, names the rule that would have prevented it.
func TestIncidentsNameThePreventingRule(t *testing.T) {
	files, err := filepath.Glob("../../examples/incidents/*.yaml")
	if err != nil || len(files) != 3 {
		t.Fatalf("want the post's three incidents, found %v (%v)", files, err)
	}
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		rules := preventedBy.FindAllStringSubmatch(string(src), -1)
		if len(rules) == 0 {
			t.Errorf("%s names no preventing rule", file)
		}
		rep, _ := checkJSON(t, "", strings.TrimPrefix(file, "../../"))
		for _, m := range rules {
			if len(pairs(rep, m[1])) == 0 {
				t.Errorf("%s: prodready does not report %s", file, m[1])
			}
		}
	}
}

// TestSameFindingsWhateverTheSplitAndOrder checks examples/ given as one
// directory, and as its files listed one by one in reverse order, give the
// same findings: cross-object rules see every object of a run.
func TestSameFindingsWhateverTheSplitAndOrder(t *testing.T) {
	var files []string
	err := filepath.WalkDir("../../examples", func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".yaml") {
			files = append([]string{strings.TrimPrefix(path, "../../")}, files...)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	whole, _ := checkJSON(t, "", "examples/")
	split, _ := checkJSON(t, "", files...)
	a, b := keys(pairs(whole, "")), keys(pairs(split, ""))
	if strings.Join(a, "\n") != strings.Join(b, "\n") {
		t.Errorf("one directory gave %d pairs, the files in reverse order %d", len(a), len(b))
	}
}
