package engine_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/prodready/prodready/pkg/engine"
	"github.com/prodready/prodready/pkg/manifest"
	"github.com/prodready/prodready/pkg/policy"
)

// FuzzCheck runs whatever documents the fuzzer makes up through every rule
// of the strict profile, as prodready check does: no panic, no evaluation
// error (broken input is Parse's to report), findings only on the objects
// given, by rules that exist, and the same findings when evaluated again.
// The seed corpus in testdata/fuzz/FuzzCheck has real workloads from
// examples/ and the odd shapes a rule must not trip over.
func FuzzCheck(f *testing.F) {
	// One worker: the fuzzer runs a process per core already.
	e, err := engine.New(engine.WithProfile(policy.Strict), engine.WithWorkers(1))
	if err != nil {
		f.Fatal(err)
	}
	rules := map[string]bool{}
	for _, r := range e.Rules() {
		rules[r.ID] = true
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		objs := manifest.Parse("fuzz.yaml", data).Objects
		type at struct {
			ref  engine.ObjectRef
			line int
		}
		given := map[at]bool{}
		for _, o := range objs {
			given[at{engine.ObjectRef{APIVersion: o.APIVersion, Kind: o.Kind, Namespace: o.Namespace, Name: o.Name}, o.Line}] = true
		}
		ctx := context.Background()
		out, err := e.Evaluate(ctx, objs)
		findings := out.All()
		if err != nil {
			t.Fatalf("evaluating %d objects: %v", len(objs), err)
		}
		for _, fd := range findings {
			if !given[at{fd.Object, fd.ObjectLine}] || fd.File != "fuzz.yaml" || !rules[fd.Rule] || fd.Message == "" || fd.Line < 1 {
				t.Errorf("finding on no object given, or by no rule: %+v", fd)
			}
		}
		out, err = e.Evaluate(ctx, objs)
		again := out.All()
		if err != nil {
			t.Fatalf("evaluating again: %v", err)
		}
		if !reflect.DeepEqual(findings, again) {
			t.Errorf("evaluating again gives other findings:\n%+v\n%+v", findings, again)
		}
	})
}
