package engine_test

import (
	"context"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/prodready/prodready/pkg/engine"
	"github.com/prodready/prodready/pkg/manifest"
)

// apiDeployment is Deployment shop/api with its pods labelled app: label.
func apiDeployment(apiVersion, label string) string {
	return `apiVersion: ` + apiVersion + `
kind: Deployment
metadata:
  name: api
  namespace: shop
spec:
  replicas: 3
  selector:
    matchLabels: {app: ` + label + `}
  template:
    metadata:
      labels: {app: ` + label + `}
    spec:
      containers:
        - name: app
          image: app:1
`
}

// budget is a PodDisruptionBudget of shop selecting app: label.
func budget(label string) string {
	return `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: api
  namespace: shop
spec:
  maxUnavailable: 1
  selector:
    matchLabels: {app: ` + label + `}
`
}

// duplicated is Deployment shop/api twice, in a.yaml (app: api) and, after
// a ConfigMap, in b.yaml (app: api-v2), and a budget in c.yaml.
func duplicated(t *testing.T, pdbLabel string) []*manifest.Object {
	t.Helper()
	objs := parse(t, "a.yaml", apiDeployment("apps/v1", "api"))
	objs = append(objs, parse(t, "b.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: api, namespace: shop}\n---\n"+apiDeployment("apps/v1", "api-v2"))...)
	return append(objs, parse(t, "c.yaml", budget(pdbLabel))...)
}

func byFile(findings []engine.Finding) map[string][]string {
	m := map[string][]string{}
	for _, f := range findings {
		m[f.File] = append(m[f.File], f.Rule)
	}
	return m
}

// TestDuplicateObjectsAreBothSeenAndWarnedAbout: two Deployments of one
// identity are one warning naming both places; the cross-object rules see
// both (a budget selecting either one's pods selects something), and each
// keeps the findings it has alone.
func TestDuplicateObjectsAreBothSeenAndWarnedAbout(t *testing.T) {
	eng, err := engine.New()
	if err != nil {
		t.Fatal(err)
	}
	for _, label := range []string{"api", "api-v2"} {
		t.Run("budget selects app="+label, func(t *testing.T) {
			out, err := eng.Evaluate(context.Background(), duplicated(t, label))
			findings, warnings := out.All(), out.Warnings
			if err != nil {
				t.Fatal(err)
			}
			rules := byFile(findings)
			if slices.Contains(rules["c.yaml"], "pdb-selector-matches-nothing") {
				t.Errorf("the budget selects the pods of the Deployment in %s, yet: %v", map[string]string{"api": "a.yaml", "api-v2": "b.yaml"}[label], findings)
			}
			for _, file := range []string{"a.yaml", "b.yaml"} {
				for _, rule := range []string{"memory-request-missing", "liveness-probe-missing"} {
					if !slices.Contains(rules[file], rule) {
						t.Errorf("the Deployment of %s lost its %s finding: %v", file, rule, rules[file])
					}
				}
			}
			// The budget covers one of them: the other has none.
			covered, other := "a.yaml", "b.yaml"
			if label == "api-v2" {
				covered, other = other, covered
			}
			if slices.Contains(rules[covered], "pdb-missing") || !slices.Contains(rules[other], "pdb-missing") {
				t.Errorf("pdb-missing on %v and %v, want on %s only", rules["a.yaml"], rules["b.yaml"], other)
			}
			if len(warnings) != 1 {
				t.Fatalf("warnings %+v, want one", warnings)
			}
			w := warnings[0]
			want := engine.Warning{
				Code: engine.WarningDuplicateObject,
				Message: "Deployment shop/api is defined twice, at a.yaml:1 (document 1) and b.yaml:5 (document 2): " +
					"they are one object to the API server, so applying both keeps only the one applied last; both were checked",
				Object: engine.ObjectRef{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "shop", Name: "api"},
				Places: []engine.Place{
					{File: "a.yaml", Document: 1, Line: 1, APIVersion: "apps/v1"},
					{File: "b.yaml", Document: 2, Line: 5, APIVersion: "apps/v1"},
				},
			}
			if !reflect.DeepEqual(w, want) {
				t.Errorf("warning\n %+v\nwant\n %+v", w, want)
			}
		})
	}
}

