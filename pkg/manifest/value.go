package manifest

import (
	"encoding/base64"
	"fmt"
	"github.com/open-policy-agent/opa/v1/ast"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// This file turns a yaml.v3 node tree into the value Kubernetes would get
// from the same text. Kubernetes reads YAML with sigs.k8s.io/yaml: yaml.v2
// (YAML 1.1) decodes it, the result is marshalled to JSON, and the API
// machinery decodes that JSON. yaml.v3 parses the same syntax but resolves
// plain scalars by YAML 1.2 rules (yes and on stay strings, for one) and
// merges keys in another order, so the scalar resolution and merge rules
// below are yaml.v2's, and the numbers are what the JSON round trip leaves.

// nodeError is a conversion error at a node's line.
type nodeError struct {
	line int
	err  error
}

func (e *nodeError) Error() string { return fmt.Sprintf("line %d: %v", e.line, e.err) }
func (e *nodeError) Unwrap() error { return e.err }

// converter converts the nodes of one document.
type converter struct {
	chunk *chunk // the document, for the lines of its nodes in the file

	// Alias expansion is counted as yaml.v2 and yaml.v3 count it, and refused
	// past the same ratio, so that a "billion laughs" document of a few
	// hundred bytes cannot expand into gigabytes.
	decodeCount, aliasCount, aliasDepth int
	expanding                           map[*yaml.Node]bool // anchors being expanded, to refuse cycles

	// depth is how deep the node being converted nests, refused past maxDepth.
	depth, maxDepth int
}

// line is n's line in the file.
func (c *converter) line(n *yaml.Node) int { return c.chunk.fileLine(n.Line) }

func (c *converter) errorf(n *yaml.Node, format string, args ...any) error {
	return &nodeError{line: c.line(n), err: fmt.Errorf(format, args...)}
}

// count counts one decoded node and fails once aliases make up too much of
// the document (the rule and numbers of yaml.v2 and yaml.v3).
func (c *converter) count(n *yaml.Node) error {
	c.decodeCount++
	if c.aliasDepth > 0 {
		c.aliasCount++
	}
	if c.aliasCount > 100 && c.decodeCount > 1000 && float64(c.aliasCount)/float64(c.decodeCount) > allowedAliasRatio(c.decodeCount) {
		return c.errorf(n, "document contains excessive aliasing")
	}
	return nil
}

func allowedAliasRatio(decodeCount int) float64 {
	const low, high = 400_000, 4_000_000
	switch {
	case decodeCount <= low:
		return 0.99 // small documents may be almost all aliases
	case decodeCount >= high:
		return 0.10
	default:
		return 0.99 - 0.89*float64(decodeCount-low)/float64(high-low)
	}
}

// value converts a node to the term OPA evaluates: the value Kubernetes
// would decode, built directly as an ast value (no Go maps, no JSON).
func (c *converter) value(n *yaml.Node) (*ast.Term, error) {
	if err := c.count(n); err != nil {
		return nil, err
	}
	if n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode {
		if c.maxDepth > 0 && c.depth >= c.maxDepth {
			return nil, &nodeError{line: c.line(n), err: fmt.Errorf("%w: nested more than %d levels deep", ErrTooDeep, c.maxDepth)}
		}
		c.depth++
		defer func() { c.depth-- }()
	}
	switch n.Kind {
	case yaml.ScalarNode:
		return c.scalar(n)
	case yaml.MappingNode:
		obj := ast.NewObjectWithCapacity(len(n.Content) / 2)
		return ast.NewTerm(obj), c.fill(n, obj)
	case yaml.SequenceNode:
		s := make([]*ast.Term, len(n.Content))
		for i, e := range n.Content {
			v, err := c.value(e)
			if err != nil {
				return nil, err
			}
			s[i] = v
		}
		return ast.ArrayTerm(s...), nil
	case yaml.AliasNode:
		var v *ast.Term
		err := c.expand(n, func(target *yaml.Node) (err error) {
			v, err = c.value(target)
			return err
		})
		return v, err
	}
	return nil, c.errorf(n, "unexpected YAML node kind %v", n.Kind)
}

// expand runs f on the node an alias refers to, counting what it decodes as
// alias expansion.
func (c *converter) expand(alias *yaml.Node, f func(*yaml.Node) error) error {
	target := alias.Alias
	if c.expanding[target] {
		return c.errorf(alias, "anchor '%s' value contains itself", alias.Value)
	}
	if c.expanding == nil {
		c.expanding = make(map[*yaml.Node]bool)
	}
	c.expanding[target] = true
	c.aliasDepth++
	err := f(target)
	c.aliasDepth--
	delete(c.expanding, target)
	return err
}

// fill sets the pairs of mapping n into out, in order, as yaml.v2 does: a
// merge key ("<<") sets the keys of the merged mappings at its place, so it
// overrides keys before it and is overridden by keys after it. A key given
// twice in one mapping is an error (yaml.v2 would keep the last silently;
// the YAML spec and Kubernetes' strict decoding reject it).
func (c *converter) fill(n *yaml.Node, out ast.Object) error {
	// Duplicates are found by looking in out, unless out can hold keys that
	// did not come from n's own pairs: keys of an enclosing mapping (n is
	// being merged) or merged ones.
	var seen map[string]bool
	if out.Len() > 0 || hasMergeKey(n) {
		seen = make(map[string]bool, len(n.Content)/2)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		kn, vn := n.Content[i], n.Content[i+1]
		if isMergeKey(kn) {
			if err := c.merge(vn, out); err != nil {
				return err
			}
			continue
		}
		k, err := c.key(kn)
		if err != nil {
			return err
		}
		kt := stringTerm(k)
		dup := false
		if seen != nil {
			dup = seen[k]
			seen[k] = true
		} else {
			dup = out.Get(kt) != nil
		}
		if dup {
			return c.duplicate(n, i)
		}
		v, err := c.value(vn)
		if err != nil {
			return err
		}
		out.Insert(kt, v)
	}
	return nil
}

// duplicate reports that the key at n.Content[i] was given before.
func (c *converter) duplicate(n *yaml.Node, i int) error {
	k, _ := c.key(n.Content[i])
	for j := 0; j < i; j += 2 {
		if prev, err := c.key(n.Content[j]); err == nil && prev == k && !isMergeKey(n.Content[j]) {
			return c.errorf(n.Content[i], "mapping key %q already defined at line %d", k, c.line(n.Content[j]))
		}
	}
	return c.errorf(n.Content[i], "mapping key %q already defined", k)
}

// merge applies the value of a merge key: a mapping, an alias of one, or a
// sequence of those, where earlier mappings win (yaml.v2 applies them last
// to first).
func (c *converter) merge(n *yaml.Node, out ast.Object) error {
	if err := c.count(n); err != nil {
		return err
	}
	switch n.Kind {
	case yaml.MappingNode:
		return c.fill(n, out)
	case yaml.AliasNode:
		if n.Alias.Kind != yaml.MappingNode {
			break
		}
		return c.expand(n, func(target *yaml.Node) error { return c.fill(target, out) })
	case yaml.SequenceNode:
		for i := len(n.Content) - 1; i >= 0; i-- {
			e := n.Content[i]
			if e.Kind != yaml.MappingNode && (e.Kind != yaml.AliasNode || e.Alias.Kind != yaml.MappingNode) {
				return c.errorf(e, "map merge requires map or sequence of maps as the value")
			}
			if err := c.merge(e, out); err != nil {
				return err
			}
		}
		return nil
	}
	return c.errorf(n, "map merge requires map or sequence of maps as the value")
}

func hasMergeKey(n *yaml.Node) bool {
	for i := 0; i < len(n.Content); i += 2 {
		if isMergeKey(n.Content[i]) {
			return true
		}
	}
	return false
}

// isMergeKey is yaml.v2's test: "<<" plain and untagged, or tagged !!merge.
func isMergeKey(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Value == "<<" && (isPlain(n) || n.Tag == "!!merge")
}

// isPlain reports whether a scalar is plain and untagged, the only kind that
// YAML resolves by its text (a quoted "yes" is a string).
func isPlain(n *yaml.Node) bool {
	return n.Style&(yaml.TaggedStyle|yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) == 0
}

// key converts a mapping key to the string JSON needs, as sigs.k8s.io/yaml
// does: numbers and booleans are written out, null is refused.
func (c *converter) key(n *yaml.Node) (string, error) {
	if err := c.count(n); err != nil {
		return "", err
	}
	if n.Kind == yaml.AliasNode {
		var k string
		err := c.expand(n, func(target *yaml.Node) (err error) {
			k, err = c.key(target)
			return err
		})
		return k, err
	}
	if n.Kind != yaml.ScalarNode {
		return "", c.errorf(n, "invalid map key: a %s cannot be a key", kindName(n.Kind))
	}
	v, err := resolveScalar(n)
	if err != nil {
		return "", c.errorf(n, "%v", err)
	}
	switch v := v.(type) {
	case string:
		return v, nil
	case int64:
		return strconv.FormatInt(v, 10), nil
	case float64:
		// sigs.k8s.io/yaml formats float keys at 32-bit precision.
		switch s := strconv.FormatFloat(v, 'g', -1, 32); s {
		case "+Inf":
			return ".inf", nil
		case "-Inf":
			return "-.inf", nil
		case "NaN":
			return ".nan", nil
		default:
			return s, nil
		}
	case bool:
		return strconv.FormatBool(v), nil
	}
	return "", c.errorf(n, "unsupported map key %q", n.Value)
}

func kindName(k yaml.Kind) string {
	switch k {
	case yaml.MappingNode:
		return "mapping"
	case yaml.SequenceNode:
		return "sequence"
	}
	return "node"
}

// scalar converts a scalar value to what the JSON round trip leaves of it.
func (c *converter) scalar(n *yaml.Node) (*ast.Term, error) {
	v, err := resolveScalar(n)
	if err != nil {
		return nil, c.errorf(n, "%v", err)
	}
	switch v := v.(type) {
	case nil:
		return ast.NullTerm(), nil
	case bool:
		return ast.InternedTerm(v), nil
	case string:
		return stringTerm(v), nil
	case int64:
		return intTerm(v), nil
	case uint64:
		return floatTerm(float64(v)), nil // beyond int64: JSON decoding falls back to float64
	case float64:
		if math.IsInf(v, 0) || math.IsNaN(v) {
			return nil, c.errorf(n, "%s is not a JSON number", n.Value)
		}
		// JSON writes 2.0 as 2, which Kubernetes decodes as an integer.
		if v == math.Trunc(v) && v >= math.MinInt64 && v < math.MaxInt64 {
			return intTerm(int64(v)), nil
		}
		return floatTerm(v), nil
	}
	return nil, c.errorf(n, "unsupported scalar %q", n.Value)
}

func intTerm(i int64) *ast.Term {
	if ast.HasInternedIntNumberTerm(int(i)) {
		return ast.InternedTerm(int(i))
	}
	return ast.NewTerm(ast.Number(strconv.FormatInt(i, 10)))
}

// floatTerm writes f as encoding/json does, which is how OPA reads it.
func floatTerm(f float64) *ast.Term {
	v, _ := ast.InterfaceToValue(f) // finite: never fails
	return ast.NewTerm(v)
}

// resolveScalar gives a scalar's value by yaml.v2's YAML 1.1 rules, the ones
// Kubernetes applies: string, int64, uint64, float64, bool or nil.
// Timestamps stay strings, as yaml.v2 keeps them when decoding to any.
func resolveScalar(n *yaml.Node) (any, error) {
	tag := ""
	if n.Style&yaml.TaggedStyle != 0 {
		tag = n.Tag
	} else if !isPlain(n) {
		return n.Value, nil // quoted or block: a string
	}
	rtag, v, err := resolve(tag, n.Value)
	if err != nil {
		return nil, err
	}
	switch rtag {
	case binaryTag:
		data, err := base64.StdEncoding.DecodeString(n.Value)
		if err != nil {
			return nil, fmt.Errorf("!!binary value contains invalid base64 data")
		}
		return validUTF8(data), nil
	case timestampTag:
		return n.Value, nil
	}
	return v, nil
}

// validUTF8 replaces each invalid byte with U+FFFD, as encoding/json does
// when it writes a string.
func validUTF8(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	var s strings.Builder
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		s.WriteRune(r) // RuneError for an invalid byte
		b = b[size:]
	}
	return s.String()
}

