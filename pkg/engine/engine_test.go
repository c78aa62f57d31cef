package engine_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/prodready/prodready/pkg/engine"
	"github.com/prodready/prodready/pkg/manifest"
	"github.com/prodready/prodready/pkg/policy"
)

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
spec:
  template:
    spec:
      containers:
        - name: app
          image: app:1
`

func parse(t *testing.T, file, src string) []*manifest.Object {
	t.Helper()
	res := manifest.Parse(file, []byte(src))
	if len(res.Errors) > 0 {
		t.Fatal(res.Errors[0])
	}
	return res.Objects
}

func TestFindingIsTyped(t *testing.T) {
	eng, err := engine.New()
	if err != nil {
		t.Fatal(err)
	}
	out, err := eng.Evaluate(context.Background(), parse(t, "deploy.yaml", deployment))
	findings := out.All()
	if err != nil {
		t.Fatal(err)
	}
	var got *engine.Finding
	for i, f := range findings {
		if f.Rule == "memory-request-missing" {
			got = &findings[i]
		}
	}
	if got == nil {
		t.Fatalf("memory-request-missing not reported: %+v", findings)
	}
	want := engine.ObjectRef{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "shop", Name: "api"}
	if got.Object != want || got.Container != "app" || got.File != "deploy.yaml" ||
		got.ObjectLine != 1 || got.Line != 10 || got.Field != "spec.template.spec.containers[app].resources" ||
		got.Severity != policy.High || got.Enforcement != "deny" || got.Message == "" || got.Remediation == "" {
		t.Errorf("finding %+v", *got)
	}
}

func TestExemptionAnnotation(t *testing.T) {
	eng, err := engine.New()
	if err != nil {
		t.Fatal(err)
	}
	src := deployment[:len("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n")] +
		"  annotations:\n    prodready.dev/exempt: \"memory-request-missing, cpu-request-missing\"\n" +
		deployment[len("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n"):]
	out, err := eng.Evaluate(context.Background(), parse(t, "d.yaml", src))
	findings := out.All()
	if err != nil {
		t.Fatal(err)
	}
	exempted := map[string]bool{}
	for _, f := range findings {
		exempted[f.Rule] = f.Exempted
	}
	if !exempted["memory-request-missing"] || !exempted["cpu-request-missing"] {
		t.Errorf("listed rules not exempted: %v", exempted)
	}
	if exempted["liveness-probe-missing"] {
		t.Errorf("unlisted rule exempted: %v", exempted)
	}
}

func TestProfileSelectsRules(t *testing.T) {
	base, err := engine.New()
	if err != nil {
		t.Fatal(err)
	}
	strict, err := engine.New(engine.WithProfile(policy.Strict))
	if err != nil {
		t.Fatal(err)
	}
	if len(strict.Rules()) <= len(base.Rules()) {
		t.Errorf("strict runs %d rules, baseline %d: strict must add rules", len(strict.Rules()), len(base.Rules()))
	}
	for _, r := range base.Rules() {
		if r.Profile != policy.Baseline {
			t.Errorf("baseline runs %s of profile %s", r.ID, r.Profile)
		}
	}
}

func TestCrossObjectRulesSeeTheWholeInput(t *testing.T) {
	eng, err := engine.New()
	if err != nil {
		t.Fatal(err)
	}
	limitRange := `apiVersion: v1
kind: LimitRange
metadata:
  name: defaults
  namespace: shop
spec:
  limits:
    - type: Container
      default:
        memory: 512Mi
`
	has := func(objs []*manifest.Object) bool {
		out, err := eng.Evaluate(context.Background(), objs)
		fs := out.All()
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fs {
			if f.Rule == "memory-limit-missing" {
				return true
			}
		}
		return false
	}
	alone := parse(t, "d.yaml", deployment)
	if !has(alone) {
		t.Fatal("memory-limit-missing not reported without a LimitRange")
	}
	// The LimitRange comes from another file of the same run.
	if has(append(parse(t, "limits.yaml", limitRange), alone...)) {
		t.Error("memory-limit-missing reported although a LimitRange of the namespace sets a default limit")
	}
}

func TestNetworkBuiltinsAreUnavailable(t *testing.T) {
	set, err := policy.Load(fstest.MapFS{"team/rule.rego": {Data: []byte(`# METADATA
