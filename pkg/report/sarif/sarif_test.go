package sarif_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/prodready/prodready/internal/reporttest"
	"github.com/prodready/prodready/internal/sariftest"
	"github.com/prodready/prodready/pkg/policy"
	"github.com/prodready/prodready/pkg/report/sarif"
)

// decoded is the part of a SARIF log the tests read back.
type decoded struct {
	Runs []struct {
		Tool struct {
			Driver struct {
				Name, Version, InformationURI string
				Notifications                 []struct {
					ID, Name             string
					ShortDescription     struct{ Text string }
					DefaultConfiguration struct{ Level string }
				}
				Rules []struct {
					ID, Name, HelpURI                 string
					ShortDescription, FullDescription struct{ Text string }
					Help                              struct{ Text, Markdown string }
					DefaultConfiguration              struct{ Level string }
					Properties                        struct {
						Severity, Profile string
						Tags              []string
					}
				}
			}
		}
		Invocations []struct {
			ExecutionSuccessful        bool
			ToolExecutionNotifications []struct {
				Level      string
				Message    struct{ Text string }
				Locations  []location
				Descriptor *struct {
					ID    string
					Index int
				}
			}
		}
		Results []struct {
			RuleID              string
			RuleIndex           int
			Level               string
			Message             struct{ Text string }
			Locations           []location
			PartialFingerprints map[string]string
			Suppressions        []struct{ Kind, Status, Justification string }
			Properties          struct{ Severity, Container, Field string }
		}
	}
}

type location struct {
	PhysicalLocation struct {
		ArtifactLocation struct{ URI string }
		Region           struct{ StartLine int }
	}
	LogicalLocations []struct{ Name, FullyQualifiedName, Kind string }
}

func write(t *testing.T) ([]byte, decoded) {
	t.Helper()
	var buf bytes.Buffer
	if err := sarif.Write(&buf, reporttest.Report(), reporttest.Rules()); err != nil {
		t.Fatal(err)
	}
	var d decoded
	if err := json.Unmarshal(buf.Bytes(), &d); err != nil {
		t.Fatal(err)
	}
	if len(d.Runs) != 1 {
		t.Fatalf("runs = %d, want 1", len(d.Runs))
	}
	return buf.Bytes(), d
}

func TestLogValidatesAgainstSchema(t *testing.T) {
	out, _ := write(t)
	sariftest.Validate(t, out)
}

func TestSchemaRejectsInvalidLog(t *testing.T) {
	// The validation must be able to fail: a result without a message.
	bad := `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"ruleId":"r"}]}]}`
	ft := &fakeT{TB: t}
	sariftest.Validate(ft, []byte(bad))
	if !ft.failed {
		t.Error("a result without a message validated")
	}
}

type fakeT struct {
	testing.TB
	failed bool
}

func (f *fakeT) Errorf(string, ...any) { f.failed = true }
func (f *fakeT) Helper()               {}

func TestDriverDescribesEveryRuleThatRan(t *testing.T) {
	_, d := write(t)
	drv := d.Runs[0].Tool.Driver
	if drv.Name != "prodready" || drv.Version == "" || drv.InformationURI != sarif.InformationURI {
		t.Errorf("driver = %q %q %q", drv.Name, drv.Version, drv.InformationURI)
	}
	if len(drv.Rules) != 3 {
		t.Fatalf("rules = %d, want every rule that ran (3), with or without findings", len(drv.Rules))
	}
	mem := drv.Rules[0]
	if mem.ID != "memory-limit-no-headroom" || mem.Name != "MemoryLimitNoHeadroom" ||
		mem.ShortDescription.Text != "Memory limit without headroom" ||
		mem.FullDescription.Text != "A memory limit equal to the request OOMKills." ||
		mem.DefaultConfiguration.Level != "warning" || mem.Properties.Severity != "medium" || mem.Properties.Profile != "baseline" {
		t.Errorf("memory-limit-no-headroom descriptor = %+v", mem)
	}
	if want := "https://github.com/prodready/prodready/blob/main/docs/rules/memory-limit-no-headroom.md"; mem.HelpURI != want {
		t.Errorf("helpUri = %q, want %q", mem.HelpURI, want)
	}
	if !strings.Contains(mem.Help.Text, "Fix: Set the limit 1.25x the request.") || !strings.Contains(mem.Help.Markdown, "**Fix:** Set the limit") ||
		!strings.Contains(mem.Help.Markdown, "("+mem.HelpURI+")") {
		t.Errorf("help = %+v", mem.Help)
	}
	if lvl := drv.Rules[1].DefaultConfiguration.Level; lvl != "error" {
		t.Errorf("high rule level = %q, want error", lvl)
	}
	team := drv.Rules[2]
	if team.HelpURI != "" || team.DefaultConfiguration.Level != "note" {
		t.Errorf("team rule: helpUri %q (want none: no page on the site), level %q (want note)", team.HelpURI, team.DefaultConfiguration.Level)
	}
}

