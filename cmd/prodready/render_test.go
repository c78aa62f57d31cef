package main

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// A chart and an overlay among the paths are rendered, and each finding
// names the template or resource file a person edits, at the object's line
// there.
func TestCheckRendersChartsAndOverlays(t *testing.T) {
	rep, res := checkJSON(t, "", "render/testdata/web", "render/testdata/overlay/prod", "--set", "replicas=4")
	if res.code != 1 || rep.Summary.Errors != 0 {
		t.Fatalf("exit %d, %d errors: %s", res.code, rep.Summary.Errors, res.stderr)
	}
	where := map[string]string{}
	for _, f := range rep.Findings {
		where[f.Object.Kind+"/"+f.Object.Name] = f.File + ":" + strconv.Itoa(f.ObjectLine)
	}
	for obj, want := range map[string]string{
		"Deployment/release-name-web": "render/testdata/web/templates/deployment.yaml:2",
		"Job/release-name-migrate":    "render/testdata/web/templates/migrate.yaml:2",
		"Deployment/prod-api":         "render/testdata/overlay/base/deployment.yaml:1",
	} {
		if where[obj] != want {
			t.Errorf("%s reported at %q, want %s", obj, where[obj], want)
		}
	}
	// A field written as it renders is reported at its line in the
	// template or base: the container's, for a container without resources.
	for _, f := range rep.Findings {
		if f.Rule != "memory-request-missing" || f.Object.Kind != "Deployment" {
			continue
		}
		if want := map[string]int{"release-name-web": 15, "prod-api": 14}[f.Object.Name]; f.Line != want {
			t.Errorf("memory-request-missing on %s at line %d, want %d (its container's, as kustomize writes it: image first)", f.Object.Name, f.Line, want)
		}
	}
	if !pairs(rep, "")["pdb-missing Deployment/release-name-web"] {
		t.Error("--set replicas=4 did not reach the chart: no pdb-missing on its Deployment")
	}
	// A value that comes from the chart's values or the overlay's patch
	// says so in the message.
	rep, _ = checkJSON(t, "", "render/testdata/web", "render/testdata/overlay/single", "--set", "replicas=1")
	for name, want := range map[string]string{
		"release-name-web": "(spec.replicas: from values replicas)",
		"api":              "(spec.replicas: from the patch render/testdata/overlay/single/one-replica.yaml)",
	} {
		found := ""
		for _, f := range rep.Findings {
			if f.Rule == "single-replica" && f.Object.Name == name {
				found = f.Message
			}
		}
		if !strings.HasSuffix(found, want) {
			t.Errorf("single-replica on %s: %q, want it to end %q", name, found, want)
		}
	}
	// --no-render reads the templates as files: each an input error that
	// says it is a template.
	res = prodready(t, "", "check", "--no-render", "render/testdata/web")
	if res.code != 2 || !strings.Contains(res.stderr+res.stdout, "a Helm template, not a manifest") {
		t.Errorf("--no-render: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
}

// A chart that fails to render is an input error at its template's line;
// the other inputs are still checked.
func TestCheckChartThatFails(t *testing.T) {
	rep, res := checkJSON(t, "", "render/testdata/broken", "examples/demo")
	if res.code != 2 || len(rep.Errors) != 1 || rep.Errors[0].File != "render/testdata/broken/templates/configmap.yaml" || !strings.Contains(rep.Errors[0].Message, "region is required") {
		t.Errorf("exit %d, errors %+v", res.code, rep.Errors)
	}
	if rep.Summary.Findings == 0 {
		t.Error("examples/demo was not checked")
	}
}

// helm template ... | prodready check - with a failed helm leaves nothing
// on stdin: an input error, not a clean pass.
func TestCheckEmptyStdin(t *testing.T) {
	res := prodready(t, "", "check", "-")
	if out := res.stdout + res.stderr; res.code != 2 || !strings.Contains(out, "standard input is empty") || !strings.Contains(out, "pipefail") {
		t.Errorf("exit %d: %s%s", res.code, res.stdout, res.stderr)
	}
}

// A tree with a base and the overlays built on it checks each overlay's
// objects once, and not the base's on their own as well; a base named on
// the command line is checked.
func TestCheckTreeOfOverlays(t *testing.T) {
	for _, tc := range []struct {
		args    []string
		objects int
	}{
		{[]string{"render/testdata/overlay"}, 2},                                        // prod and single
		{[]string{"render/testdata/overlay/base", "render/testdata/overlay/prod"}, 2},   // the base, and prod
		{[]string{"render/testdata/overlay/prod", "render/testdata/overlay/single"}, 2}, // prod and single
	} {
		rep, res := checkJSON(t, "", tc.args...)
		if rep.Summary.Objects != tc.objects || rep.Summary.Errors != 0 {
			t.Errorf("%v: %d objects, %d errors (exit %d), want %d", tc.args, rep.Summary.Objects, rep.Summary.Errors, res.code, tc.objects)
		}
	}
}

// SARIF points code scanning at the template's lines, so review comments
// land on the chart.
func TestSARIFOnAChart(t *testing.T) {
	log, _ := checkSARIF(t, "", "render/testdata/web")
	var got []string
	for _, r := range log.Runs[0].Results {
		if r.RuleID == "memory-request-missing" {
			loc := r.Locations[0].PhysicalLocation
			got = append(got, fmt.Sprintf("%s:%d", loc.ArtifactLocation.URI, loc.Region.StartLine))
		}
	}
	// The containers' lines: the Deployment's and the hook Job's.
	want := []string{"render/testdata/web/templates/deployment.yaml:15", "render/testdata/web/templates/migrate.yaml:14"}
	if slices.Sort(got); !slices.Equal(got, want) {
		t.Errorf("memory-request-missing at %v, want %v", got, want)
	}
}
