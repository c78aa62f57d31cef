package main

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"

	"github.com/prodready/prodready/pkg/kubeobject"
	"github.com/prodready/prodready/pkg/manifest"
)

// TestTypedAndMapObjectsAreJudgedAlike: the typed Deployment and its map
// twin get the same rules' findings, the ones a bare one-replica
// Deployment deserves.
func TestTypedAndMapObjectsAreJudgedAlike(t *testing.T) {
	findings, err := evaluate(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	byObject := map[string][]string{}
	for _, f := range findings {
		byObject[f.Object.Name] = append(byObject[f.Object.Name], f.Rule+"/"+f.Container)
	}
	typed, fromMap := byObject["api-typed"], byObject["api-map"]
	slices.Sort(typed)
	slices.Sort(fromMap)
	if !reflect.DeepEqual(typed, fromMap) {
		t.Errorf("typed %v, map %v: want the same findings", typed, fromMap)
	}
	for _, want := range []string{"single-replica/", "readiness-probe-missing/app", "memory-request-missing/app"} {
		if !slices.Contains(typed, want) {
			t.Errorf("findings %v lack %s", typed, want)
		}
	}
}

// TestIncompleteObjectsAreErrors: a typed object without a scheme to name
// its kind, or an object without a name, is an error saying so.
func TestIncompleteObjectsAreErrors(t *testing.T) {
	if _, err := kubeobject.FromRuntime(typedDeployment("api"), nil); !errors.Is(err, manifest.ErrNotObject) {
		t.Errorf("typed object without a scheme: %v, want ErrNotObject", err)
	}
	m := mapDeployment("api")
	delete(m["metadata"].(map[string]any), "name")
	if _, err := manifest.FromMap(m); !errors.Is(err, manifest.ErrNotObject) {
		t.Errorf("object without a name: %v, want ErrNotObject", err)
	}
}