func TestLevels(t *testing.T) {
	for sev, want := range map[policy.Severity]string{policy.Critical: "error", policy.High: "error", policy.Medium: "warning", policy.Low: "note"} {
		if got := sarif.Level(sev); got != want {
			t.Errorf("Level(%s) = %q, want %q", sev, got, want)
		}
	}
}

func TestResults(t *testing.T) {
	_, d := write(t)
	run := d.Runs[0]
	if len(run.Results) != 6 {
		t.Fatalf("results = %d, want 6 (4 findings, 2 exempted)", len(run.Results))
	}
	for _, r := range run.Results {
		if got := run.Tool.Driver.Rules[r.RuleIndex].ID; got != r.RuleID {
			t.Errorf("result %s: ruleIndex %d names %s", r.RuleID, r.RuleIndex, got)
		}
	}
	first := run.Results[0]
	loc := first.Locations[0]
	if first.Level != "warning" || loc.PhysicalLocation.ArtifactLocation.URI != "deploy/shop.yaml" || loc.PhysicalLocation.Region.StartLine != 18 {
		t.Errorf("first result = %+v", first)
	}
	if !strings.HasPrefix(first.Message.Text, `container "api" memory limit`) || !strings.HasSuffix(first.Message.Text, "\nFix: Set the limit 1.25x the request.") {
		t.Errorf("message = %q", first.Message.Text)
	}
	if len(loc.LogicalLocations) != 2 ||
		loc.LogicalLocations[0].FullyQualifiedName != "Deployment/shop/checkout-api" || loc.LogicalLocations[0].Kind != "resource" ||
		loc.LogicalLocations[1].Name != "api" || loc.LogicalLocations[1].FullyQualifiedName != "Deployment/shop/checkout-api/api" {
		t.Errorf("logical locations = %+v", loc.LogicalLocations)
	}
	if p := first.Properties; p.Severity != "medium" || p.Container != "api" || p.Field != "spec.template.spec.containers[api]" {
		t.Errorf("properties = %+v", p)
	}
	if run.Results[1].Level != "error" {
		t.Errorf("high finding level = %q", run.Results[1].Level)
	}
	stdin := run.Results[3]
	if u := stdin.Locations[0].PhysicalLocation.ArtifactLocation.URI; u != "-" {
		t.Errorf("stdin uri = %q, want -", u)
	}
	if !strings.HasPrefix(stdin.Message.Text, reporttest.Tricky) {
		t.Errorf("stdin message = %q", stdin.Message.Text)
	}
	for _, r := range run.Results[:4] {
		if len(r.Suppressions) != 0 {
			t.Errorf("%s: suppressed, but not exempted", r.RuleID)
		}
	}
}

func TestExemptedResultsAreSuppressed(t *testing.T) {
	_, d := write(t)
	res := d.Runs[0].Results
	annotated, configured := res[4], res[5]
	if len(annotated.Suppressions) != 1 || len(configured.Suppressions) != 1 {
		t.Fatalf("suppressions = %v, %v", annotated.Suppressions, configured.Suppressions)
	}
	if s := annotated.Suppressions[0]; s.Kind != "inSource" || s.Status != "accepted" || s.Justification != "batch job, restarts are fine" {
		t.Errorf("annotation exemption = %+v", s)
	}
	if s := configured.Suppressions[0]; s.Kind != "external" || s.Justification != "not serving traffic" {
		t.Errorf("configured exemption = %+v", s)
	}
}

