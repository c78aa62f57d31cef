package main

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
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
	If    string            `json:"if"`
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

// readAction reads action.yml.
func readAction(t *testing.T) action {
	t.Helper()
	data, err := os.ReadFile("../../action.yml")
	if err != nil {
		t.Fatal(err)
	}
	var a action
	if err := yaml.Unmarshal(data, &a); err != nil {
		t.Fatal(err)
	}
	return a
}

// inputs are the action's inputs with their defaults, overridden by set.
func (a action) inputs(set map[string]string) map[string]string {
	in := map[string]string{}
	for name, i := range a.Inputs {
		in[name] = i.Default
	}
	maps.Copy(in, set)
	return in
}

func TestGitHubActionScripts(t *testing.T) {
	a := readAction(t)
	if a.Runs.Using != "composite" {
		t.Fatalf("runs.using %q, want composite", a.Runs.Using)
	}
	for _, in := range []string{"paths", "version", "install", "release-url", "fail-on", "config", "policy", "baseline", "sarif-file"} {
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
		case strings.HasPrefix(s.Uses, "actions/setup-go@"):
			if s.If != "inputs.install == 'source'" {
				t.Errorf("setup-go runs if %q; Go is needed to install from source only", s.If)
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
	releases := newReleases(t)
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
			inputs := a.inputs(map[string]string{"version": "v1.2.3", "sarif-file": sarif, "release-url": releases.URL})
			maps.Copy(inputs, tc.inputs)
			run := runAction(t, a, repo, inputs, linuxX64)
			if got := run.outputs["check"]["exit-code"]; got != strconv.Itoa(tc.check) {
				t.Errorf("check saved exit-code %q, want %d", got, tc.check)
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
	log     string // what the steps printed
	temp    string // RUNNER_TEMP
	bin     string // where the action's install step installs
}

// linuxX64 is the runner most of the action's tests run on: this machine.
var linuxX64 = []string{"RUNNER_OS=Linux", "RUNNER_ARCH=X64"}

var expression = regexp.MustCompile(`\$\{\{\s*(.*?)\s*\}\}`)

// runAction runs the action's run steps as the runner does, in dir, which
// is also the action's checkout, on a runner described by its environment
// (RUNNER_OS, RUNNER_ARCH), with a go on PATH whose build -o FILE copies
// the CLI built for the tests.
func runAction(t *testing.T, a action, dir string, inputs map[string]string, runner []string) actionRun {
	t.Helper()
	values := map[string]string{}
	for k, v := range inputs {
		values["inputs."+k] = v
	}
	fakeGo := `echo "$(pwd) $@" >> "$RUNNER_TEMP/go-args"
while [ $# -gt 0 ]; do if [ "$1" = -o ]; then cp "$PRODREADY_BUILT" "$2"; fi; shift; done`
	run := runSteps(t, a.Runs.Steps, dir, map[string]string{"go": fakeGo}, values,
		append([]string{"PRODREADY_BUILT=" + binary, "GITHUB_ACTION_PATH=" + dir}, runner...))
	args, _ := os.ReadFile(filepath.Join(run.temp, "go-args"))
	run.goArgs = string(args)
	return run
}

// runSteps runs the run steps in order as the runner does (bash
// --noprofile --norc -eo pipefail), in dir, until one fails, with env and
// RUNNER_TEMP, and the fakes (name: script) first on PATH. values are the
// expressions the steps' env name (inputs.x, secrets.x); a step's outputs
// are found by the steps after it. Uses steps are skipped: they are
// GitHub's.
func runSteps(t *testing.T, steps []actionStep, dir string, fakes, values map[string]string, env []string) actionRun {
	t.Helper()
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "bin")
	if err := os.Mkdir(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, script := range fakes {
		if err := os.WriteFile(filepath.Join(bin, name), []byte("#!/bin/bash\n"+script+"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	run := actionRun{outputs: map[string]map[string]string{}, temp: tmp, bin: filepath.Join(tmp, "prodready-bin")}
	var log bytes.Buffer
	for i, s := range steps {
		if s.Uses != "" {
			continue
		}
		output := filepath.Join(tmp, "output")
		if err := os.WriteFile(output, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		env := append(append(os.Environ(), env...), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"),
			"RUNNER_TEMP="+tmp, "GITHUB_OUTPUT="+output)
		for k, v := range s.Env {
			env = append(env, k+"="+expression.ReplaceAllStringFunc(v, func(e string) string {
				name := expression.FindStringSubmatch(e)[1]
				if v, ok := values[name]; ok {
					return v
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
		log.Write(stderr.Bytes())
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
	run.log = log.String()
	return run
}

// releases serves a release v1.2.3 in GitHub's layout (download/TAG/ASSET,
// latest redirecting to tag/TAG): the CLI built for the tests under every
// platform's asset name, and checksums.txt. It records what was asked.
type releases struct {
	*httptest.Server
	checksums string // served as checksums.txt
	mu        sync.Mutex
	asked     []string
}

func newReleases(t *testing.T) *releases {
	t.Helper()
	data, err := os.ReadFile(binary)
	if err != nil {
		t.Fatal(err)
	}
	sum := fmt.Sprintf("%x", sha256.Sum256(data))
	r := &releases{}
	assets := map[string]bool{}
	for _, name := range releaseAssets("1.2.3") {
		assets[name] = true
		r.checksums += sum + "  " + name + "\n"
	}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.mu.Lock()
		r.asked = append(r.asked, req.URL.Path)
		checksums := r.checksums
		r.mu.Unlock()
		switch tag, file, _ := strings.Cut(strings.TrimPrefix(req.URL.Path, "/download/"), "/"); {
		case req.URL.Path == "/latest":
			http.Redirect(w, req, "/tag/v1.2.3", http.StatusFound)
		case req.URL.Path == "/tag/v1.2.3":
			io.WriteString(w, "<html>the release page</html>")
		case tag != "v1.2.3":
			http.NotFound(w, req)
		case file == "checksums.txt":
			io.WriteString(w, checksums)
		case assets[file]:
			http.ServeFile(w, req, binary)
		default:
			http.NotFound(w, req)
		}
	}))
	t.Cleanup(r.Close)
	return r
}

// releaseAssets are the names of a release's binaries, one per platform.
func releaseAssets(version string) []string {
	var names []string
	for _, p := range []string{"darwin_amd64", "darwin_arm64", "linux_amd64", "linux_arm64", "windows_amd64.exe", "windows_arm64.exe"} {
		names = append(names, "prodready_"+version+"_"+p)
	}
	return names
}

// take returns what was asked since the last take.
func (r *releases) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	asked := r.asked
	r.asked = nil
	return asked
}

// TestGitHubActionInstalls: the action installs the release's binary for
// the runner, after checking it against the release's checksums, or from
// source; it installs nothing it cannot verify.
func TestGitHubActionInstalls(t *testing.T) {
	a := readAction(t)
	repo, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	releases := newReleases(t)
	good := releases.checksums
	for _, tc := range []struct {
		name      string
		inputs    map[string]string
		runner    []string
		checksums string // "" serves the right ones
		// asked are the release's paths downloaded; failure is what the
		// install step says when it fails, "" when it must install.
		asked   []string
		failure string
	}{
		{name: "a pinned release", inputs: map[string]string{"version": "v1.2.3"}, runner: linuxX64,
			asked: []string{"/download/v1.2.3/prodready_1.2.3_linux_amd64", "/download/v1.2.3/checksums.txt"}},
		{name: "a version without its v", inputs: map[string]string{"version": "1.2.3"}, runner: linuxX64,
			asked: []string{"/download/v1.2.3/prodready_1.2.3_linux_amd64", "/download/v1.2.3/checksums.txt"}},
		{name: "the latest release on a macOS arm64 runner", inputs: map[string]string{"version": "latest"}, runner: []string{"RUNNER_OS=macOS", "RUNNER_ARCH=ARM64"},
			asked: []string{"/latest", "/tag/v1.2.3", "/download/v1.2.3/prodready_1.2.3_darwin_arm64", "/download/v1.2.3/checksums.txt"}},
		// Windows' bash runs prodready.exe as prodready; this one cannot, so
		// the check is not run.
		{name: "a Windows runner", inputs: map[string]string{"version": "v1.2.3"}, runner: []string{"RUNNER_OS=Windows", "RUNNER_ARCH=X64"},
			asked: []string{"/download/v1.2.3/prodready_1.2.3_windows_amd64.exe", "/download/v1.2.3/checksums.txt"}},
		{name: "from source", inputs: map[string]string{"version": "v1.2.3", "install": "source"}, runner: linuxX64},
		{name: "a binary that is not what the release says", inputs: map[string]string{"version": "v1.2.3"}, runner: linuxX64,
			checksums: strings.Replace(good, good[:8], "00000000", -1),
			asked:     []string{"/download/v1.2.3/prodready_1.2.3_linux_amd64", "/download/v1.2.3/checksums.txt"},
			failure:   "prodready_1.2.3_linux_amd64 of release v1.2.3 has SHA-256 " + good[:64] + ", but its checksums.txt says 00000000"},
		{name: "a binary the checksums leave out", inputs: map[string]string{"version": "v1.2.3"}, runner: linuxX64,
			checksums: regexp.MustCompile(`(?m)^.* prodready_1.2.3_linux_amd64\n`).ReplaceAllString(good, ""),
			asked:     []string{"/download/v1.2.3/prodready_1.2.3_linux_amd64", "/download/v1.2.3/checksums.txt"},
			failure:   "checksums.txt of release v1.2.3 does not list prodready_1.2.3_linux_amd64"},
		{name: "a release that does not exist", inputs: map[string]string{"version": "v9.9.9"}, runner: linuxX64,
			asked:   []string{"/download/v9.9.9/prodready_9.9.9_linux_amd64"},
			failure: "cannot download prodready_9.9.9_linux_amd64 of release v9.9.9"},
		{name: "a runner without a release binary", inputs: map[string]string{"version": "v1.2.3"}, runner: []string{"RUNNER_OS=Linux", "RUNNER_ARCH=ARM"},
			failure: "no release binary for runner architecture 'ARM'; use install: source"},
		{name: "an unknown way to install", inputs: map[string]string{"install": "brew"}, runner: linuxX64,
			failure: "install is release or source, not 'brew'"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			releases.mu.Lock()
			releases.checksums = cmp.Or(tc.checksums, good)
			releases.mu.Unlock()
			releases.take()
			inputs := a.inputs(map[string]string{"paths": "examples/good", "fail-on": "critical", "release-url": releases.URL,
				"sarif-file": filepath.Join(t.TempDir(), "out.sarif")})
			maps.Copy(inputs, tc.inputs)
			run := runAction(t, a, repo, inputs, tc.runner)
			if asked := releases.take(); !slices.Equal(asked, tc.asked) {
				t.Errorf("downloaded %q, want %q", asked, tc.asked)
			}
			// From source, the action builds its own checkout.
			build := filepath.Join(repo, "cmd", "prodready") + " build -trimpath -o " + filepath.Join(run.bin, "prodready") + " .\n"
			if source := tc.inputs["install"] == "source"; source && run.goArgs != build || !source && run.goArgs != "" {
				t.Errorf("go called in and with %q", run.goArgs)
			}
			installed := filepath.Join(run.bin, "prodready")
			windows := slices.Contains(tc.runner, "RUNNER_OS=Windows")
			if windows {
				installed += ".exe"
			}
			_, err := os.Stat(installed)
			if windows {
				if err != nil || run.stopped != "Check manifests" || !strings.Contains(run.log, "rule catalogue ") {
					t.Errorf("%s not installed (%v) or not run:\n%s", installed, err, run.log)
				}
				return
			}
			if tc.failure == "" {
				if run.stopped != "" || err != nil || run.outputs["check"]["exit-code"] != "0" {
					t.Errorf("stopped at %q (%v), check exit code %q\n%s", run.stopped, err, run.outputs["check"]["exit-code"], run.log)
				}
				if !strings.Contains(run.log, "rule catalogue ") {
					t.Errorf("the install did not print the installed version:\n%s", run.log)
				}
				return
			}
			if run.stopped != "Install prodready" || !strings.Contains(run.log, "::error title=prodready install::"+tc.failure) {
				t.Errorf("stopped at %q, want the install step to fail with %q:\n%s", run.stopped, tc.failure, run.log)
			}
			if err == nil {
				t.Error("a binary was installed all the same")
			}
		})
	}
}
