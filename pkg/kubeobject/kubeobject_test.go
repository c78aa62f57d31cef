package kubeobject_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/prodready/prodready/pkg/kubeobject"
	"github.com/prodready/prodready/pkg/manifest"
)

// widget is a typed object as client-go's are: TypeMeta, ObjectMeta, Spec.
type widget struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              widgetSpec `json:"spec"`
}

type widgetSpec struct {
	Replicas *int32 `json:"replicas,omitempty"`
}

func (w *widget) DeepCopyObject() runtime.Object {
	c := *w
	w.ObjectMeta.DeepCopyInto(&c.ObjectMeta)
	return &c
}

var widgetKind = schema.GroupVersionKind{Group: "example.com", Version: "v1", Kind: "Widget"}

func scheme() *runtime.Scheme {
	s := runtime.NewScheme()
	s.AddKnownTypeWithName(widgetKind, &widget{})
	return s
}

func TestFromUnstructuredCopies(t *testing.T) {
	u := &unstructured.Unstructured{}
	u.SetAPIVersion("apps/v1")
	u.SetKind("Deployment")
	u.SetNamespace("shop")
	u.SetName("api")
	obj, err := kubeobject.FromUnstructured(u)
	if err != nil {
		t.Fatal(err)
	}
	want := obj.Content()
	u.SetName("changed")
	if obj.Name != "api" || !reflect.DeepEqual(obj.Content(), want) {
		t.Errorf("the object follows the Unstructured it was made of: %s %v", obj.Name, obj.Content())
	}
	u.SetName("")
	if _, err := kubeobject.FromUnstructured(u); !errors.Is(err, manifest.ErrNotObject) {
		t.Errorf("no name: %v, want ErrNotObject", err)
	}
	if _, err := kubeobject.FromRuntime(u, nil); !errors.Is(err, manifest.ErrNotObject) {
		t.Errorf("FromRuntime, no name: %v, want ErrNotObject", err)
	}
}

// TestFromRuntimeTypesTypedObjects: a typed object without TypeMeta (as
// client-go's typed clients return them) takes its apiVersion and kind
// from the scheme, and is not changed; without a scheme it is an error
// saying what to do.
func TestFromRuntimeTypesTypedObjects(t *testing.T) {
	replicas := int32(3)
	w := &widget{ObjectMeta: metav1.ObjectMeta{Name: "w", Namespace: "shop"}, Spec: widgetSpec{Replicas: &replicas}}
	if _, err := kubeobject.FromRuntime(w, nil); !errors.Is(err, manifest.ErrNotObject) || !strings.Contains(err.Error(), "give a scheme") {
		t.Errorf("no TypeMeta, no scheme: %v", err)
	}
	obj, err := kubeobject.FromRuntime(w, scheme())
	if err != nil {
		t.Fatal(err)
	}
	if obj.APIVersion != "example.com/v1" || obj.Kind != "Widget" || obj.Namespace != "shop" || obj.Name != "w" {
		t.Errorf("identity %s %s %s/%s", obj.APIVersion, obj.Kind, obj.Namespace, obj.Name)
	}
	if got := obj.Content()["spec"].(map[string]any)["replicas"]; got != int64(3) {
		t.Errorf("spec.replicas %v (%T), want 3", got, got)
	}
	if w.Kind != "" || w.APIVersion != "" {
		t.Errorf("the typed object was changed: %+v", w.TypeMeta)
	}
	w.TypeMeta = metav1.TypeMeta{APIVersion: "example.com/v1", Kind: "Widget"}
	if obj, err := kubeobject.FromRuntime(w, nil); err != nil || obj.Kind != "Widget" {
		t.Errorf("with its own TypeMeta: %+v, %v", obj, err)
	}
	if _, err := kubeobject.FromRuntime(nil, nil); !errors.Is(err, manifest.ErrNotObject) {
		t.Errorf("nil: %v", err)
	}
}
