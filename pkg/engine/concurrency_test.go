package engine_test

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"

	"github.com/prodready/prodready/pkg/engine"
	"github.com/prodready/prodready/pkg/manifest"
)

// TestObjectsFromAnywhereEvaluateAlike: an object made of a map, or of a
// document's bytes, is judged as the same object read from a file.
func TestObjectsFromAnywhereEvaluateAlike(t *testing.T) {
	eng, err := engine.New()
	if err != nil {
		t.Fatal(err)
	}
	loaded := parse(t, "", deployment)
	fromMap, err := manifest.FromMap(loaded[0].Content())
	if err != nil {
		t.Fatal(err)
	}
	decoded, err := manifest.Decode([]byte(deployment))
	if err != nil {
		t.Fatal(err)
	}
	want := ruleContainers(t, eng, loaded[0])
	if len(want) == 0 {
		t.Fatal("the test deployment has no findings")
	}
	for name, obj := range map[string]*manifest.Object{"FromMap": fromMap, "Decode": decoded} {
		if got := ruleContainers(t, eng, obj); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: rules %v, want %v as loaded", name, got, want)
		}
	}
}

func ruleContainers(t *testing.T, eng *engine.Engine, obj *manifest.Object) []string {
	t.Helper()
	res, err := eng.Evaluate(context.Background(), []*manifest.Object{obj})
	if err != nil {
		t.Fatal(err)
	}
	var rules []string
	for _, f := range res.Findings {
		rules = append(rules, f.Rule+"/"+f.Container)
	}
	return rules
}

// TestConcurrentUse: one engine shared by goroutines that Evaluate the same
// objects, feed one Session and Check files at once gives each the results
// it gives alone, and leaves the objects as they were. make test runs it
// under the race detector.
func TestConcurrentUse(t *testing.T) {
	ctx := context.Background()
	eng, err := engine.New(engine.WithWorkers(4), engine.WithExemptionAudit())
	if err != nil {
		t.Fatal(err)
	}
	src := deployment + "---\n" + annotatedDeployment("exempt", "prodready.dev/exempt: single-replica") +
		"---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: api\n  namespace: shop\nspec:\n  maxUnavailable: 0\n  selector:\n    matchLabels:\n      app: api\n"
	objs := parse(t, "all.yaml", src)
	before := make([]map[string]any, len(objs))
	for i, o := range objs {
		before[i] = o.Content()
	}
	want, err := eng.Evaluate(ctx, objs)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "all.yaml")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	checked, err := eng.Check(ctx, []string{path}, manifest.Options{})
	if err != nil || len(checked.Findings) != len(want.Findings) {
		t.Fatalf("Check: %d findings, %v; want %d", len(checked.Findings), err, len(want.Findings))
	}
	session := eng.NewSession()
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			got, err := eng.Check(ctx, []string{path}, manifest.Options{})
			if err != nil || !reflect.DeepEqual(got.Findings, checked.Findings) || len(eng.Rules()) == 0 {
				t.Errorf("concurrent Check: %v, findings differ: %v", err, !reflect.DeepEqual(got.Findings, checked.Findings))
			}
		})
		wg.Go(func() {
			got, err := eng.Evaluate(ctx, objs)
			if err != nil || !reflect.DeepEqual(got, want) {
				t.Errorf("concurrent Evaluate: %v, results differ: %v", err, !reflect.DeepEqual(got, want))
			}
		})
		wg.Go(func() { session.Visit(ctx, objs...) })
	}
	wg.Wait()
	streamed, err := session.Finish(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Eight visits of each object: each finding eight times over.
	if len(streamed.Findings) != 8*len(want.Findings) || len(streamed.Exempted) != 8*len(want.Exempted) {
		t.Errorf("session: %d findings, %d exempted; want 8x %d, %d", len(streamed.Findings), len(streamed.Exempted), len(want.Findings), len(want.Exempted))
	}
	for i, o := range objs {
		if !reflect.DeepEqual(o.Content(), before[i]) {
			t.Errorf("object %d changed by evaluating it", i+1)
		}
	}
}
