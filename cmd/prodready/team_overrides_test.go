package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestTeamOverridesExample walks examples/team-overrides as its README
// section does: from the example's directory, so its .prodready.yaml is
// found upward, with the team's policy directory. The findings are exactly
// the expect-team lines, the exempted ones the expect-team-exempted lines.
func TestTeamOverridesExample(t *testing.T) {
	res := prodreadyIn(t, "../../examples/team-overrides", "", "check", "--output", "json", "--policy", "policy", ".")
	if res.code != 1 {
		t.Fatalf("exit %d, want 1 (the team makes a missing CPU request fail): %s", res.code, res.stderr)
	}
	var rep struct {
		jsonReport
		Exempted []jsonFinding `json:"exempted"`
	}
	if err := json.Unmarshal([]byte(res.stdout), &rep); err != nil {
		t.Fatal(err)
	}
	compareSets(t, "findings", pairs(rep.jsonReport, ""), expectations(t, "expect-team"))
	compareSets(t, "exempted", pairs(jsonReport{Findings: rep.Exempted}, ""), expectations(t, "expect-team-exempted"))
	for _, f := range rep.Findings {
		if f.Rule == "cpu-request-missing" && f.Severity != "high" {
			t.Errorf("cpu-request-missing is %s, the team's configuration makes it high", f.Severity)
		}
	}
}

// TestTeamOverridesNeedTheTeamsFiles: --no-config and no --policy give the
// built-in findings (the plain expect lines of the same file).
func TestTeamOverridesNeedTheTeamsFiles(t *testing.T) {
	res := prodreadyIn(t, "../../examples/team-overrides", "", "check", "--output", "json", "--no-config", ".")
	var rep jsonReport
	if err := json.Unmarshal([]byte(res.stdout), &rep); err != nil {
		t.Fatalf("%v: %s", err, res.stderr)
	}
	want := map[string]bool{}
	for k := range expectations(t, "expect") {
		if strings.Contains(k, "/acme-payments/") {
			want[k] = true
		}
	}
	compareSets(t, "built-in findings", pairs(rep, ""), want)
}

func compareSets(t *testing.T, what string, got, want map[string]bool) {
	t.Helper()
	for _, k := range keys(want) {
		if !got[k] {
			t.Errorf("%s: expected but not reported: %s", what, k)
		}
	}
	for _, k := range keys(got) {
		if !want[k] {
			t.Errorf("%s: reported but not expected: %s", what, k)
		}
	}
	if len(want) == 0 {
		t.Errorf("%s: no expectations found", what)
	}
}
