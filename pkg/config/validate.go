package config

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/selection"

	"github.com/prodready/prodready/internal/suggest"
)

// validator checks a YAML node tree against a schema written by Schema:
// the subset of JSON Schema it uses ($ref to $defs, type, properties,
// additionalProperties, propertyNames, required, enum, items, minItems,
// pattern, format date), so that a file is checked against the very
// schema that is published, and every problem is reported at its line.
type validator struct {
	defs     map[string]any
	problems []problem
}

// problem is one thing wrong with a configuration, at path (as
// rules.single-replica.parameters.minReplicas) on line.
type problem struct {
	line int
	path string
	msg  string
}

func (v *validator) add(n *yaml.Node, path, format string, args ...any) {
	v.problems = append(v.problems, problem{line: n.Line, path: path, msg: fmt.Sprintf(format, args...)})
}

func (v *validator) validate(s map[string]any, n *yaml.Node, path string) {
	n = resolve(n)
	if ref, ok := s["$ref"].(string); ok {
		name := strings.TrimPrefix(ref, "#/$defs/")
		before := len(v.problems)
		v.validate(v.defs[name].(map[string]any), n, path)
		// A selector of the right shape may still say what Kubernetes
		// refuses (a bad label key, In without values).
		if name == "labelSelector" && len(v.problems) == before {
			v.selector(n, path)
		}
		return
	}
	if t, ok := s["type"].(string); ok && !hasType(n, t) {
		v.add(n, path, "want %s, got %s", article(t), describe(n))
		return
	}
	switch n.Kind {
	case yaml.MappingNode:
		v.object(s, n, path)
	case yaml.SequenceNode:
		v.array(s, n, path)
	case yaml.ScalarNode:
		v.scalar(s, n, path)
	}
}

func (v *validator) object(s map[string]any, n *yaml.Node, path string) {
	props, _ := s["properties"].(map[string]any)
	names, _ := s["propertyNames"].(map[string]any)
	firstLine := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := resolve(n.Content[i]), n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			v.add(k, path, "want a plain key, got %s", describe(k))
			continue
		}
		key, keyPath := k.Value, join(path, k.Value)
		if line, dup := firstLine[key]; dup {
			v.add(k, keyPath, "duplicate key (first at line %d)", line)
			continue
		}
		firstLine[key] = k.Line
		if names != nil {
			before := len(v.problems)
			if v.validate(names, k, keyPath); len(v.problems) > before {
				continue
			}
		}
		if ps, ok := props[key].(map[string]any); ok {
			v.validate(ps, val, keyPath)
			continue
		}
		switch extra := s["additionalProperties"].(type) {
		case map[string]any:
			v.validate(extra, val, keyPath)
		case bool:
			if !extra {
				v.add(k, keyPath, "unknown key %q%s (known: %s)", key, suggest.DidYouMean(key, sortedKeys(props)), strings.Join(sortedKeys(props), ", "))
			}
		}
	}
	required, _ := s["required"].([]any)
	for _, r := range required {
		if _, ok := firstLine[r.(string)]; !ok {
			v.add(n, path, "%q is required", r)
		}
	}
}

func (v *validator) array(s map[string]any, n *yaml.Node, path string) {
	if min, ok := s["minItems"].(int); ok && len(n.Content) < min {
		v.add(n, path, "want at least %d item(s), got %d", min, len(n.Content))
	}
	if items, ok := s["items"].(map[string]any); ok {
		for i, item := range n.Content {
			v.validate(items, item, fmt.Sprintf("%s[%d]", path, i))
		}
	}
}

func (v *validator) scalar(s map[string]any, n *yaml.Node, path string) {
	if enum, ok := s["enum"].([]any); ok && !slices.Contains(enum, any(n.Value)) {
		if _, titled := s["title"]; !titled {
			v.add(n, path, "want one of %s, got %s", choices(enum), describe(n))
			return
		}
		var names []string
		for _, e := range enum {
			if name, ok := e.(string); ok {
				names = append(names, name)
			}
		}
		v.add(n, path, "%s is not %s%s", describe(n), s["title"], suggest.DidYouMean(n.Value, names))
		return
	}
	if p, ok := s["pattern"].(string); ok {
		re, err := regexp.Compile(p)
		if err != nil {
			v.add(n, path, "the schema's pattern %q does not compile: %v", p, err)
			return
		}
		if !re.MatchString(n.Value) {
			v.notA(s, n, path)
			return
		}
	}
	if s["format"] == "date" {
		if _, err := time.Parse(time.DateOnly, n.Value); err != nil {
			v.notA(s, n, path)
		}
	}
}

