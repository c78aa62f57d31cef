package manifest_test

import (
	"context"
	"fmt"

	"github.com/prodready/prodready/pkg/manifest"
)

// Make an object of the Go values a program holds (decoded JSON, an
// unstructured object's content); it is copied.
func ExampleFromMap() {
	obj, err := manifest.FromMap(map[string]any{
		"apiVersion": "v1",
		"kind":       "Service",
		"metadata":   map[string]any{"name": "web", "namespace": "shop"},
	})
	fmt.Println(obj.Kind, obj.Namespace, obj.Name, err)

	_, err = manifest.FromMap(map[string]any{"apiVersion": "v1", "kind": "Service"})
	fmt.Println(err)
	// Output:
	// Service shop web <nil>
	// not a Kubernetes object: Service has no metadata.name (nor generateName)
}

// Decode one object from YAML or JSON (an admission request's object),
// read as Kubernetes reads it, with the lines of its fields.
func ExampleDecode() {
	obj, err := manifest.Decode([]byte(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 3
`))
	if err != nil {
		panic(err)
	}
	line, _ := obj.Positions().Line("spec", "replicas")
	fmt.Println(obj.Kind, obj.Name, "replicas on line", line)
	// Output:
	// Deployment api replicas on line 6
}

// Load files, directories and standard input ("-"): every object, every
// document that is no object, every input error, each named by file and
// document.
func ExampleLoad() {
	res := manifest.Load(context.Background(), []string{"../../examples/demo", "missing.yaml"}, manifest.Options{})
	for _, o := range res.Objects {
		fmt.Printf("%s:%d %s/%s\n", o.File, o.Line, o.Kind, o.Name)
	}
	for _, e := range res.Errors {
		fmt.Println("error:", e)
	}
	// Output:
	// ../../examples/demo/shop.yaml:16 Deployment/checkout-api
	// ../../examples/demo/shop.yaml:56 Deployment/recommendations
	// error: missing.yaml: no such file or directory
}
