package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// The recipes users copy: the pre-commit hook and the GitHub Action, run
// here with the CLI built for the end-to-end tests.

func TestPreCommitHookRunsTheCLI(t *testing.T) {
	data, err := os.ReadFile("../../.pre-commit-hooks.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var hooks []struct {
		ID            string   `json:"id"`
		Entry         string   `json:"entry"`
		Language      string   `json:"language"`
		Files         string   `json:"files"`
		TypesOr       []string `json:"types_or"`
		PassFilenames bool     `json:"pass_filenames"`
		RequireSerial bool     `json:"require_serial"`
	}
	if err := yaml.Unmarshal(data, &hooks); err != nil {
		t.Fatal(err)
	}
	if len(hooks) != 1 {
		t.Fatalf("%d hooks, want 1", len(hooks))
	}
	h := hooks[0]
	if h.ID != "prodready" || h.Language != "golang" || !h.PassFilenames || !h.RequireSerial {
		t.Errorf("hook %+v: want id prodready, language golang, pass_filenames and require_serial (cross-object rules see every file)", h)
	}
	files := regexp.MustCompile(h.Files)
	for name, want := range map[string]bool{"deploy/app.yaml": true, "a.yml": true, "list.json": true, "README.md": false, "yaml.go": false} {
		if files.MatchString(name) != want {
			t.Errorf("files %q matches %s: %v, want %v", h.Files, name, !want, want)
		}
	}

	entry := strings.Fields(h.Entry)
	if entry[0] != "prodready" {
		t.Fatalf("entry %q does not run prodready", h.Entry)
	}
	good, err := filepath.Glob("../../examples/good/*.yaml")
	if err != nil || len(good) == 0 {
		t.Fatal("no examples/good", err)
	}
	// pre-commit passes the staged files' names, relative to the repository root.
	for i := range good {
		good[i], _ = filepath.Rel("../..", good[i])
	}
	if r := prodready(t, "", append(entry[1:], good...)...); r.code != 0 {
		t.Errorf("hook on examples/good: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := prodready(t, "", append(entry[1:], "examples/demo/shop.yaml", ".pre-commit-hooks.yaml", "action.yml")...); r.code != 1 || !strings.Contains(r.stdout, "at or above high") {
		t.Errorf("hook on examples/demo: exit %d, want 1 with a report\n%s%s", r.code, r.stdout, r.stderr)
	}
}

type actionStep struct {
	Name  string            `json:"name"`
	ID    string            `json:"id"`
	Uses  string            `json:"uses"`
	Shell string            `json:"shell"`
	Run   string            `json:"run"`
	Env   map[string]string `json:"env"`
	With  map[string]string `json:"with"`
}

type action struct {
	Inputs map[string]struct {
		Default string `json:"default"`
	} `json:"inputs"`
	Runs struct {
		Using string       `json:"using"`
		Steps []actionStep `json:"steps"`
	} `json:"runs"`
}

func TestGitHubActionScripts(t *testing.T) {
	data, err := os.ReadFile("../../action.yml")
	if err != nil {
		t.Fatal(err)
	}
	var a action
	if err := yaml.Unmarshal(data, &a); err != nil {
		t.Fatal(err)
	}
	if a.Runs.Using != "composite" {
		t.Fatalf("runs.using %q, want composite", a.Runs.Using)
	}
	for _, in := range []string{"paths", "version", "fail-on", "config", "policy", "baseline", "sarif-file"} {
		if _, ok := a.Inputs[in]; !ok {
			t.Errorf("no input %s", in)
		}
	}
	upload := -1
	for i, s := range a.Runs.Steps {
		switch {
		case strings.HasPrefix(s.Uses, "github/codeql-action/upload-sarif@"):
			upload = i
			if s.With["sarif_file"] != "${{ inputs.sarif-file }}" {
				t.Errorf("upload-sarif sarif_file %q", s.With["sarif_file"])
			}
		case s.Run != "" && s.Shell != "bash":
			t.Errorf("step %q: a composite action's run step needs shell: bash, has %q", s.Name, s.Shell)
		case strings.Contains(s.Run, "${{"):
			t.Errorf("step %q splices an expression into its script; pass it in env", s.Name)
		}
	}
	// The findings are uploaded whatever they are; only then does the job fail.
	if last := len(a.Runs.Steps) - 1; upload < 0 || upload >= last || a.Runs.Steps[last].Env["EXIT_CODE"] != "${{ steps.check.outputs.exit-code }}" {
		t.Errorf("want the upload (step %d) before a last step that exits with the check's saved exit code", upload)
	}

	dir := t.TempDir()
	repo, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	sarif := filepath.Join(dir, "out.sarif")
	known := filepath.Join(dir, "baseline.yaml")
	if res := prodready(t, "", "baseline", "write", known, "examples/demo"); res.code != 0 {
		t.Fatalf("baseline write: exit %d, %s", res.code, res.stderr)
	}
	for _, tc := range []struct {
		name   string
		inputs map[string]string
		// check is the exit code the check step saves; failStep the
		// final step's, -1 when the job stops at the check step.
		check, failStep int
	}{
		{"failing findings", map[string]string{"paths": "examples/good examples/demo"}, 1, 1},
		{"clean", map[string]string{"paths": "examples/good", "fail-on": "critical"}, 0, 0},
		{"team config and rules", map[string]string{"paths": "examples/team-overrides", "config": "examples/team-overrides/.prodready.yaml",
			"policy": "examples/team-overrides/policy"}, 1, 1},
		{"usage error", map[string]string{"paths": "examples/good", "fail-on": "severe"}, 2, -1},
		{"known findings in the baseline", map[string]string{"paths": "examples/good examples/demo", "baseline": known}, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			os.Remove(sarif)
			inputs := map[string]string{"version": "v1.2.3", "sarif-file": sarif}
			for name, in := range a.Inputs {
				if _, ok := inputs[name]; !ok {
					inputs[name] = in.Default
				}
			}
			for k, v := range tc.inputs {
				inputs[k] = v
			}
			run := runAction(t, a, repo, inputs)
			if got := run.outputs["check"]["exit-code"]; got != strconv.Itoa(tc.check) {
				t.Errorf("check saved exit-code %q, want %d", got, tc.check)
			}
			if !strings.Contains(run.goArgs, "install github.com/prodready/prodready/cmd/prodready@v1.2.3") {
				t.Errorf("go called with %q", run.goArgs)
			}
			if tc.failStep < 0 {
				if run.stopped == "" || run.code != tc.check {
					t.Errorf("the job went on after a usage error (stopped at %q, exit %d)", run.stopped, run.code)
				}
				return
			}
			if run.stopped != "" && run.code != tc.failStep || run.stopped == "" && tc.failStep != 0 {
				t.Errorf("job stopped at %q with exit %d, want exit %d from the last step", run.stopped, run.code, tc.failStep)
			}
			var report struct {
				Version string `json:"version"`
				Runs    []struct {
					Results []struct {
						BaselineState string `json:"baselineState"`
					} `json:"results"`
				} `json:"runs"`
			}
			data, err := os.ReadFile(sarif)
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(data, &report); err != nil || report.Version != "2.1.0" || len(report.Runs) != 1 {
				t.Fatalf("not a SARIF 2.1.0 report (%v): %.300s", err, data)
			}
			// Known findings are uploaded, as unchanged.
			fresh, known := 0, 0
			for _, r := range report.Runs[0].Results {
				if r.BaselineState == "unchanged" {
					known++
				} else {
					fresh++
				}
			}
			if (fresh > 0) != (tc.check == 1) || (known > 0) != (tc.inputs["baseline"] != "") {
				t.Errorf("%d new and %d known results with exit %d", fresh, known, tc.check)
			}
		})
	}
}

