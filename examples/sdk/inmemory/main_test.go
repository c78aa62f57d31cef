package main

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/prodready/prodready/pkg/engine"
	"github.com/prodready/prodready/pkg/kubeobject"
	"github.com/prodready/prodready/pkg/manifest"
)

// TestTypedAndMapAreJudgedAlike: the typed Deployment and its map twin get
// the very same findings, those a bare one-replica Deployment deserves.
func TestTypedAndMapAreJudgedAlike(t *testing.T) {
	eng, err := engine.New()
	if err != nil {
		t.Fatal(err)
	}
	d := typedDeployment()
	typed, err := kubeobject.FromRuntime(d, scheme)
	if err != nil {
		t.Fatal(err)
	}
	if d.Kind != "" || d.APIVersion != "" {
		t.Errorf("FromRuntime set the typed object's TypeMeta to %v: it must only read it", d.TypeMeta)
	}
	if typed.APIVersion != "apps/v1" || typed.Kind != "Deployment" {
		t.Errorf("typed object is %s %s, want apps/v1 Deployment from the scheme", typed.APIVersion, typed.Kind)
	}
	fromMap, err := manifest.FromMap(mapDeployment())
	if err != nil {
		t.Fatal(err)
	}
	typedFindings := evaluate(t, eng, typed)
	if mapFindings := evaluate(t, eng, fromMap); !reflect.DeepEqual(typedFindings, mapFindings) {
		t.Errorf("typed and map Deployments differ:\ntyped %+v\nmap   %+v", typedFindings, mapFindings)
	}

	var got []string
	for _, f := range typedFindings {
		if f.Object.String() != "Deployment/shop/api" {
			t.Errorf("finding on %s, want Deployment/shop/api", f.Object)
		}
		got = append(got, f.Rule)
	}
	want := []string{
		"cpu-request-missing", "memory-request-missing", "memory-limit-missing", // no resources
		"liveness-probe-missing", "readiness-probe-missing", // no probes, and a port
		"single-replica", // replicas: 1
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("rules %q, want %q", got, want)
	}
}

// TestIncompleteObjectsAreErrors: an object without a name, or a typed
// object whose kind no scheme names, is an error wrapping ErrNotObject.
func TestIncompleteObjectsAreErrors(t *testing.T) {
	m := mapDeployment()
	delete(m["metadata"].(map[string]any), "name")
	if _, err := manifest.FromMap(m); !errors.Is(err, manifest.ErrNotObject) || !strings.Contains(err.Error(), "metadata.name") {
		t.Errorf("object without a name: %v, want ErrNotObject naming metadata.name", err)
	}
	if _, err := kubeobject.FromRuntime(typedDeployment(), nil); !errors.Is(err, manifest.ErrNotObject) {
		t.Errorf("typed object without a scheme: %v, want ErrNotObject", err)
	}
}

// TestRun: the program prints both evaluations and the error.
func TestRun(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"typed Deployment: 6 findings", "map Deployment: 6 findings", "high readiness-probe-missing Deployment/shop/api", "without a name: not a Kubernetes object"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func evaluate(t *testing.T, eng *engine.Engine, obj *manifest.Object) []engine.Finding {
	t.Helper()
	res, err := eng.Evaluate(context.Background(), []*manifest.Object{obj})
	if err != nil {
		t.Fatal(err)
	}
	return res.Findings
}
