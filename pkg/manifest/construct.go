package manifest

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
)

// ErrNotObject is the error of FromMap and Decode for content that is not
// one complete Kubernetes object.
var ErrNotObject = errors.New("not a Kubernetes object")

// FromMap makes an Object of content: an object as Go values, as
// encoding/json or sigs.k8s.io/yaml decode it (unstructured.Unstructured's
// Object is one; package kubeobject takes the API machinery's types).
// content is copied, never kept: changing it later changes nothing in the
// Object. apiVersion and kind must be non-empty strings, and so
// metadata.name, or metadata.generateName for an object the API server has
// yet to name (as in an admission request); an error wrapping ErrNotObject
// says what is missing. The Object has no File and no Line.
func FromMap(content map[string]any) (*Object, error) {
	if content == nil {
		return nil, fmt.Errorf("%w: nil", ErrNotObject)
	}
	v, err := ast.InterfaceToValue(content)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotObject, err)
	}
	m, ok := v.(ast.Object)
	if !ok {
		return nil, fmt.Errorf("%w: not a mapping", ErrNotObject)
	}
	if err := complete(m); err != nil {
		return nil, err
	}
	return newObject("", 0, 0, str(field(m, "apiVersion")), str(field(m, "kind")), m, nil), nil
}

// Decode makes an Object of one YAML or JSON document, read as Parse reads
// a file: numbers, booleans and merge keys as Kubernetes reads them, and
// the lines of its fields in findings. It must hold exactly one complete
// object, as FromMap's: a List, several documents or a document that is
// not an object is an error (Parse reads those).
func Decode(data []byte) (*Object, error) {
	r := parse("", data, bytes.HasPrefix(bytes.TrimLeft(data, " \t\r\n\ufeff"), []byte("{")))
	switch {
	case len(r.Errors) > 0:
		return nil, r.Errors[0]
	case len(r.Objects) == 0 && len(r.Skipped) > 0:
		return nil, fmt.Errorf("%w: %s", ErrNotObject, strings.TrimPrefix(r.Skipped[0].Reason, ErrNotObject.Error()+": "))
	case len(r.Objects) != 1 || r.Objects[0].Item > 0 || len(r.Skipped) > 0:
		return nil, fmt.Errorf("%w: want one object, not %d documents or List items (Parse reads several)", ErrNotObject, len(r.Objects)+len(r.Skipped))
	}
	if err := complete(r.Objects[0].Value); err != nil {
		return nil, err
	}
	return r.Objects[0], nil
}

// complete says what m lacks to be an object to evaluate.
func complete(m ast.Object) error {
	apiVersion, kind, _, name := identity(m)
	meta, _ := field(m, "metadata").(ast.Object)
	switch {
	case apiVersion == "" && kind == "":
		return fmt.Errorf("%w: no apiVersion and no kind", ErrNotObject)
	case apiVersion == "":
		return fmt.Errorf("%w: %s has no apiVersion", ErrNotObject, kind)
	case kind == "":
		return fmt.Errorf("%w: no kind (apiVersion %s)", ErrNotObject, apiVersion)
	case name == "" && str(field(meta, "generateName")) == "":
		return fmt.Errorf("%w: %s has no metadata.name (nor generateName)", ErrNotObject, kind)
	}
	return nil
}

// str is v if it is a string, else "".
func str(v ast.Value) string {
	s, _ := v.(ast.String)
	return string(s)
}

// Validate says why o cannot be evaluated: it has no value (a record of
// what was read, or an Object built without one: FromMap makes one), its
// apiVersion or kind is empty, or its identity fields (which decide the
// rules that run and the object findings name) are not its value's. A name
// may be empty: generateName, or a tool's input such as an IstioOperator.
func (o *Object) Validate() error {
	if o.Value == nil {
		return errors.New("it has no value (a record of what was read, or built without one: see FromMap)")
	}
	apiVersion, kind, namespace, name := identity(o.Value)
	for _, f := range []struct{ what, field, value string }{
		{"apiVersion", o.APIVersion, apiVersion},
		{"kind", o.Kind, kind},
		{"metadata.name", o.Name, name},
		{"namespace", o.Namespace, namespace},
	} {
		if f.field == "" && (f.what == "apiVersion" || f.what == "kind") {
			return fmt.Errorf("its %s is empty", f.what)
		}
		if f.field != f.value {
			return fmt.Errorf("its %s is %q but its value's is %q", f.what, f.field, f.value)
		}
	}
	return nil
}
