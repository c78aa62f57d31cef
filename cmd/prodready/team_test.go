package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prodready/prodready/pkg/policy"
)

// ownerLabelMissing is a team's new rule, with a helper package of its own.
const ownerLabelMissing = `# METADATA
# title: Owner label missing
# description: Every workload names the team on call for it.
# custom:
#   id: owner-label-missing
#   severity: medium
#   profile: baseline
#   kinds: [Deployment, CronJob]
#   version: 1.0.0
#   remediation: Add metadata.labels.owner.
package prodready.rules.owner_label_missing

import data.lib.acme.ownership

findings contains {"msg": sprintf("%s %s names no owner", [ownership.kind, ownership.name])} if not ownership.owned
`

const ownership = `package lib.acme.ownership

import data.lib.prodready.review

kind := review.kind

name := review.name

owned if review.labels.owner
`

// appMemoryRequest replaces the built-in memory-request-missing: this team
// lets init containers run without a memory request.
const appMemoryRequest = `# METADATA
# title: Memory request missing (app containers)
# description: An app container has neither requests.memory nor limits.memory.
# custom:
#   id: memory-request-missing
#   severity: high
#   profile: baseline
#   kinds: [Deployment]
#   version: 1.0.0-acme
#   remediation: Set resources.requests.memory.
package prodready.rules.memory_request_missing

import data.lib.prodready.resources
import data.lib.prodready.workload

findings contains {"msg": sprintf("app container %q has no memory request", [container.name]), "container": container.name} if {
	some container in workload.containers
	not resources.has_request_or_limit(container, "memory")
}
`

// teamDir writes files into a temporary directory and returns its path.
func teamDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, src := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const example = "examples/resources/memory-request-missing.yaml"

func TestTeamRulesAddAndReplace(t *testing.T) {
	dir := teamDir(t, map[string]string{"owner.rego": ownerLabelMissing, "lib/ownership.rego": ownership, "memory.rego": appMemoryRequest})

	// Built in, the migrate initContainer fails the check.
	before, res := checkJSON(t, "", example)
	if res.code != 1 || !pairs(before, "")["memory-request-missing Deployment/orders/order-api"] {
		t.Fatalf("without --policy: exit %d, %v", res.code, keys(pairs(before, "")))
	}

	after, res := checkJSON(t, "", "--policy", dir, example)
	got := pairs(after, "")
	for _, want := range []string{"owner-label-missing Deployment/orders/order-api", "owner-label-missing CronJob/orders/nightly-export"} {
		if !got[want] {
			t.Errorf("team rule: %s not reported: %v", want, keys(got))
		}
	}
	if len(pairs(after, "memory-request-missing")) != 0 {
		t.Errorf("the team's memory-request-missing ignores init containers, yet: %v", keys(got))
	}
	// Nothing high is left: the team's rules decide the exit code too.
	if res.code != 0 {
		t.Errorf("exit %d, want 0:\n%s%s", res.code, res.stdout, res.stderr)
	}
}

func TestRulesAndExplainShowTeamRules(t *testing.T) {
	dir := teamDir(t, map[string]string{"owner.rego": ownerLabelMissing, "lib/ownership.rego": ownership, "memory.rego": appMemoryRequest})
	source := filepath.ToSlash(dir)

	res := prodready(t, "", "rules", "--output", "json", "--policy", dir)
	var rules []struct{ ID, Source, Version string }
	if err := json.Unmarshal([]byte(res.stdout), &rules); err != nil {
		t.Fatalf("%v\n%s%s", err, res.stdout, res.stderr)
	}
	sources := map[string]string{}
	for _, r := range rules {
		sources[r.ID] = r.Source + " " + r.Version
	}
	builtin, err := policy.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	cpu, _ := builtin.Rule("cpu-request-missing")
	for id, want := range map[string]string{"owner-label-missing": source + " 1.0.0", "memory-request-missing": source + " 1.0.0-acme", "cpu-request-missing": "built-in " + cpu.Version} {
		if sources[id] != want {
			t.Errorf("rules: %s is %q, want %q", id, sources[id], want)
		}
	}

	text := prodready(t, "", "rules", "--policy", dir)
	if !strings.Contains(text.stdout, "SOURCE") || !strings.Contains(text.stdout, source) || !strings.Contains(text.stdout, "built-in") {
		t.Errorf("rules text lacks the sources:\n%s", text.stdout)
	}

	explain := prodready(t, "", "explain", "owner-label-missing", "--policy", dir)
	if explain.code != 0 || !strings.Contains(explain.stdout, "# owner-label-missing") || !strings.Contains(explain.stdout, "A team rule from `"+source+"`") || strings.Contains(explain.stdout, "## Example") {
		t.Errorf("explain: exit %d\n%s%s", explain.code, explain.stdout, explain.stderr)
	}
	// Without --policy the team's rule does not exist.
	if res := prodready(t, "", "explain", "owner-label-missing"); res.code != 2 {
		t.Errorf("explain without --policy: exit %d", res.code)
	}
}

func TestBrokenTeamRuleExits2WithFileAndLine(t *testing.T) {
	broken := strings.Replace(ownerLabelMissing, "if not ownership.owned", "if not ownership.owned(input, 1)", 1)
	dir := teamDir(t, map[string]string{"owner.rego": broken, "lib/ownership.rego": ownership})
	want := filepath.ToSlash(dir) + "/owner.rego:15: rego_type_error: function data.lib.acme.ownership.owned has arity 0, got 2 arguments"
	for _, args := range [][]string{{"check", "--policy", dir, example}, {"rules", "--policy", dir}, {"explain", "cpu-request-missing", "--policy", dir}} {
		res := prodready(t, "", args...)
		if res.code != 2 || !strings.Contains(res.stderr, want) {
			t.Errorf("%s: exit %d, stderr %q; want 2 and %q", args[0], res.code, res.stderr, want)
		}
	}
	if res := prodready(t, "", "check", "--policy", filepath.Join(dir, "nope"), example); res.code != 2 || !strings.Contains(res.stderr, "--policy") {
		t.Errorf("missing --policy directory: exit %d, %s", res.code, res.stderr)
	}
}