// TestDuplicatesWhateverTheOrder: the findings and warnings are the same
// whatever order the objects come in, through Evaluate and a Session.
func TestDuplicatesWhateverTheOrder(t *testing.T) {
	eng, err := engine.New()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	objs := duplicated(t, "api")
	out, err := eng.Evaluate(ctx, objs)
	findings, warnings := out.All(), out.Warnings
	if err != nil {
		t.Fatal(err)
	}
	reversed := slices.Clone(objs)
	slices.Reverse(reversed)
	out, err = eng.Evaluate(ctx, reversed)
	again, againWarnings := out.All(), out.Warnings
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(findings, again) || !reflect.DeepEqual(warnings, againWarnings) {
		t.Errorf("reversed input: findings or warnings differ:\n%+v\n%+v", warnings, againWarnings)
	}
	s := eng.NewSession()
	s.Visit(ctx, reversed...)
	out, err = s.Finish(ctx)
	streamed, streamedWarnings := out.All(), out.Warnings
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(findings, streamed) || !reflect.DeepEqual(warnings, streamedWarnings) {
		t.Errorf("Session: findings or warnings differ from Evaluate's:\n%+v\n%+v", warnings, streamedWarnings)
	}
}

// TestWhatIsOneIdentity: kind, namespace and name, whatever the
// apiVersion; no namespace is one; a cluster-scoped kind's namespace does
// not count; objects without a name (generateName) are not duplicates;
// every kind counts, looked up by rules or not; several places are one
// warning.
func TestWhatIsOneIdentity(t *testing.T) {
	eng, err := engine.New()
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, a, b string
		want       string // the warning's message, "" for none
	}{
		{"apiVersions", apiDeployment("apps/v1", "api"), apiDeployment("extensions/v1beta1", "api"),
			"Deployment shop/api is defined twice, at a.yaml:1 (document 1, apps/v1) and b.yaml:1 (document 1, extensions/v1beta1): they are one object"},
		{"no namespace", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\n", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\n",
			"ConfigMap settings is defined twice, at a.yaml:1 (document 1) and b.yaml:1 (document 1): written without a namespace, they are one object to the API server in whichever namespace they are applied to"},
		{"another namespace", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\n", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: shop}\n", ""},
		{"another kind", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: api, namespace: shop}\n", apiDeployment("apps/v1", "api"), ""},
		{"cluster-scoped", "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: reader, namespace: shop}\n", "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: reader}\n",
			"ClusterRole reader is defined twice, at a.yaml:1 (document 1) and b.yaml:1 (document 1): they are one object"},
		{"generateName", "apiVersion: batch/v1\nkind: Job\nmetadata: {generateName: migrate-, namespace: shop}\n", "apiVersion: batch/v1\nkind: Job\nmetadata: {generateName: migrate-, namespace: shop}\n", ""},
		{"List items", "apiVersion: v1\nkind: List\nitems:\n  - {apiVersion: v1, kind: Secret, metadata: {name: token, namespace: shop}}\n  - {apiVersion: v1, kind: Secret, metadata: {name: token, namespace: shop}}\n", "apiVersion: v1\nkind: Secret\nmetadata: {name: token, namespace: shop}\n",
			"Secret shop/token is defined 3 times, at a.yaml:4 (document 1, item 1), a.yaml:5 (document 1, item 2) and b.yaml:1 (document 1): they are one object to the API server, so applying them all keeps only the one applied last; all were checked"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			objs := append(parse(t, "a.yaml", tt.a), parse(t, "b.yaml", tt.b)...)
			out, err := eng.Evaluate(context.Background(), objs)
			warnings := out.Warnings
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case tt.want == "" && len(warnings) > 0:
				t.Errorf("warnings %+v, want none", warnings)
			case tt.want != "" && (len(warnings) != 1 || !strings.HasPrefix(warnings[0].Message, tt.want)):
				t.Errorf("warnings %+v\nwant one: %s...", warnings, tt.want)
			}
		})
	}
}

