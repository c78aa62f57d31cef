package main

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// baselineReport is the JSON report's part a baseline changes.
type baselineReport struct {
	Findings []baselineFinding `json:"findings"`
	Exempted []baselineFinding `json:"exempted"`
	Baseline *struct {
		File  string            `json:"file"`
		Known []baselineFinding `json:"known"`
		Fixed []struct {
			Rule, Object, Container string
		} `json:"fixed"`
	} `json:"baseline"`
}

type baselineFinding struct {
	Rule      string `json:"rule"`
	Container string `json:"container"`
	Object    struct {
		Kind, Namespace, Name string
	} `json:"object"`
}

func (f baselineFinding) key() string {
	return f.Rule + " " + f.Object.Kind + "/" + f.Object.Namespace + "/" + f.Object.Name + " " + f.Container
}

// baselineCheck checks dir's files as JSON (exit 0, or 2 for a corpus with
// input errors, which is still checked), with args added.
func baselineCheck(t *testing.T, dir string, args ...string) baselineReport {
	t.Helper()
	res := prodreadyIn(t, dir, "", append([]string{"check", "--output", "json", "--fail-on", "critical"}, append(args, ".")...)...)
	var rep baselineReport
	if err := json.Unmarshal([]byte(res.stdout), &rep); err != nil || res.code == 1 {
		t.Fatalf("exit %d, %v:\n%s", res.code, err, res.stderr)
	}
	return rep
}

// findingKeys are the findings' keys, sorted: a multiset.
func findingKeys(fs []baselineFinding) []string {
	var ks []string
	for _, f := range fs {
		ks = append(ks, f.key())
	}
	slices.Sort(ks)
	return ks
}

// minus is a without one of each of b's elements (sorted multisets).
func minus(a, b []string) []string {
	var out []string
	for _, k := range a {
		if i := slices.Index(b, k); i >= 0 {
			b = slices.Delete(slices.Clone(b), i, i+1)
			continue
		}
		out = append(out, k)
	}
	return out
}

// TestBaselineRoundTrip, on real manifests: a baseline written today
// hides every finding; with every line moved and files renamed, still
// every one; with one object changed, exactly the findings it gained.
func TestBaselineRoundTrip(t *testing.T) {
	for _, corpus := range []string{"testdata/realworld", "../shared/corpus"} {
		t.Run(corpus, func(t *testing.T) {
			src := filepath.Join("../..", corpus)
			if _, err := os.Stat(src); err != nil {
				t.Skipf("%s is not on this machine", corpus)
			}
			dir := t.TempDir()
			if err := os.CopyFS(dir, os.DirFS(src)); err != nil {
				t.Fatal(err)
			}
			file := filepath.Join(t.TempDir(), "baseline.yaml")
			before := baselineCheck(t, dir)
			if res := prodreadyIn(t, dir, "", "baseline", "write", file, "."); res.code == 1 {
				t.Fatalf("baseline write: exit %d\n%s", res.code, res.stderr)
			}
			all := append(slices.Clone(before.Findings), before.Exempted...)
			if data, err := os.ReadFile(file); err != nil || strings.Count(string(data), "\n  - {rule: ") != len(all) {
				t.Fatalf("the baseline holds %d lines of findings, want %d (%v)", strings.Count(string(data), "\n  - {rule: "), len(all), err)
			}

			rep := baselineCheck(t, dir, "--baseline", file)
			if len(rep.Findings) != 0 || rep.Baseline == nil || len(rep.Baseline.Known) != len(before.Findings) || len(rep.Baseline.Fixed) != 0 {
				t.Fatalf("right after writing: %d new, baseline %+v; want none new, %d known, none fixed", len(rep.Findings), rep.Baseline, len(before.Findings))
			}

			// Every line moves down, and every file moves to a directory of
			// its own: nothing is new.
			moved := 0
			err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() || (filepath.Ext(path) != ".yaml" && filepath.Ext(path) != ".yml") {
					return err
				}
				data, err := os.ReadFile(path)
				if err != nil {
					return err
				}
				if err := os.Remove(path); err != nil {
					return err
				}
				to := filepath.Join(filepath.Dir(path), "moved", filepath.Base(path))
				if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
					return err
				}
				moved++
				return os.WriteFile(to, append([]byte("# moved here\n\n\n"), data...), 0o644)
			})
			if err != nil || moved == 0 {
				t.Fatalf("moving the files: %v (%d moved)", err, moved)
			}
			if rep := baselineCheck(t, dir, "--baseline", file); len(rep.Findings) != 0 || len(rep.Baseline.Known) != len(before.Findings) {
				t.Errorf("after moving every line and file: %d new (%v), %d known", len(rep.Findings), findingKeys(rep.Findings), len(rep.Baseline.Known))
			}

			// One container's livenessProbe goes (the first in a
			// Deployment's file that was one): exactly what that object
			// gains is new.
			var candidates []string
			err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				data, err := os.ReadFile(path)
				if err == nil && strings.Contains(string(data), "\nkind: Deployment") && strings.Contains(string(data), "\n          livenessProbe:") {
					candidates = append(candidates, path)
				}
				return err
			})
			if err != nil || len(candidates) == 0 {
				t.Fatalf("no Deployment with a livenessProbe: %v", err)
			}
			changed := candidates[0]
			data, err := os.ReadFile(changed)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(changed, []byte(strings.Replace(string(data), "\n          livenessProbe:", "\n          livenessProbeRemoved:", 1)), 0o644); err != nil {
				t.Fatal(err)
			}
			after := baselineCheck(t, dir)
			want := minus(findingKeys(append(after.Findings, after.Exempted...)), findingKeys(all))
			rep = baselineCheck(t, dir, "--baseline", file)
			if got := findingKeys(rep.Findings); len(want) == 0 || !slices.Equal(got, want) {
				t.Errorf("after removing a livenessProbe in %s: new %v, want %v", changed, got, want)
			}
			objects := map[string]bool{}
			for _, f := range rep.Findings {
				objects[f.Object.Kind+"/"+f.Object.Namespace+"/"+f.Object.Name] = true
			}
			if len(objects) != 1 {
				t.Errorf("the new findings are on %d objects, want the one changed: %v", len(objects), objects)
			}
		})
	}
}