type actionRun struct {
	outputs map[string]map[string]string // by step id
	goArgs  string
	stopped string // the step that failed, if one did
	code    int
}

var expression = regexp.MustCompile(`\$\{\{\s*(.*?)\s*\}\}`)

// runAction runs the action's run steps in order as the runner does
// (bash --noprofile --norc -eo pipefail), in dir, with a go on PATH that
// installs the CLI built for the tests, until one fails. Uses steps are
// skipped: they are GitHub's.
func runAction(t *testing.T, a action, dir string, inputs map[string]string) actionRun {
	t.Helper()
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "bin")
	if err := os.Mkdir(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	fakeGo := "#!/bin/sh\necho \"$@\" >> \"$RUNNER_TEMP/go-args\"\nmkdir -p \"$GOBIN\" && cp \"$PRODREADY_BUILT\" \"$GOBIN/prodready\"\n"
	if err := os.WriteFile(filepath.Join(bin, "go"), []byte(fakeGo), 0o755); err != nil {
		t.Fatal(err)
	}
	run := actionRun{outputs: map[string]map[string]string{}}
	for i, s := range a.Runs.Steps {
		if s.Uses != "" {
			continue
		}
		output := filepath.Join(tmp, "output")
		if err := os.WriteFile(output, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		env := append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"),
			"RUNNER_TEMP="+tmp, "GITHUB_OUTPUT="+output, "PRODREADY_BUILT="+binary)
		for k, v := range s.Env {
			env = append(env, k+"="+expression.ReplaceAllStringFunc(v, func(e string) string {
				name := expression.FindStringSubmatch(e)[1]
				if in, ok := strings.CutPrefix(name, "inputs."); ok {
					return inputs[in]
				}
				if id, out, ok := strings.Cut(strings.TrimPrefix(name, "steps."), ".outputs."); ok {
					return run.outputs[id][out]
				}
				t.Fatalf("step %d: expression %s not simulated", i, e)
				return ""
			}))
		}
		script := filepath.Join(tmp, "step.sh")
		if err := os.WriteFile(script, []byte(s.Run), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", script)
		cmd.Dir, cmd.Env = dir, env
		var stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stderr, &stderr
		err := cmd.Run()
		outs, _ := os.ReadFile(output)
		if s.ID != "" {
			run.outputs[s.ID] = map[string]string{}
			for _, line := range strings.Split(strings.TrimSpace(string(outs)), "\n") {
				if k, v, ok := strings.Cut(line, "="); ok {
					run.outputs[s.ID][k] = v
				}
			}
		}
		if err != nil {
			exit, ok := err.(*exec.ExitError)
			if !ok {
				t.Fatal(err)
			}
			run.stopped, run.code = s.Name, exit.ExitCode()
			t.Logf("step %q: exit %d: %s", s.Name, run.code, stderr.String())
			break
		}
	}
	args, _ := os.ReadFile(filepath.Join(tmp, "go-args"))
	run.goArgs = string(args)
	return run
}
