package engine_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"testing/fstest"

	"github.com/prodready/prodready/pkg/engine"
	"github.com/prodready/prodready/pkg/manifest"
)

// identity is what a Check's objects still say once released.
type identity struct {
	ref       engine.ObjectRef
	file      string
	doc, item int
	line      int
}

func identities(objs []*manifest.Object) []identity {
	ids := make([]identity, len(objs))
	for i, o := range objs {
		ids[i] = identity{engine.ObjectRef{APIVersion: o.APIVersion, Kind: o.Kind, Namespace: o.Namespace, Name: o.Name}, o.File, o.Doc, o.Item, o.Line}
	}
	return ids
}

// TestCheckMatchesLoadAndEvaluate holds the streaming check to what
// loading everything and then evaluating it reports, on the examples and
// on the real-world corpora.
func TestCheckMatchesLoadAndEvaluate(t *testing.T) {
	paths := [][]string{{"../../examples"}}
	for _, c := range corpora {
		if _, err := os.Stat(c); err == nil {
			paths = append(paths, []string{c})
		}
	}
	ctx := context.Background()
	eng, err := engine.New(engine.WithWorkers(2))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		loaded := manifest.Load(ctx, p, manifest.Options{})
		out, wantErr := eng.Evaluate(ctx, loaded.Objects)
		want, wantWarnings := out.All(), out.Warnings
		out, gotErr := eng.Check(ctx, p, manifest.Options{})
		checked, got, gotWarnings := out.Read, out.All(), out.Warnings
		if len(got) == 0 || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: Check found %d findings, Load+Evaluate %d (or they differ)", p, len(got), len(want))
		}
		if !reflect.DeepEqual(gotWarnings, wantWarnings) {
			t.Errorf("%s: Check warned %d times, Load+Evaluate %d (or they differ)", p, len(gotWarnings), len(wantWarnings))
		}
		if inputErrs, evalErr := splitErrors(gotErr); (evalErr == nil) != (wantErr == nil) || len(inputErrs) != len(loaded.Errors) {
			t.Errorf("%s: Check error %v with %d input errors, Evaluate error %v with %d from Load", p, evalErr, len(inputErrs), wantErr, len(loaded.Errors))
		}
		if !reflect.DeepEqual(identities(checked.Objects), identities(loaded.Objects)) {
			t.Errorf("%s: Check read other objects than Load (or in another order)", p)
		}
		if !reflect.DeepEqual(checked.Skipped, loaded.Skipped) || len(checked.Errors) != len(loaded.Errors) {
			t.Errorf("%s: skipped %d/%d, errors %d/%d", p, len(checked.Skipped), len(loaded.Skipped), len(checked.Errors), len(loaded.Errors))
		}
		for i := range checked.Errors {
			if checked.Errors[i].Error() != loaded.Errors[i].Error() {
				t.Errorf("%s: error %d: %v, Load: %v", p, i, checked.Errors[i], loaded.Errors[i])
			}
		}
	}
}

// TestCheckAuditsWhatItRead: Check keeps of what it reads only what the
// exemption audit reads, and its Read holds records of every object,
// without their values, never the objects it evaluated.
func TestCheckAuditsWhatItRead(t *testing.T) {
	dir := t.TempDir()
	src := annotatedDeployment("exempt", "prodready.dev/exempt: single-replica") + "---\n" + deployment
	if err := os.WriteFile(dir+"/all.yaml", []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	eng, err := engine.New(engine.WithExemptionAudit())
	if err != nil {
		t.Fatal(err)
	}
	res, err := eng.Check(context.Background(), []string{dir}, manifest.Options{})
	if err != nil || len(res.Read.Objects) != 2 || len(res.Findings) == 0 {
		t.Fatalf("check: %d objects, %d findings, %v", len(res.Read.Objects), len(res.Findings), err)
	}
	for _, o := range res.Read.Objects {
		if o.Value != nil || o.Name == "" || o.Line == 0 {
			t.Errorf("read %+v: want a record with identity and place, without the value", o)
		}
	}
	if len(res.Audit) != 1 || res.Audit[0].Problem != engine.ProblemNoReason {
		t.Errorf("audit after Check: %+v; want the missing reason", res.Audit)
	}
}

// TestTeamRuleReadingTheInventoryDirectlySeesEveryKind: a team rule that
// reads data.inventory itself, not through lib.prodready.inventory, waits
// for every object and sees kinds no built-in rule looks up.
func TestTeamRuleReadingTheInventoryDirectlySeesEveryKind(t *testing.T) {
	team := fstest.MapFS{"cm.rego": teamRule("config-map-missing", "config_map_missing", `findings contains {"msg": "no ConfigMap named like it"} if {
	not data.inventory.namespace[review.namespace].v1.ConfigMap[review.name]
}`)}
	eng, err := engine.New(engine.WithPolicyFS("team", team), engine.WithProfile("strict"))
	if err != nil {
		t.Fatal(err)
	}
	cm := "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: api\n  namespace: shop\n"
	for _, tt := range []struct {
		input string
		src   string
		fires bool
	}{
		{"ConfigMap first", cm + "---\n" + deployment, false},
		{"ConfigMap last", deployment + "---\n" + cm, false},
		{"no ConfigMap", deployment, true},
	} {
		out, err := eng.Evaluate(context.Background(), parse(t, "all.yaml", tt.src))
		findings := out.All()
		if err != nil {
			t.Fatal(err)
		}
		if _, fired := rulesOf(findings)["config-map-missing"]; fired != tt.fires {
			t.Errorf("%s: the team rule fired %v, want %v", tt.input, fired, tt.fires)
		}
	}
}

// splitErrors parts Check's error into the input errors it holds and the
// evaluation's.
func splitErrors(err error) (input []*manifest.Error, eval error) {
	var rest []error
	if err != nil {
		errs := []error{err}
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			errs = j.Unwrap()
		}
		for _, e := range errs {
			if me, ok := e.(*manifest.Error); ok {
				input = append(input, me)
			} else {
				rest = append(rest, e)
			}
		}
	}
	return input, errors.Join(rest...)
}

// TestCheckErrorHoldsInputErrors: a wrong path or a broken document is in
// Check's error, named by file (and document), never err == nil with zero
// findings; the findings of what could be read are returned all the same.
func TestCheckErrorHoldsInputErrors(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "app.yaml")
	if err := os.WriteFile(good, []byte(deployment+"---\nkind: [\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	eng, err := engine.New()
	if err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.yaml")
	res, err := eng.Check(context.Background(), []string{missing, good}, manifest.Options{})
	inputErrs, evalErr := splitErrors(err)
	if len(inputErrs) != 2 || evalErr != nil {
		t.Fatalf("error %v: want the missing path and the broken document, nothing else", err)
	}
	if inputErrs[0].File != good || inputErrs[0].Doc != 2 || inputErrs[1].File != missing {
		t.Errorf("input errors %v, %v: want %s document 2, then %s", inputErrs[0], inputErrs[1], good, missing)
	}
	if len(res.Findings) == 0 || len(res.Read.Errors) != 2 {
		t.Errorf("%d findings, %d read errors: want the readable document's findings and both errors", len(res.Findings), len(res.Read.Errors))
	}
}