// runaway is a team rule that never finishes: 10^10 iterations, CPU
// only, stopped by a deadline.
func runaway(t *testing.T) string {
	slow := strings.Replace(ownerLabelMissing, "if not ownership.owned", `if {
	some i in numbers.range(1, 100000)
	some j in numbers.range(1, 100000)
	i * j < 0
}`, 1)
	return teamDir(t, map[string]string{"owner.rego": slow, "lib/ownership.rego": ownership})
}

func TestSlowTeamRuleTimesOut(t *testing.T) {
	dir := runaway(t)
	rep, res := checkJSON(t, "", "--policy", dir, "--rule-timeout", "300ms", example)
	if res.code != 2 {
		t.Errorf("exit %d, want 2 (an evaluation error)", res.code)
	}
	var msgs []string
	for _, e := range rep.Errors {
		msgs = append(msgs, e.Message)
	}
	// Which of the two objects the rule times out on, and which it is then
	// not run on, depends on the workers.
	all := strings.Join(msgs, "\n")
	named := strings.Contains(all, example+": document 1: Deployment/orders/order-api") || strings.Contains(all, example+": document 3: CronJob/orders/nightly-export")
	if !named || !strings.Contains(all, "rule owner-label-missing did not finish within 300ms") {
		t.Errorf("errors:\n%s", all)
	}
	if !pairs(rep, "")["memory-request-missing Deployment/orders/order-api"] {
		t.Errorf("the built-in findings are lost: %v", keys(pairs(rep, "")))
	}
}

// TestTimeoutBoundsTheWholeCheck: with no limit per object, --timeout
// still stops a runaway rule, and the check says why and exits 2.
func TestTimeoutBoundsTheWholeCheck(t *testing.T) {
	dir := runaway(t)
	start := time.Now()
	rep, res := checkJSON(t, "", "--policy", dir, "--rule-timeout", "0", "--timeout", "500ms", example)
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("the check took %v with --timeout 500ms", took)
	}
	if res.code != 2 {
		t.Errorf("exit %d, want 2", res.code)
	}
	var msgs []string
	for _, e := range rep.Errors {
		msgs = append(msgs, e.Message)
	}
	if want := []string{"the check did not finish within 500ms (--timeout): it reports what it read and evaluated until then"}; !slices.Equal(msgs, want) {
		t.Errorf("errors %q, want %q", msgs, want)
	}
}

func TestLimitFlagsAreChecked(t *testing.T) {
	for _, args := range [][]string{{"--max-file-size", "lots"}, {"--max-file-size", "0"}, {"--max-depth", "0"}, {"--max-values", "-1"}} {
		if res := prodready(t, "", append(append([]string{"check"}, args...), example)...); res.code != 2 || !strings.Contains(res.stderr, args[0]) {
			t.Errorf("%v: exit %d, stderr %q", args, res.code, res.stderr)
		}
	}
}

// TestTeamRulesThatCouldNeverRunAreErrors: a team rule that would load
// and never report is an error with its file and line for every command
// that loads rules, not a silent skip.
func TestTeamRulesThatCouldNeverRunAreErrors(t *testing.T) {
	for name, tc := range map[string]struct{ rule, want string }{
		"custom.id outside prodready.rules": {
			strings.Replace(ownerLabelMissing, "package prodready.rules.owner_label_missing", "package acme.owner_label_missing", 1),
			"/owner.rego:11: package acme.owner_label_missing declares the rule owner-label-missing (custom.id) but is not under prodready.rules, so it would never run"},
		"no findings": {
			strings.Replace(ownerLabelMissing, "findings contains", "finding contains", 1),
			"/owner.rego:11: package prodready.rules.owner_label_missing has no findings rule, so the rule owner-label-missing could never report"},
		"a library helper that does not exist": {
			strings.Replace(ownerLabelMissing, "if not ownership.owned", "if not data.lib.prodready.workload.every_container", 1),
			"/owner.rego:15: rego_compile_error: data.lib.prodready.workload.every_container is not defined: lib.prodready.workload has no rule, function or package every_container"},
		"a mistyped library helper": {
			strings.Replace(ownerLabelMissing, "if not ownership.owned", "if not data.lib.prodready.review.labelz.owner", 1),
			"/owner.rego:15: rego_compile_error: data.lib.prodready.review.labelz is not defined: lib.prodready.review has no rule, function or package labelz; did you mean labels?"},
	} {
		dir := teamDir(t, map[string]string{"owner.rego": tc.rule, "lib/ownership.rego": ownership})
		for _, args := range [][]string{{"check", "--policy", dir, example}, {"rules", "--policy", dir}, {"bundle", "--target", "conftest", "--out", t.TempDir(), "--policy", dir}} {
			res := prodready(t, "", args...)
			if res.code != 2 || !strings.Contains(res.stderr, filepath.ToSlash(dir)+tc.want) {
				t.Errorf("%s: %s: exit %d, stderr %q; want 2 and %q", name, args[0], res.code, res.stderr, tc.want)
			}
		}
	}
}
