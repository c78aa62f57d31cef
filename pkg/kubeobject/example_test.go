package kubeobject_test

import (
	"fmt"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/prodready/prodready/pkg/kubeobject"
)

// An object from a dynamic client or an informer.
func ExampleFromUnstructured() {
	u := &unstructured.Unstructured{}
	u.SetAPIVersion("apps/v1")
	u.SetKind("Deployment")
	u.SetNamespace("shop")
	u.SetName("api")
	obj, err := kubeobject.FromUnstructured(u)
	fmt.Println(obj.APIVersion, obj.Kind, obj.Namespace, obj.Name, err)
	// Output:
	// apps/v1 Deployment shop api <nil>
}

// A typed object from client-go, which comes without apiVersion and kind:
// a scheme that knows its type names them (client-go's scheme.Scheme, or
// runtime.NewScheme with the types' AddToScheme).
func ExampleFromRuntime() {
	w := &widget{}
	w.Name, w.Namespace = "w", "shop"
	obj, err := kubeobject.FromRuntime(w, scheme())
	fmt.Println(obj.APIVersion, obj.Kind, obj.Name, err)
	// Output:
	// example.com/v1 Widget w <nil>
}