// notA reports a value that is not what the schema's title names.
func (v *validator) notA(s map[string]any, n *yaml.Node, path string) {
	what, ok := s["title"].(string)
	if !ok {
		what = "valid"
	}
	v.add(n, path, "%s is not %s", describe(n), what)
}

// selectorOperators are the matchExpressions operators, as
// metav1.LabelSelectorAsSelector maps them.
var selectorOperators = map[string]selection.Operator{
	"In":           selection.In,
	"NotIn":        selection.NotIn,
	"Exists":       selection.Exists,
	"DoesNotExist": selection.DoesNotExist,
}

// selector checks a label selector the way the API server does (the same
// checks as metav1.LabelSelectorAsSelector), entry by entry, so that each
// problem has its own line.
func (v *validator) selector(n *yaml.Node, path string) {
	for i := 0; i+1 < len(n.Content); i += 2 {
		field, val := n.Content[i].Value, resolve(n.Content[i+1])
		switch field {
		case "matchLabels":
			for j := 0; j+1 < len(val.Content); j += 2 {
				k, value := val.Content[j], resolve(val.Content[j+1])
				if _, err := labels.NewRequirement(k.Value, selection.Equals, []string{value.Value}); err != nil {
					v.add(k, join(join(path, field), k.Value), "invalid label selector: %v", err)
				}
			}
		case "matchExpressions":
			for j, item := range val.Content {
				var req Requirement
				if err := resolve(item).Decode(&req); err != nil {
					v.add(item, fmt.Sprintf("%s.%s[%d]", path, field, j), "%v", err)
					continue
				}
				if _, err := labels.NewRequirement(req.Key, selectorOperators[req.Operator], req.Values); err != nil {
					v.add(item, fmt.Sprintf("%s.%s[%d]", path, field, j), "invalid label selector: %v", err)
				}
			}
		}
	}
}

func resolve(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// hasType reports whether n is of JSON Schema type t. A YAML timestamp
// (an unquoted 2027-03-31) is a string, as in JSON; .inf and .nan are not
// numbers, as they are not in JSON.
func hasType(n *yaml.Node, t string) bool {
	tag := ""
	if n.Kind == yaml.ScalarNode {
		tag = n.ShortTag()
	}
	switch t {
	case "object":
		return n.Kind == yaml.MappingNode
	case "array":
		return n.Kind == yaml.SequenceNode
	case "string":
		return tag == "!!str" || tag == "!!timestamp"
	case "integer":
		return tag == "!!int"
	case "number":
		return tag == "!!int" || tag == "!!float" && finite(n.Value)
	case "boolean":
		return tag == "!!bool"
	case "null":
		return tag == "!!null"
	}
	return false
}

func finite(s string) bool {
	lower := strings.ToLower(s)
	return !strings.Contains(lower, "inf") && !strings.Contains(lower, "nan")
}

func article(t string) string {
	switch t {
	case "integer", "array", "object":
		return "an " + t
	}
	return "a " + t
}

// describe shows a value in a message: a string quoted, another scalar as
// written, a mapping or sequence by its JSON kind.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "an object"
	case yaml.SequenceNode:
		return "an array"
	}
	switch n.ShortTag() {
	case "!!str", "!!timestamp":
		return strconv.Quote(n.Value)
	case "!!null":
		return "null"
	}
	return n.Value
}

func choices(enum []any) string {
	s := make([]string, len(enum))
	for i, e := range enum {
		s[i] = fmt.Sprint(e)
	}
	if len(s) < 2 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
}

// join appends a key to a path; keys that hold dots or slashes (label
// keys such as app.kubernetes.io/name) are bracketed to stay readable.
func join(path, key string) string {
	if strings.ContainsAny(key, "./ []") {
		return fmt.Sprintf("%s[%q]", path, key)
	}
	if path == "" {
		return key
	}
	return path + "." + key
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