// TestBaselineInEveryFormat: the text summary says what the baseline hid
// and what of it is fixed; SARIF gives each result its baselineState;
// JUnit skips known cases; the GitHub annotations leave them out and
// notice the fixed ones; a baseline that cannot be read is a usage error.
func TestBaselineInEveryFormat(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "baseline.yaml")
	if res := prodready(t, "", "baseline", "write", file, "examples/demo/shop.yaml"); res.code != 0 || !strings.Contains(res.stdout, "wrote 13 findings of 2 objects to ") {
		t.Fatalf("baseline write: exit %d, %s%s", res.code, res.stdout, res.stderr)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	// One line goes, so that its finding is new, and one is added for an
	// object that no longer exists, so that it is fixed.
	edited := strings.Replace(string(data), "  - {rule: \"pdb-missing\", object: \"Deployment/demo/recommendations\"}\n", "", 1) +
		"  - {rule: \"pdb-missing\", object: \"Deployment/demo/retired\"}\n"
	if err := os.WriteFile(file, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	text := prodready(t, "", "check", "--baseline", file, "examples/demo/")
	if text.code != 1 || !strings.Contains(text.stdout, "  HIGH     pdb-missing  examples/demo/shop.yaml:56  Deployment recommendations runs") ||
		!strings.Contains(text.stdout, "1 finding (1 high)") ||
		!strings.Contains(text.stdout, "baseline "+file+": 12 known findings not shown; 1 of its findings is fixed: prodready baseline write "+file+" drops it") {
		t.Errorf("text: exit %d\n%s", text.code, text.stdout)
	}

	var sarif struct {
		Runs []struct {
			Results []struct {
				RuleID        string `json:"ruleId"`
				BaselineState string `json:"baselineState"`
				Suppressions  []struct{ Kind, Justification string }
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(prodready(t, "", "check", "--output", "sarif", "--baseline", file, "examples/demo/").stdout), &sarif); err != nil {
		t.Fatal(err)
	}
	states := map[string]int{}
	for _, r := range sarif.Runs[0].Results {
		states[r.BaselineState]++
		if (r.BaselineState == "unchanged") != (len(r.Suppressions) == 1 && r.Suppressions[0].Justification == "known: in the baseline "+file) {
			t.Errorf("sarif: %s is %s with suppressions %+v", r.RuleID, r.BaselineState, r.Suppressions)
		}
	}
	if states["new"] != 1 || states["unchanged"] != 12 || len(states) != 2 {
		t.Errorf("sarif baseline states %v, want 1 new and 12 unchanged", states)
	}

	junit := prodready(t, "", "check", "--output", "junit", "--baseline", file, "examples/demo/").stdout
	if n := strings.Count(junit, `<skipped message="known: in the baseline `+file+`">`); n != 12 || !strings.Contains(junit, `failures="1"`) {
		t.Errorf("junit: %d cases skipped as known, want 12, one per known finding:\n%s", n, junit)
	}

	gh := prodready(t, "", "check", "--output", "github", "--baseline", file, "examples/demo/").stdout
	if strings.Count(gh, "::error ") != 1 || strings.Contains(gh, "::warning ") ||
		!strings.Contains(gh, "::notice file="+file+",title=baseline::baseline "+file+": 1 of its findings is fixed: prodready baseline write "+file+" drops it") ||
		!strings.Contains(gh, ", 12 known (baseline "+file+")") {
		t.Errorf("github:\n%s", gh)
	}

	for _, bad := range []string{"version: 2\nfindings: []\n", "findings:\n  - {rule: a}\n", "version: 1\nfindigns: []\n"} {
		if err := os.WriteFile(file, []byte(bad), 0o644); err != nil {
			t.Fatal(err)
		}
		if res := prodready(t, "", "check", "--baseline", file, "examples/demo/"); res.code != 2 || !strings.Contains(res.stderr, "baseline "+file) {
			t.Errorf("baseline %q: exit %d, %s", bad, res.code, res.stderr)
		}
	}
	if res := prodready(t, "", "check", "--baseline", filepath.Join(dir, "none.yaml"), "examples/demo/"); res.code != 2 || !strings.Contains(res.stderr, "prodready baseline write") {
		t.Errorf("a missing baseline: exit %d, %s", res.code, res.stderr)
	}
}
