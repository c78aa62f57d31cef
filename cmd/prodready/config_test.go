package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// workload is a Deployment of two replicas without resources or probes:
// memory-request-missing (high) fails it, single-replica (minReplicas 2)
// does not.
const workload = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
spec:
  replicas: 2
  template:
    spec:
      containers:
        - name: app
          image: app:1
`

type configFinding struct {
	Rule        string `json:"rule"`
	Severity    string `json:"severity"`
	Enforcement string `json:"enforcement"`
	Message     string `json:"message"`
}

// checkIn runs check --output json in dir and returns the findings by rule.
func checkIn(t *testing.T, dir string, args ...string) (map[string]configFinding, cliResult) {
	t.Helper()
	res := prodreadyIn(t, dir, "", append([]string{"check", "--output", "json"}, args...)...)
	var rep struct{ Findings []configFinding }
	if err := json.Unmarshal([]byte(res.stdout), &rep); err != nil {
		t.Fatalf("output is not JSON (%v):\n%s\nstderr: %s", err, res.stdout, res.stderr)
	}
	byRule := map[string]configFinding{}
	for _, f := range rep.Findings {
		byRule[f.Rule] = f
	}
	return byRule, res
}

func TestConfigFoundUpwardTunesCheck(t *testing.T) {
	dir := teamDir(t, map[string]string{
		".prodready.yaml": `# the team's tuning
rules:
  single-replica:
    parameters:
      minReplicas: 3
  cpu-request-missing:
    enabled: false
`,
		"deploy/app/api.yaml": workload,
	})
	sub := filepath.Join(dir, "deploy", "app")
	got, res := checkIn(t, sub, "api.yaml")
	if !strings.Contains(got["single-replica"].Message, "fewer than the 3 required") {
		t.Errorf("single-replica with minReplicas 3 from the file above: %+v (stderr %s)", got["single-replica"], res.stderr)
	}
	if _, ok := got["cpu-request-missing"]; ok {
		t.Error("cpu-request-missing runs though the configuration disables it")
	}
	text := prodreadyIn(t, sub, "", "check", "--profile", "strict", "api.yaml").stdout
	if want := "\nprofile strict, configuration ../../.prodready.yaml\n"; !strings.Contains(text, want) {
		t.Errorf("the text summary does not name the configuration applied (%q):\n%s", want, text)
	}
	untuned, _ := checkIn(t, sub, "--no-config", "api.yaml")
	if _, ok := untuned["single-replica"]; ok {
		t.Error("--no-config still applies minReplicas 3")
	}
	if _, ok := untuned["cpu-request-missing"]; !ok {
		t.Error("--no-config still disables cpu-request-missing")
	}
}

// Lowering the severity of every failing rule makes check pass: the
// configured severity decides enforcement and the exit code.
func TestConfigSeverityDecidesTheExitCode(t *testing.T) {
	dir := teamDir(t, map[string]string{"api.yaml": workload})
	before, res := checkIn(t, dir, "--no-config", "api.yaml")
	if res.code != 1 {
		t.Fatalf("exit %d without configuration, want 1", res.code)
	}
	var cfg strings.Builder
	cfg.WriteString("rules:\n")
	for id, f := range before {
		if f.Enforcement == "deny" {
			fmt.Fprintf(&cfg, "  %s:\n    severity: low\n", id)
		}
	}
	configFile := filepath.Join(t.TempDir(), "tuning.yaml")
	if err := os.WriteFile(configFile, []byte(cfg.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	after, res := checkIn(t, dir, "--config", configFile, "api.yaml")
	if res.code != 0 {
		t.Errorf("exit %d with every failing rule lowered to low, want 0\n%s", res.code, cfg.String())
	}
	if f := after["memory-request-missing"]; f.Severity != "low" || f.Enforcement != "warn" {
		t.Errorf("memory-request-missing: %s, %s; want low, warn", f.Severity, f.Enforcement)
	}
}

func TestConfigErrorsExit2NamingTheLine(t *testing.T) {
	dir := teamDir(t, map[string]string{
		".prodready.yaml": "rules:\n  single-replica:\n    parameters:\n      minReplicas: two\n  no-such-rule: {}\n",
		"api.yaml":        workload,
	})
	res := prodreadyIn(t, dir, "", "check", "api.yaml")
	want := `prodready: .prodready.yaml:4: rules.single-replica.parameters.minReplicas: want an integer, got "two"
.prodready.yaml:5: rules.no-such-rule: "no-such-rule" is not a known rule ID
`
	if res.code != 2 || res.stderr != want {
		t.Errorf("exit %d, stderr:\n%s\nwant exit 2 and\n%s", res.code, res.stderr, want)
	}
	if res := prodreadyIn(t, dir, "", "rules"); res.code != 2 || !strings.Contains(res.stderr, ".prodready.yaml:4: ") {
		t.Errorf("rules: exit %d, %s", res.code, res.stderr)
	}
	if res := prodreadyIn(t, dir, "", "check", "--no-config", "--config", ".prodready.yaml", "api.yaml"); res.code != 2 {
		t.Errorf("--config with --no-config: exit %d", res.code)
	}
}

func TestRulesShowTheConfiguration(t *testing.T) {
	dir := teamDir(t, map[string]string{
		".prodready.yaml": "rules:\n  memory-request-missing:\n    severity: low\n  cpu-request-missing:\n    enabled: false\n  zone-spread-missing:\n    enabled: true\n",
	})
	res := prodreadyIn(t, dir, "", "rules", "--output", "json")
	var rules []struct {
		ID, Severity, Profile string
		Enabled               *bool
	}
	if err := json.Unmarshal([]byte(res.stdout), &rules); err != nil {
		t.Fatalf("%v\n%s\n%s", err, res.stdout, res.stderr)
	}
	byID := map[string]int{}
	for i, r := range rules {
		byID[r.ID] = i
		if r.Enabled == nil {
			t.Fatalf("%s: no enabled state", r.ID)
		}
	}
	for id, want := range map[string]bool{"memory-request-missing": true, "cpu-request-missing": false, "zone-spread-missing": true, "startup-probe-missing": false} {
		if r := rules[byID[id]]; *r.Enabled != want {
			t.Errorf("%s enabled %v, want %v", id, *r.Enabled, want)
		}
	}
	if r := rules[byID["memory-request-missing"]]; r.Severity != "low" {
		t.Errorf("memory-request-missing severity %s, want low", r.Severity)
	}
	if text := prodreadyIn(t, dir, "", "rules").stdout; !strings.Contains(text, "ENABLED") {
		t.Errorf("rules text has no ENABLED column:\n%s", text)
	}
	if text := prodreadyIn(t, dir, "", "rules", "--no-config").stdout; strings.Contains(text, "ENABLED") || !strings.Contains(text, "memory-request-missing") {
		t.Errorf("rules --no-config text:\n%s", text)
	}
}
