package engine

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/prodready/prodready/pkg/manifest"
)

// A finding says which field it is about with "field", a path of keys and
// indices ("field": ["spec", "minAvailable"]), and with "container". With a
// container, "field" is a path into that container ("field":
// ["livenessProbe"]), so that rules, which see containers by name, need not
// know where the pod template is or the container's index; without one, a
// path into the object. A finding with neither is about the whole object.

// locator resolves findings' fields to lines for one object, parsing its
// document at most once, and only when a finding names a field.
type locator struct {
	obj *manifest.Object
	pos *manifest.Positions
}

// locate gives the field a finding is about, in words, the line where it
// is written (else the line of the deepest part of it that is, else the
// object's), and where its value came from when a renderer said so (a
// chart's values, an overlay's patch).
func (l *locator) locate(body map[string]any) (field string, line int, note string) {
	path, words := l.path(body)
	if path == nil {
		return "", l.obj.Line, ""
	}
	if l.pos == nil {
		l.pos = l.obj.Positions()
	}
	line, _ = l.pos.Line(path...)
	return words, line, l.pos.Note(path...)
}

// path is the finding's field as a path into the object and in words;
// nil when it names none, or a container the object does not have.
func (l *locator) path(body map[string]any) ([]any, string) {
	rel, ok := fieldOf(body["field"])
	if !ok {
		return nil, ""
	}
	name, _ := body["container"].(string)
	if name == "" {
		if len(rel) == 0 {
			return nil, ""
		}
		return rel, words(rel, "")
	}
	base, ok := containerPath(l.obj, name)
	if !ok {
		return nil, ""
	}
	path := append(base, rel...)
	return path, words(path, name)
}

// fieldOf reads a finding's "field": absent is the empty path; a value that
// is not an array of strings and non-negative integers is ignored (ok false).
func fieldOf(v any) ([]any, bool) {
	if v == nil {
		return nil, true
	}
	elems, ok := v.([]any)
	if !ok {
		return nil, false
	}
	path := make([]any, len(elems))
	for i, e := range elems {
		switch e := e.(type) {
		case string:
			path[i] = e
		case json.Number:
			n, err := strconv.Atoi(string(e))
			if err != nil || n < 0 {
				return nil, false
			}
			path[i] = n
		default:
			return nil, false
		}
	}
	return path, true
}

// containerLists are the fields of a pod spec that hold containers, in the
// order a name is looked up in.
var containerLists = []string{"containers", "initContainers", "ephemeralContainers"}

// containerPath is the path to the container named name in obj's pod
// template, where lib.prodready.workload finds the template for its kind.
func containerPath(obj *manifest.Object, name string) ([]any, bool) {
	var spec []any
	switch obj.Kind {
	case "Pod":
		spec = []any{"spec"}
	case "CronJob":
		spec = []any{"spec", "jobTemplate", "spec", "template", "spec"}
	default:
		spec = []any{"spec", "template", "spec"}
	}
	if obj.Value == nil {
		return nil, false
	}
	ref := make(ast.Ref, len(spec))
	for i, key := range spec {
		ref[i] = ast.StringTerm(key.(string))
	}
	podSpec, err := obj.Value.Find(ref)
	if err != nil {
		return nil, false
	}
	for _, list := range containerLists {
		containers, err := podSpec.Find(ast.Ref{ast.StringTerm(list)})
		if err != nil {
			continue
		}
		arr, _ := containers.(*ast.Array)
		for i := range arr.Len() {
			if c, ok := arr.Elem(i).Value.(ast.Object); ok && ast.String(name).Equal(valueOf(c.Get(ast.StringTerm("name")))) {
				return append(spec, list, i), true
			}
		}
	}
	return nil, false
}

func valueOf(t *ast.Term) ast.Value {
	if t == nil {
		return nil
	}
	return t.Value
}

// words writes a path for people: spec.template.spec.containers[app].resources,
// with the container (named container) by name, other indices as [2], and
// keys that are not plain words quoted: metadata.annotations["prodready.dev/exempt"].
func words(path []any, container string) string {
	var b strings.Builder
	for i, elem := range path {
		switch elem := elem.(type) {
		case int:
			if container != "" && i > 0 && isContainerList(path[i-1]) {
				b.WriteString("[" + container + "]")
			} else {
				b.WriteString("[" + strconv.Itoa(elem) + "]")
			}
		case string:
			if plainKey(elem) {
				if i > 0 {
					b.WriteByte('.')
				}
				b.WriteString(elem)
			} else {
				b.WriteString("[" + strconv.Quote(elem) + "]")
			}
		}
	}
	return b.String()
}

func isContainerList(elem any) bool {
	s, ok := elem.(string)
	return ok && slices.Contains(containerLists, s)
}

func plainKey(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r == '_' || r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}
