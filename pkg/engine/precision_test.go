package engine_test

import (
	"context"
	"fmt"
	"os"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/prodready/prodready/pkg/engine"
	"github.com/prodready/prodready/pkg/manifest"
)

// judgement is an engineer's verdict on one finding of a precision sample
// (docs/precision.md): act (worth acting on) or noise.
type judgement struct {
	Sample    string `json:"sample"` // before or after the rule changes
	Place     int    `json:"place"`  // its place in the sample
	Rule      string `json:"rule"`
	Object    string `json:"object"` // Kind/namespace/name
	Container string `json:"container,omitempty"`
	File      string `json:"file"` // relative to the repository
	Verdict   string `json:"verdict"`
	// Removed is set on noise a rule change removed: it must stay removed.
	Removed bool   `json:"removed,omitempty"`
	Why     string `json:"why"`
}

func (j judgement) key() string {
	return fmt.Sprintf("%s %s %q %s", j.Rule, j.Object, j.Container, j.File)
}

// TestPrecisionJudgementsHold replays the judged precision samples on
// testdata/realworld with the default profile: noise that a rule change
// removed is still gone, and every finding judged worth acting on is still
// reported.
func TestPrecisionJudgementsHold(t *testing.T) {
	raw, err := os.ReadFile("../../testdata/precision/judged.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var judged []judgement
	if err := yaml.UnmarshalStrict(raw, &judged); err != nil {
		t.Fatal(err)
	}
	eng, err := engine.New()
	if err != nil {
		t.Fatal(err)
	}
	out, err := eng.Check(context.Background(), []string{"../../testdata/realworld"}, manifest.Options{})
	findings := out.All()
	if err != nil {
		t.Fatal(err)
	}
	reported := map[string]bool{}
	for _, f := range findings {
		j := judgement{Rule: f.Rule, Container: f.Container, File: f.File[len("../../"):],
			Object: fmt.Sprintf("%s/%s/%s", f.Object.Kind, f.Object.Namespace, f.Object.Name)}
		reported[j.key()] = true
	}
	removed, acted := 0, 0
	for _, j := range judged {
		switch {
		case j.Verdict != "act" && j.Verdict != "noise":
			t.Errorf("%s: verdict %q, want act or noise", j.key(), j.Verdict)
		case j.Removed && j.Verdict != "noise":
			t.Errorf("%s: only noise is removed", j.key())
		case j.Removed && reported[j.key()]:
			t.Errorf("judged noise, removed, reported again: %s (%s)", j.key(), j.Why)
		case j.Verdict == "act" && !reported[j.key()]:
			t.Errorf("judged worth acting on, no longer reported: %s", j.key())
		}
		if j.Removed {
			removed++
		}
		if j.Verdict == "act" {
			acted++
		}
	}
	if removed == 0 || acted == 0 {
		t.Errorf("%d judgements, %d removed noise, %d worth acting on: the samples are missing", len(judged), removed, acted)
	}
}
