package github_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/prodready/prodready/internal/reporttest"
	"github.com/prodready/prodready/pkg/engine"
	"github.com/prodready/prodready/pkg/report/github"
)

func lines(t *testing.T, opts github.Options) []string {
	t.Helper()
	var buf bytes.Buffer
	if err := github.Write(&buf, reporttest.Report(), opts); err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
}

func TestLines(t *testing.T) {
	got := lines(t, github.Options{})
	want := []string{
		`::warning file=deploy/shop.yaml,line=18,title=memory-limit-no-headroom::[medium] Deployment/shop/checkout-api: container "api" memory limit 512Mi is 1.0x its request 512Mi%0AFix: Set the limit 1.25x the request.`,
		`::error file=deploy/shop.yaml,line=12,title=readiness-probe-missing::[high] Deployment/shop/checkout-api: container "api" has no readinessProbe%0AFix: Add a readinessProbe.`,
		`::error file=deploy/shop.yaml,line=25,title=readiness-probe-missing::[high] Deployment/shop/checkout-api: container "sidecar" has no readinessProbe%0AFix: Add a readinessProbe.`,
		`::error title=readiness-probe-missing::[high] Deployment/web: 50%25 of "pods" <fail> & a,b:c%0Asecond line%0D%0AFix: Add a readinessProbe.`,
		`::error file=deploy/broken.yaml,line=14,title=input error::document 2: yaml: did not find expected key`,
		`::error title=input error::rule team-label-missing timed out`,
		"::warning file=deploy/shop.yaml,line=2,title=duplicate-object::" + reporttest.Warnings()[0].Message,
		`prodready: 4 objects, 4 findings, 3 failing (--fail-on high), 2 exempted, 2 errors, 1 warning`,
	}
	if len(got) != len(want) {
		t.Fatalf("got %d lines, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("line %d\n got %s\nwant %s", i+1, got[i], want[i])
		}
	}
}

func TestExemptedAreNoticesWhenAsked(t *testing.T) {
	got := lines(t, github.Options{ShowExempted: true})
	var notices []string
	for _, l := range got {
		if strings.HasPrefix(l, "::notice ") {
			notices = append(notices, l)
		}
	}
	if len(notices) != 2 ||
		notices[0] != `::notice file=deploy/worker.yaml,line=9,title=memory-limit-no-headroom::[medium] Deployment/batch/worker: container "run" memory limit equals its request%0AExempted (annotation): batch job, restarts are fine` {
		t.Errorf("notices:\n%s", strings.Join(notices, "\n"))
	}
}

func TestExpiredExemptionIsSaid(t *testing.T) {
	r := reporttest.Report()
	r.Findings[1].Exemption = &engine.Exemption{Source: engine.SourceAnnotation, Until: "2026-01-31", Expired: true}
	cmds := github.Commands(r, github.Options{})
	if !strings.Contains(cmds[1].Message, "Was exempted until 2026-01-31") || cmds[1].Level != "error" {
		t.Errorf("expired: %+v", cmds[1])
	}
}

func TestEscaping(t *testing.T) {
	if got, want := github.EscapeData("100% done\r\nnext: a,b"), "100%25 done%0D%0Anext: a,b"; got != want {
		t.Errorf("EscapeData = %q, want %q", got, want)
	}
	if got, want := github.EscapeProperty("k8s/a:b,c%\n.yaml"), "k8s/a%3Ab%2Cc%25%0A.yaml"; got != want {
		t.Errorf("EscapeProperty = %q, want %q", got, want)
	}
	c := github.Command{Level: "error", File: "dir,x/a:b.yaml", Line: 3, Title: "r", Message: "m::n"}
	if got, want := c.String(), "::error file=dir%2Cx/a%3Ab.yaml,line=3,title=r::m::n"; got != want {
		t.Errorf("command = %q, want %q", got, want)
	}
}

// TestWarningsAreWarningsAtTheirFirstPlace: a warning about the input is
// one ::warning, at the first place it names, titled with its code; its
// message names the others. It is a warning whatever --fail-on says.
func TestWarningsAreWarningsAtTheirFirstPlace(t *testing.T) {
	r := reporttest.Report()
	w := &r.Warnings[0]
	w.Places[0].File, w.Message = "deploy/a,b.yaml", "100% the same object\nin two places"
	var warnings []github.Command
	for _, c := range github.Commands(r, github.Options{}) {
		if c.Title == engine.WarningDuplicateObject {
			warnings = append(warnings, c)
		}
	}
	if len(warnings) != 1 {
		t.Fatalf("%d duplicate-object commands, want 1: %+v", len(warnings), warnings)
	}
	if got, want := warnings[0].String(), "::warning file=deploy/a%2Cb.yaml,line=2,title=duplicate-object::100%25 the same object%0Ain two places"; got != want {
		t.Errorf("command = %s, want %s", got, want)
	}
	// Without a place (a warning made by hand), on the run.
	w.Places = nil
	for _, c := range github.Commands(r, github.Options{}) {
		if c.Title == engine.WarningDuplicateObject && (c.File != "" || c.Line != 0 || c.Level != "warning") {
			t.Errorf("placeless warning = %+v", c)
		}
	}
}