func TestFingerprintsFollowRuleObjectAndContainer(t *testing.T) {
	_, d := write(t)
	res := d.Runs[0].Results
	fp := func(i int) string { return res[i].PartialFingerprints[sarif.FingerprintKey] }
	seen := map[string]int{}
	for i := range res {
		if fp(i) == "" {
			t.Fatalf("result %d has no %s fingerprint", i, sarif.FingerprintKey)
		}
		if j, dup := seen[fp(i)]; dup {
			t.Errorf("results %d and %d share a fingerprint", j, i)
		}
		seen[fp(i)] = i
	}
	// Moving the finding to another line keeps its fingerprint.
	r := reporttest.Report()
	r.Findings[0].Line += 10
	var buf bytes.Buffer
	if err := sarif.Write(&buf, r, reporttest.Rules()); err != nil {
		t.Fatal(err)
	}
	var moved decoded
	if err := json.Unmarshal(buf.Bytes(), &moved); err != nil {
		t.Fatal(err)
	}
	if got := moved.Runs[0].Results[0].PartialFingerprints[sarif.FingerprintKey]; got != fp(0) {
		t.Errorf("fingerprint changed with the line: %s, was %s", got, fp(0))
	}
}

func TestInputErrorsMakeTheRunUnsuccessful(t *testing.T) {
	_, d := write(t)
	inv := d.Runs[0].Invocations
	if len(inv) != 1 || inv[0].ExecutionSuccessful {
		t.Fatalf("invocations = %+v, want one, unsuccessful", inv)
	}
	n := inv[0].ToolExecutionNotifications
	if len(n) != 3 || n[0].Level != "error" || n[0].Locations[0].PhysicalLocation.ArtifactLocation.URI != "deploy/broken.yaml" ||
		n[0].Locations[0].PhysicalLocation.Region.StartLine != 14 || n[1].Message.Text != "rule team-label-missing timed out" || len(n[1].Locations) != 0 {
		t.Errorf("notifications = %+v", n)
	}
}

// TestWarningsAreNotifications: a warning about the input is a
// notification of level warning at every place it names, described in the
// driver's notifications by its code; the run stays successful without
// input errors.
func TestWarningsAreNotifications(t *testing.T) {
	_, d := write(t)
	drv := d.Runs[0].Tool.Driver
	if len(drv.Notifications) != 1 || drv.Notifications[0].ID != "duplicate-object" || drv.Notifications[0].Name != "DuplicateObject" ||
		drv.Notifications[0].ShortDescription.Text == "" || drv.Notifications[0].DefaultConfiguration.Level != "warning" {
		t.Fatalf("driver notifications = %+v", drv.Notifications)
	}
	n := d.Runs[0].Invocations[0].ToolExecutionNotifications[2]
	if n.Level != "warning" || n.Message.Text != reporttest.Warnings()[0].Message || n.Descriptor == nil || n.Descriptor.ID != "duplicate-object" || n.Descriptor.Index != 0 {
		t.Errorf("warning notification = %+v", n)
	}
	var at []string
	for _, l := range n.Locations {
		at = append(at, fmt.Sprintf("%s:%d", l.PhysicalLocation.ArtifactLocation.URI, l.PhysicalLocation.Region.StartLine))
		if len(l.LogicalLocations) != 1 || l.LogicalLocations[0].FullyQualifiedName != "Deployment/shop/checkout-api" {
			t.Errorf("logical locations = %+v", l.LogicalLocations)
		}
	}
	if got := strings.Join(at, " "); got != "deploy/shop.yaml:2 deploy/shop.yaml:60" {
		t.Errorf("locations %s, want both places", got)
	}

	r := reporttest.Report()
	r.Errors = nil
	var buf bytes.Buffer
	if err := sarif.Write(&buf, r, reporttest.Rules()); err != nil {
		t.Fatal(err)
	}
	sariftest.Validate(t, buf.Bytes())
	var ok decoded
	if err := json.Unmarshal(buf.Bytes(), &ok); err != nil {
		t.Fatal(err)
	}
	if inv := ok.Runs[0].Invocations[0]; !inv.ExecutionSuccessful || len(inv.ToolExecutionNotifications) != 1 {
		t.Errorf("with warnings only: invocation %+v, want successful with one notification", inv)
	}
}

func TestDeterministic(t *testing.T) {
	a, _ := write(t)
	b, _ := write(t)
	if !bytes.Equal(a, b) {
		t.Error("two writes of the same report differ")
	}
}

func TestURI(t *testing.T) {
	for file, want := range map[string]string{
		"deploy/shop.yaml":      "deploy/shop.yaml",
		"<stdin>":               "-",
		"/srv/k8s/my app.yaml":  "file:///srv/k8s/my%20app.yaml",
		"k8s/a:b.yaml":          "k8s/a:b.yaml",
		"weird:name.yaml":       "./weird:name.yaml",
		"overlays/prod/#1.yaml": "overlays/prod/%231.yaml",
	} {
		if got := sarif.URI(file); got != want {
			t.Errorf("URI(%q) = %q, want %q", file, got, want)
		}
	}
}
