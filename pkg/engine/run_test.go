package engine_test

import (
	"context"
	"os"
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
		want, wantWarnings, wantErr := eng.Evaluate(ctx, loaded.Objects)
		checked, got, gotWarnings, gotErr := eng.Check(ctx, p, manifest.Options{})
		if len(got) == 0 || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: Check found %d findings, Load+Evaluate %d (or they differ)", p, len(got), len(want))
		}
		if !reflect.DeepEqual(gotWarnings, wantWarnings) {
			t.Errorf("%s: Check warned %d times, Load+Evaluate %d (or they differ)", p, len(gotWarnings), len(wantWarnings))
		}
		if (gotErr == nil) != (wantErr == nil) {
			t.Errorf("%s: Check error %v, Evaluate error %v", p, gotErr, wantErr)
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

// TestCheckKeepsOnlyWhatTheAuditReads: after a Check, objects hold their
// value only when the exemption audit needs it, and the audit still works.
func TestCheckKeepsOnlyWhatTheAuditReads(t *testing.T) {
	dir := t.TempDir()
	src := annotatedDeployment("exempt", "prodready.dev/exempt: single-replica") + "---\n" + deployment
	if err := os.WriteFile(dir+"/all.yaml", []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	eng, err := engine.New()
	if err != nil {
		t.Fatal(err)
	}
	res, findings, _, err := eng.Check(context.Background(), []string{dir}, manifest.Options{})
	if err != nil || len(res.Objects) != 2 || len(findings) == 0 {
		t.Fatalf("check: %d objects, %d findings, %v", len(res.Objects), len(findings), err)
	}
	if res.Objects[0].Value == nil || res.Objects[1].Value != nil {
		t.Errorf("values kept: annotated %v, plain %v; want the annotated one only", res.Objects[0].Value != nil, res.Objects[1].Value != nil)
	}
	problems, err := eng.AuditExemptions(context.Background(), res.Objects, findings)
	if err != nil || len(problems) != 1 || problems[0].Problem != engine.ProblemNoReason {
		t.Errorf("audit after Check: %+v, %v; want the missing reason", problems, err)
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
		findings, _, err := eng.Evaluate(context.Background(), parse(t, "all.yaml", tt.src))
		if err != nil {
			t.Fatal(err)
		}
		if _, fired := rulesOf(findings)["config-map-missing"]; fired != tt.fires {
			t.Errorf("%s: the team rule fired %v, want %v", tt.input, fired, tt.fires)
		}
	}
}
