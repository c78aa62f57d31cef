package main

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// expectMarker names, at the end of a line of a YAML file under
// testdata/positions, the rules reported at that line.
var expectMarker = regexp.MustCompile(`# expect: (.+)$`)

// TestFindingsPointAtTheirField checks the line of every finding on
// testdata/positions/workloads.yaml against its "# expect:" markers, both
// ways: a marker without its finding and a finding without its marker fail.
func TestFindingsPointAtTheirField(t *testing.T) {
	const file = "testdata/positions/workloads.yaml"
	src, err := os.ReadFile("../../" + file)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for i, line := range strings.Split(string(src), "\n") {
		if m := expectMarker.FindStringSubmatch(line); m != nil {
			for _, rule := range strings.Split(m[1], ",") {
				want = append(want, fmt.Sprintf("%d %s", i+1, strings.TrimSpace(rule)))
			}
		}
	}
	if len(want) == 0 {
		t.Fatal("no markers")
	}
	rep, _ := checkJSON(t, "", file)
	var got []string
	for _, f := range rep.Findings {
		got = append(got, fmt.Sprintf("%d %s", f.Line, f.Rule))
	}
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("findings at\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

// TestFieldsInJSONInput: a JSON file's findings point at lines too, and
// say which field they are about.
func TestFieldsInJSONInput(t *testing.T) {
	rep, _ := checkJSON(t, "", "testdata/positions/pod.json")
	var got []string
	for _, f := range rep.Findings {
		got = append(got, fmt.Sprintf("%s %d/%d %s", f.Rule, f.Line, f.ObjectLine, f.Field))
	}
	want := []string{
		"cpu-request-missing 10/1 spec.containers[worker].resources",
		"memory-limit-no-headroom 11/1 spec.containers[worker].resources.limits.memory",
	}
	if !slices.Equal(got, want) {
		t.Errorf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}