// TestInventoryHoldsEveryDuplicate: data.inventory files the first object
// of an identity (in file order) under its name, the others under keys no
// Kubernetes name has, and every object of a kind is in it.
func TestInventoryHoldsEveryDuplicate(t *testing.T) {
	objs := duplicated(t, "api")
	slices.Reverse(objs) // b.yaml's Deployment comes first
	inv := engine.Inventory(objs)
	names := inv["namespace"].(map[string]any)["shop"].(map[string]any)["apps/v1"].(map[string]any)["Deployment"].(map[string]any)
	label := func(key string) any {
		obj, _ := names[key].(map[string]any)
		return obj["spec"].(map[string]any)["selector"].(map[string]any)["matchLabels"].(map[string]any)["app"]
	}
	if len(names) != 2 || label("api") != "api" || label("api/duplicate-2") != "api-v2" {
		t.Errorf("Deployments of shop filed as %v: want a.yaml's under api, b.yaml's under api/duplicate-2", names)
	}
}

// TestManyDuplicatesAreOneReadableWarning: an object repeated many times
// is one warning with every place, whose message names the first ten.
func TestManyDuplicatesAreOneReadableWarning(t *testing.T) {
	eng, err := engine.New()
	if err != nil {
		t.Fatal(err)
	}
	src := strings.Repeat("---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: shop}\n", 25)
	out, err := eng.Evaluate(context.Background(), parse(t, "many.yaml", src))
	warnings := out.Warnings
	if err != nil {
		t.Fatal(err)
	}
	if len(warnings) != 1 || len(warnings[0].Places) != 25 {
		t.Fatalf("%d warnings, want one with 25 places: %+v", len(warnings), warnings)
	}
	want := "ConfigMap shop/settings is defined 25 times, at many.yaml:2 (document 1), many.yaml:6 (document 2), "
	if m := warnings[0].Message; !strings.HasPrefix(m, want) || !strings.Contains(m, "many.yaml:38 (document 10) and 15 other places (the warning's places list them all): ") ||
		strings.Contains(m, "document 11") {
		t.Errorf("message %q", m)
	}
}

// TestIdenticalCopiesAreFiledOnce: copies of one object with the same
// value (an install manifest and its HA variant) are one object in
// data.inventory, under its name; still one warning names them all.
func TestIdenticalCopiesAreFiledOnce(t *testing.T) {
	src := apiDeployment("apps/v1", "api")
	objs := append(parse(t, "a.yaml", src), parse(t, "b.yaml", src)...)
	objs = append(objs, parse(t, "c.yaml", apiDeployment("apps/v1", "api-v2"))...)
	inv := engine.Inventory(objs)
	names := inv["namespace"].(map[string]any)["shop"].(map[string]any)["apps/v1"].(map[string]any)["Deployment"].(map[string]any)
	if _, ok := names["api/duplicate-3"]; len(names) != 2 || names["api"] == nil || !ok {
		t.Errorf("filed under %v, want api (a.yaml's and b.yaml's, one value) and api/duplicate-3 (c.yaml's, the third place)", slices.Sorted(maps.Keys(names)))
	}
	eng, err := engine.New()
	if err != nil {
		t.Fatal(err)
	}
	out, err := eng.Evaluate(context.Background(), objs)
	warnings := out.Warnings
	if err != nil {
		t.Fatal(err)
	}
	if len(warnings) != 1 || len(warnings[0].Places) != 3 {
		t.Errorf("warnings %+v, want one with the three places", warnings)
	}
}