# title: Calls home
# description: A rule that tries to reach the network.
# custom:
#   id: calls-home
#   severity: low
#   profile: baseline
#   kinds: [Deployment]
#   version: 1.0.0
#   remediation: None.
package prodready.rules.calls_home

findings contains {"msg": "x"} if http.send({"method": "GET", "url": "http://127.0.0.1:1"})
`)}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := engine.New(engine.WithPolicies(set)); err == nil {
		t.Fatal("a rule calling http.send compiled")
	}
}

func TestEvaluateHonoursCancellation(t *testing.T) {
	eng, err := engine.New()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	objs := parse(t, "d.yaml", deployment)
	if _, err := eng.Evaluate(ctx, objs); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestCrossObjectRulesIgnoreInputOrder(t *testing.T) {
	eng, err := engine.New()
	if err != nil {
		t.Fatal(err)
	}
	res := manifest.Load(context.Background(), []string{"../../examples"}, manifest.Options{})
	if len(res.Objects) < 10 {
		t.Fatalf("only %d example objects", len(res.Objects))
	}
	key := func(fs []engine.Finding) map[string]bool {
		m := map[string]bool{}
		for _, f := range fs {
			m[f.Rule+" "+f.Object.String()+" "+f.Container] = true
		}
		return m
	}
	out, err := eng.Evaluate(context.Background(), res.Objects)
	forward := out.All()
	if err != nil {
		t.Fatal(err)
	}
	reversed := make([]*manifest.Object, len(res.Objects))
	for i, o := range res.Objects {
		reversed[len(res.Objects)-1-i] = o
	}
	out, err = eng.Evaluate(context.Background(), reversed)
	backward := out.All()
	if err != nil {
		t.Fatal(err)
	}
	a, b := key(forward), key(backward)
	if len(a) != len(b) {
		t.Fatalf("%d findings forward, %d reversed", len(a), len(b))
	}
	for k := range a {
		if !b[k] {
			t.Errorf("%s reported only in input order", k)
		}
	}
}

// TestObjectsThatCannotBeEvaluatedAreErrors: no silent nothing. An object
// without a value (a record of what Check read, or built by hand), or whose
// identity fields are empty or not its value's, is an error naming it; the
// other objects are still evaluated.
func TestObjectsThatCannotBeEvaluatedAreErrors(t *testing.T) {
	ctx := context.Background()
	eng, err := engine.New()
	if err != nil {
		t.Fatal(err)
	}
	good := parse(t, "deploy.yaml", deployment)
	valueOnly := &manifest.Object{Value: good[0].Value}
	wrongKind := *good[0]
	wrongKind.Kind = "StatefulSet"
	path := filepath.Join(t.TempDir(), "deploy.yaml")
	if err := os.WriteFile(path, []byte(deployment), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := eng.Check(ctx, []string{path}, manifest.Options{})
	checked := out.Read
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		obj  *manifest.Object
		want string
	}{
		{"no identity", valueOnly, "its apiVersion is empty"},
		{"wrong kind", &wrongKind, `its kind is "StatefulSet" but its value's is "Deployment"`},
		{"no value", &manifest.Object{APIVersion: "apps/v1", Kind: "Deployment", Name: "api"}, "it has no value"},
		{"a record of what Check read", checked.Objects[0], "it has no value"},
		{"nil", nil, "nil"},
	} {
		out, err := eng.Evaluate(ctx, []*manifest.Object{tt.obj, good[0]})
		findings := out.All()
		if !errors.Is(err, engine.ErrNotEvaluable) || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "object 1") {
			t.Errorf("%s: error %v, want ErrNotEvaluable naming object 1 and %q", tt.name, err, tt.want)
		}
		if len(findings) == 0 {
			t.Errorf("%s: the good object's findings are lost", tt.name)
		}
	}
}
