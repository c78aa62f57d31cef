// Package kubeobject makes the objects prodready evaluates out of the API
// machinery's types: an *unstructured.Unstructured from a dynamic client or
// an informer, or a typed object (a *appsv1.Deployment) from client-go.
// It is a package of its own so that programs that use none of these types
// do not link the API machinery's runtime for them.
package kubeobject

import (
	"errors"
	"fmt"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/prodready/prodready/pkg/manifest"
)

// FromUnstructured makes an Object of u, as manifest.FromMap does of its
// content, which is copied.
func FromUnstructured(u *unstructured.Unstructured) (*manifest.Object, error) {
	if u == nil {
		return nil, fmt.Errorf("%w: nil", manifest.ErrNotObject)
	}
	return manifest.FromMap(u.Object)
}

// FromRuntime makes an Object of obj, a typed object or an unstructured
// one. Typed objects from client-go come without their apiVersion and kind
// (their TypeMeta is empty): typer, a *runtime.Scheme that knows obj's type
// (client-go's scheme.Scheme, or one built with the types' AddToScheme),
// fills them in; it may be nil for objects that carry their own. obj is
// read, never changed.
func FromRuntime(obj runtime.Object, typer runtime.ObjectTyper) (*manifest.Object, error) {
	if obj == nil {
		return nil, fmt.Errorf("%w: nil", manifest.ErrNotObject)
	}
	if u, ok := obj.(*unstructured.Unstructured); ok {
		return FromUnstructured(u)
	}
	content, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		return nil, fmt.Errorf("%w: %T: %v", manifest.ErrNotObject, obj, err)
	}
	if gvk := obj.GetObjectKind().GroupVersionKind(); gvk.Kind == "" || gvk.Version == "" {
		if typer == nil {
			return nil, fmt.Errorf("%w: %T has no apiVersion and kind (typed objects from client-go come without them): give a scheme that knows the type", manifest.ErrNotObject, obj)
		}
		kinds, _, err := typer.ObjectKinds(obj)
		if err != nil {
			return nil, fmt.Errorf("%w: %T: %v", manifest.ErrNotObject, obj, err)
		}
		if len(kinds) == 0 {
			return nil, fmt.Errorf("%w: %T: %v", manifest.ErrNotObject, obj, errors.New("the scheme knows no kind for it"))
		}
		content["apiVersion"], content["kind"] = kinds[0].GroupVersion().String(), kinds[0].Kind
	}
	return manifest.FromMap(content)
}