const (
	strTag       = "!!str"
	boolTag      = "!!bool"
	intTag       = "!!int"
	floatTag     = "!!float"
	nullTag      = "!!null"
	timestampTag = "!!timestamp"
	binaryTag    = "!!binary"
	mergeTag     = "!!merge"
)

// resolveTable and resolveMap are yaml.v2's (YAML 1.1) plain scalar tables.
var (
	resolveTable = func() (t [256]byte) {
		t['+'], t['-'] = 'S', 'S' // sign
		for _, c := range "0123456789" {
			t[c] = 'D' // digit
		}
		for _, c := range "yYnNtTfFoO~" {
			t[c] = 'M' // in resolveMap
		}
		t['.'] = '.' // float, maybe in resolveMap
		return t
	}()

	resolveMap = func() map[string]resolved {
		m := map[string]resolved{}
		for _, item := range []struct {
			v     any
			tag   string
			words []string
		}{
			{true, boolTag, []string{"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"}},
			{false, boolTag, []string{"n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"}},
			{nil, nullTag, []string{"", "~", "null", "Null", "NULL"}},
			{math.NaN(), floatTag, []string{".nan", ".NaN", ".NAN"}},
			{math.Inf(+1), floatTag, []string{".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"}},
			{math.Inf(-1), floatTag, []string{"-.inf", "-.Inf", "-.INF"}},
			{"<<", mergeTag, []string{"<<"}},
		} {
			for _, w := range item.words {
				m[w] = resolved{item.tag, item.v}
			}
		}
		return m
	}()

	yamlStyleFloat = regexp.MustCompile(`^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`)
)

type resolved struct {
	tag string
	v   any
}

// resolve is yaml.v2's resolve, kept step for step (ints are int64 here):
// it gives the tag and value of a scalar with the given explicit tag ("" for
// none), and fails if an explicit tag does not fit the text.
func resolve(tag, in string) (string, any, error) {
	switch tag {
	case "", strTag, boolTag, intTag, floatTag, nullTag, timestampTag:
	default:
		return tag, in, nil // !!binary, custom tags: the text itself
	}
	rtag, v := resolvePlain(tag, in)
	switch {
	case tag == "" || tag == rtag || tag == strTag:
		return rtag, v, nil
	case tag == floatTag && rtag == intTag:
		if i, ok := v.(int64); ok {
			return floatTag, float64(i), nil
		}
	}
	return "", nil, fmt.Errorf("cannot decode %s `%s` as a %s", rtag, in, tag)
}

func resolvePlain(tag, in string) (string, any) {
	hint := byte('N')
	if in != "" {
		hint = resolveTable[in[0]]
	}
	if hint == 0 || tag == strTag {
		return strTag, in
	}
	if item, ok := resolveMap[in]; ok {
		return item.tag, item.v
	}
	switch hint {
	case '.':
		if f, err := strconv.ParseFloat(in, 64); err == nil {
			return floatTag, f
		}
	case 'D', 'S':
		// Only plain scalars and explicit timestamps are tried as times.
		if tag == "" || tag == timestampTag {
			if isTimestamp(in) {
				return timestampTag, in
			}
		}
		plain := strings.ReplaceAll(in, "_", "")
		if i, err := strconv.ParseInt(plain, 0, 64); err == nil {
			return intTag, i
		}
		if u, err := strconv.ParseUint(plain, 0, 64); err == nil {
			return intTag, u
		}
		if yamlStyleFloat.MatchString(plain) {
			if f, err := strconv.ParseFloat(plain, 64); err == nil {
				return floatTag, f
			}
		}
		if strings.HasPrefix(plain, "0b") {
			if i, err := strconv.ParseInt(plain[2:], 2, 64); err == nil {
				return intTag, i
			}
			if u, err := strconv.ParseUint(plain[2:], 2, 64); err == nil {
				return intTag, u
			}
		} else if strings.HasPrefix(plain, "-0b") {
			if i, err := strconv.ParseInt("-"+plain[3:], 2, 64); err == nil {
				return intTag, i
			}
		}
	}
	return strTag, in
}

// timestampFormats are the ones yaml.v2 recognizes.
var timestampFormats = []string{
	"2006-1-2T15:4:5.999999999Z07:00",
	"2006-1-2t15:4:5.999999999Z07:00",
	"2006-1-2 15:4:5.999999999",
	"2006-1-2",
}

// isTimestamp is yaml.v2's parseTimestamp, without keeping the time.
func isTimestamp(s string) bool {
	i := 0
	for ; i < len(s); i++ {
		if c := s[i]; c < '0' || c > '9' {
			break
		}
	}
	if i != 4 || i == len(s) || s[i] != '-' {
		return false // all formats start with YYYY-
	}
	for _, format := range timestampFormats {
		if _, err := time.Parse(format, s); err == nil {
			return true
		}
	}
	return false
}
