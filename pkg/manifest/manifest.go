// Package manifest reads Kubernetes manifests: YAML streams and JSON files,
// from files, directories and standard input, into Objects that the policies
// evaluate.
//
// Values come out as Kubernetes itself would see them. kubectl and the API
// machinery read YAML with sigs.k8s.io/yaml, that is YAML 1.1 (yes/no/on/off
// booleans, 0644 octal, merge keys) converted through JSON; this package parses
// with go.yaml.in/yaml/v3 for its line numbers and resolves scalars with the
// YAML 1.1 rules of yaml.v2, so an Object's Content equals what the cluster
// would receive while every Object, Skipped document and Error still points
// at the exact file, document and line.
//
// Bad input is reported, never fatal: a malformed document, a binary file or
// a missing path becomes an Error, and every other document is still read.
//
// A program that holds objects already makes them with FromMap (Go values,
// copied) or Decode (one YAML or JSON object, as from an admission
// request); package kubeobject takes the API machinery's types. Objects are
// never changed once made, and may be shared by goroutines.
package manifest

import (
	"bytes"
	"errors"
	"fmt"
	"github.com/open-policy-agent/opa/v1/ast"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	yamlv2 "go.yaml.in/yaml/v2"
	"go.yaml.in/yaml/v3"
)

// Object is one Kubernetes object read from the input.
type Object struct {
	APIVersion, Kind, Namespace, Name string

	// File is the path as given, or as found under a given directory;
	// "<stdin>" for "-".
	File string
	// Doc is the 1-based index of the YAML document within File (a JSON file
	// is document 1). Items of a List keep the List's Doc.
	Doc int
	// Item is the 1-based index within the items of the List the object came
	// from; 0 when the object is not a List item.
	Item int
	// Line is the 1-based line in File where the object starts (for a List
	// item: the item's first line).
	Line int

	// Value is the object as OPA reads it: the value Kubernetes would
	// decode, built straight from the YAML. Numbers are as Kubernetes
	// decodes JSON: integral values are integers, others (and integers
	// beyond int64) floating point. Content gives it as Go values.
	Value ast.Object

	// src is the document the object was read from, for Positions.
	src *source
}

// Skipped is input that is not a Kubernetes object: a document without
// apiVersion or kind (a values file, a CI config), a document that is not a
// mapping, an empty List, or a file without any document.
type Skipped struct {
	File      string
	Doc, Line int // Doc 0: the whole file
	Reason    string
}

// Error is an input error, named by file and document.
type Error struct {
	File string
	Doc  int // 0: the whole file (or, with File "", the whole load)
	Line int // 0: unknown
	Err  error
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteString(": ")
	}
	switch {
	case e.Doc > 0 && e.Line > 0:
		fmt.Fprintf(&b, "document %d (line %d): ", e.Doc, e.Line)
	case e.Doc > 0:
		fmt.Fprintf(&b, "document %d: ", e.Doc)
	case e.Line > 0:
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Errors that callers may test for with errors.Is.
var (
	ErrNotText  = errors.New("not a text file")
	ErrTooLarge = errors.New("file too large")
	ErrTooDeep  = errors.New("document too deep")
	// ErrTooManyValues is a document too large to parse in bounded memory.
	ErrTooManyValues = errors.New("document too large")
	ErrNoManifests   = errors.New("no manifests under this directory (looked for .yaml, .yml, .json)")
	// ErrTemplate is a document that does not parse and holds {{ }}: a
	// Helm template read as a manifest.
	ErrTemplate = errors.New("a Helm template, not a manifest (check the chart's directory, which renders it, or render it: helm template NAME CHART | prodready check -)")
	// ErrEmptyStdin is standard input with nothing on it, which is what a
	// failed command before the pipe leaves.
	ErrEmptyStdin = errors.New("standard input is empty: did the command before the pipe fail? With set -o pipefail its failure fails the pipeline")
)

// Result is everything read from the input, in a deterministic order: by
// file path, then document, then List item.
type Result struct {
	Objects []*Object
	Skipped []Skipped
	Errors  []*Error

	// sources are the documents parsed whose node trees are still held.
	sources []*source
}

// Parse reads one file's bytes. The file name only labels the results, except
// that a name ending in .json marks the whole content as one JSON document.
func Parse(file string, data []byte) *Result {
	return parse(file, data, strings.EqualFold(filepath.Ext(file), ".json"))
}

// parse is Parse, told whether data is one JSON document.
func parse(file string, data []byte, json bool) *Result {
	chunks, r := splitFile(file, data, json)
	if r != nil {
		return r
	}
	r = &Result{}
	for _, c := range chunks {
		r.parseDocument(file, c, limits{DefaultMaxDepth, DefaultMaxValues})
	}
	r.release()
	return r
}

// splitFile checks a file's bytes and cuts them into documents. A file with
// no document to parse gets its Result instead: an Error if it is not text,
// a Skipped if it is empty.
func splitFile(file string, data []byte, json bool) ([]chunk, *Result) {
	// A UTF-8 byte order mark would hide a leading "---" from the splitter;
	// it carries no content.
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if bytes.IndexByte(data, 0) >= 0 || !utf8.Valid(data) {
		return nil, &Result{Errors: []*Error{{File: file, Err: ErrNotText}}}
	}
	if len(data) > 0 && data[len(data)-1] != '\n' {
		// kubectl's reader ends every line with a newline, the last one
		// too, which a block scalar ("|") at the end of the file keeps.
		data = append(data[:len(data):len(data)], '\n')
	}

	var chunks []chunk
	if json {
		if classify(data) == content {
			chunks = []chunk{{data: jsonForYAML(data), line: 1, doc: 1}}
		}
	} else {
		chunks = splitDocuments(data)
	}
	if len(chunks) == 0 {
		return nil, &Result{Skipped: []Skipped{{File: file, Reason: "empty file"}}}
	}
	return chunks, nil
}

// parseDocument parses one document and adds what it holds to r. A panic
// inside the YAML library (it has had some on hostile input) becomes an Error
// for this document alone.
func (r *Result) parseDocument(file string, c chunk, limit limits) {
	defer func() {
		if p := recover(); p != nil {
			r.Errors = append(r.Errors, &Error{File: file, Doc: c.doc, Line: c.line,
				Err: fmt.Errorf("internal error in the YAML parser: %v", p)})
		}
	}()

	if c.yamlLines == nil { // a rendered document brings its own
		c.yamlLines = yamlLineTable(c.data)
	}
	if n := estimateValues(c.data); n > limit.values {
		r.Errors = append(r.Errors, &Error{File: file, Doc: c.doc, Line: c.line,
			Err: fmt.Errorf("%w: about %d values (lines and commas), over the limit of %d", ErrTooManyValues, n, limit.values)})
		return
	}
	var root yaml.Node
	if err := yaml.Unmarshal(c.data, &root); err != nil {
		line, err := syntaxError(c, err)
		switch {
		case strings.Contains(err.Error(), "exceeded max depth of"):
			// The parser stops at its own limit, before the tree that
			// maxDepth is checked on is built: still the same error.
			err = fmt.Errorf("%w: nested more than %d levels deep", ErrTooDeep, min(limit.depth, parserMaxDepth))
		default:
			err = templateHint(c, err)
		}
		r.Errors = append(r.Errors, &Error{File: file, Doc: c.doc, Line: line, Err: err})
		return
	}
	if root.Kind != yaml.DocumentNode || len(root.Content) == 0 {
		return // nothing but comments and markers: not a document worth a word
	}
	n := root.Content[0]
	conv := &converter{chunk: &c, maxDepth: limit.depth}
	// The source keeps its own copy of the document: sharing the file's
	// bytes would keep a whole file (a multi-megabyte install.yaml) in
	// memory for the sake of one object kept from it.
	src := &source{chunk: c}
	src.chunk.data = bytes.Clone(c.data)
	src.live.Store(n)
	r.sources = append(r.sources, src)
	switch n.Kind {
	case yaml.MappingNode:
		v, err := conv.value(n)
		if err != nil {
			r.addConvError(file, c, err)
			return
		}
		r.addObject(file, c.doc, conv.line(n), conv, n, v.Value.(ast.Object), src)
	case yaml.SequenceNode:
		// A bare sequence of objects (a JSON array of objects) is read like
		// the items of a List; any other sequence is data, not an object.
		v, err := conv.value(n)
		if err != nil {
			r.addConvError(file, c, err)
			return
		}
		items := v.Value.(*ast.Array)
		if !hasObject(items) {
			r.Skipped = append(r.Skipped, Skipped{File: file, Doc: c.doc, Line: conv.line(n), Reason: "not a mapping"})
			return
		}
		r.addItems(file, c.doc, conv.line(n), items, conv, n, src)
	default:
		r.Skipped = append(r.Skipped, Skipped{File: file, Doc: c.doc, Line: conv.line(n), Reason: "not a mapping"})
	}
}

func (r *Result) addConvError(file string, c chunk, err error) {
	line := c.line
	var ne *nodeError
	if errors.As(err, &ne) {
		line, err = ne.line, ne.err
	}
	r.Errors = append(r.Errors, &Error{File: file, Doc: c.doc, Line: line, Err: templateHint(c, err)})
}

// templateHint says, of a document that could not be read and holds
// {{ }}, that it is a Helm template.
func templateHint(c chunk, err error) error {
	if bytes.Contains(c.data, []byte("{{")) {
		return fmt.Errorf("%w: %w", ErrTemplate, err)
	}
	return err
}

// addObject adds the mapping m, parsed from node n, as an Object, expands it
// if it is a List, or records why it is not an object.
func (r *Result) addObject(file string, doc, line int, conv *converter, n *yaml.Node, m ast.Object, src *source) {
	apiVersion, kind, reason, err := typeOf(m)
	switch {
	case err != nil:
		r.Errors = append(r.Errors, &Error{File: file, Doc: doc, Line: line, Err: err})
		return
	case reason != "":
		r.Skipped = append(r.Skipped, Skipped{File: file, Doc: doc, Line: line, Reason: reason})
		return
	case strings.HasPrefix(apiVersion, "kustomize.config.k8s.io/"):
		r.Skipped = append(r.Skipped, Skipped{File: file, Doc: doc, Line: line, Reason: "a kustomize " + kind + ", not an object: check its directory, which builds it"})
		return
	}
	if items, ok := field(m, "items").(*ast.Array); ok && strings.HasSuffix(kind, "List") {
		if items.Len() == 0 {
			r.Skipped = append(r.Skipped, Skipped{File: file, Doc: doc, Line: line, Reason: "empty " + kind})
			return
		}
		r.addItems(file, doc, line, items, conv, itemsNode(n), src)
		return
	}
	if kind == "List" {
		if isNull(field(m, "items")) {
			r.Skipped = append(r.Skipped, Skipped{File: file, Doc: doc, Line: line, Reason: "empty List"})
		} else {
			r.Errors = append(r.Errors, &Error{File: file, Doc: doc, Line: line, Err: errors.New("items of a List must be a sequence")})
		}
		return
	}
	r.Objects = append(r.Objects, newObject(file, doc, line, apiVersion, kind, m, src))
}

// addItems adds the items of a List, or of a bare sequence of objects; seq is
// the sequence node they came from, for their lines (without it, they get
// the List's line). Items are taken as they are: one that is itself a List
// is not expanded again, and one without apiVersion or kind (as in a typed
// list from the API) is skipped.
func (r *Result) addItems(file string, doc, listLine int, items *ast.Array, conv *converter, seq *yaml.Node, src *source) {
	src.seq = true
	for i := range items.Len() {
		line := listLine
		if seq != nil && len(seq.Content) == items.Len() {
			line = conv.line(seq.Content[i])
		}
		m, ok := items.Elem(i).Value.(ast.Object)
		if !ok {
			r.Skipped = append(r.Skipped, Skipped{File: file, Doc: doc, Line: line, Reason: fmt.Sprintf("item %d: not a mapping", i+1)})
			continue
		}
		apiVersion, kind, reason, err := typeOf(m)
		switch {
		case err != nil:
			r.Errors = append(r.Errors, &Error{File: file, Doc: doc, Line: line, Err: fmt.Errorf("item %d: %w", i+1, err)})
		case reason != "":
			r.Skipped = append(r.Skipped, Skipped{File: file, Doc: doc, Line: line, Reason: fmt.Sprintf("item %d: %s", i+1, reason)})
		default:
			o := newObject(file, doc, line, apiVersion, kind, m, src)
			o.Item = i + 1
			r.Objects = append(r.Objects, o)
		}
	}
}

func newObject(file string, doc, line int, apiVersion, kind string, m ast.Object, src *source) *Object {
	_, _, namespace, name := identity(m)
	return &Object{
		APIVersion: apiVersion, Kind: kind, Namespace: namespace, Name: name,
		File: file, Doc: doc, Line: line, Value: m, src: src,
	}
}

// identity reads an object's apiVersion, kind, metadata.namespace and
// metadata.name from its value, as Load fills in an Object's fields: ""
// where one is absent or not a string.
func identity(m ast.Object) (apiVersion, kind, namespace, name string) {
	meta, _ := field(m, "metadata").(ast.Object)
	return str(field(m, "apiVersion")), str(field(m, "kind")), str(field(meta, "namespace")), str(field(meta, "name"))
}

// field is the value of key in m; nil when m is nil or has no such key.
func field(m ast.Object, key string) ast.Value {
	if m == nil {
		return nil
	}
	if t := m.Get(stringTerm(key)); t != nil {
		return t.Value
	}
	return nil
}

func isNull(v ast.Value) bool {
	_, null := v.(ast.Null)
	return v == nil || null
}

// typeOf reads apiVersion and kind. A mapping without them is not an object
// (reason says why); one with them of the wrong type is an error, since it
// means to be an object and Kubernetes would reject it.
func typeOf(m ast.Object) (apiVersion, kind, reason string, err error) {
	av, k := field(m, "apiVersion"), field(m, "kind")
	hasAV, hasKind := !isNull(av), !isNull(k)
	switch {
	case !hasAV && !hasKind:
		return "", "", "not a Kubernetes object: no apiVersion and no kind", nil
	case !hasAV:
		return "", "", "not a Kubernetes object: no apiVersion", nil
	case !hasKind:
		return "", "", "not a Kubernetes object: no kind", nil
	}
	s, ok := av.(ast.String)
	if !ok || s == "" {
		return "", "", "", fmt.Errorf("apiVersion must be a non-empty string, not %v", av)
	}
	apiVersion = string(s)
	if s, ok = k.(ast.String); !ok || s == "" {
		return "", "", "", fmt.Errorf("kind must be a non-empty string, not %v", k)
	}
	return apiVersion, string(s), "", nil
}

func hasObject(items *ast.Array) bool {
	for i := range items.Len() {
		if m, ok := items.Elem(i).Value.(ast.Object); ok && !isNull(field(m, "apiVersion")) && !isNull(field(m, "kind")) {
			return true
		}
	}
	return false
}

// itemsNode finds the node of the "items" sequence in a List mapping, for the
// lines of the items; nil if it is not plainly there (say, it came through a
// merge key).
func itemsNode(n *yaml.Node) *yaml.Node {
	var found *yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i]; k.Kind == yaml.ScalarNode && k.Value == "items" {
			found = n.Content[i+1]
		}
	}
	if found != nil && found.Kind == yaml.AliasNode {
		found = found.Alias
	}
	if found == nil || found.Kind != yaml.SequenceNode {
		return nil
	}
	return found
}

// syntaxError explains why a document could not be parsed, at the line of
// the problem. yaml.v3 names the line before the block that holds the
// problem, which can be far from it; yaml.v2, the parser kubectl uses, names
// the problem's own line (0-based for parser errors, 1-based for scanner
// errors: libyaml's marks are 0-based and only the scanner's get fixed). So
// the document is parsed again with yaml.v2, on this error path only, for
// its message and line. The result is the line in the file and the message.
func syntaxError(c chunk, v3err error) (int, error) {
	err := v3err
	var discard any
	if v2err := yamlv2.Unmarshal(c.data, &discard); v2err != nil {
		err = v2err
	}
	rest, ok := strings.CutPrefix(err.Error(), "yaml: line ")
	if !ok {
		return c.line, err // no line given: the first line, or no place
	}
	num, msg, _ := strings.Cut(rest, ": ")
	line, convErr := strconv.Atoi(num)
	if convErr != nil {
		return c.line, err
	}
	if parserProblems[msg] {
		line++
	}
	// The end of the stream can be a line past the document's last.
	return min(c.fileLine(line), c.line+lineCount(c.data)-1), errors.New("yaml: " + msg)
}

// limits bound what one document may cost (Options.MaxDepth, MaxValues).
type limits struct {
	depth, values int
}

// estimateValues bounds how many values a document holds from above: in
// block style a value takes a line of its own or shares it with its key,
// in flow style commas separate them.
func estimateValues(data []byte) int {
	return 2 * (bytes.Count(data, []byte{'\n'}) + bytes.Count(data, []byte{','}) + 1)
}

// parserMaxDepth is how deep the YAML parsers (yaml.v2 and yaml.v3) let
// documents nest, whatever MaxDepth says.
const parserMaxDepth = 10000

// parserProblems are libyaml's parser (not scanner) error messages.
var parserProblems = map[string]bool{
	"did not find expected <stream-start>":   true,
	"did not find expected <document start>": true,
	"did not find expected node content":     true,
	"did not find expected key":              true,
	"did not find expected '-' indicator":    true,
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"found duplicate %YAML directive":        true,
	"found incompatible YAML document":       true,
	"found duplicate %TAG directive":         true,
	"found undefined tag handle":             true,
}

// lineCount is the number of lines in b, the last one with or without its
// newline; at least 1.
func lineCount(b []byte) int {
	// A line ends at "\n", "\r\n" or, as YAML reads it, a lone "\r".
	n := bytes.Count(b, []byte("\n")) + bytes.Count(b, []byte("\r")) - bytes.Count(b, []byte("\r\n"))
	if len(b) > 0 && b[len(b)-1] != '\n' && b[len(b)-1] != '\r' {
		n++
	}
	return max(n, 1)
}

// Content is the object as Go values, JSON-compatible: map[string]any,
// []any, string, int64, float64, bool and nil; integral numbers are int64.
// It is built from Value on each call: evaluation never needs it.
func (o *Object) Content() map[string]any {
	if o.Value == nil {
		return nil
	}
	m, _ := toGo(o.Value).(map[string]any)
	return m
}

func toGo(v ast.Value) any {
	switch v := v.(type) {
	case ast.Null:
		return nil
	case ast.Boolean:
		return bool(v)
	case ast.String:
		return string(v)
	case ast.Number:
		if i, ok := v.Int64(); ok {
			return i
		}
		f, _ := v.Float64()
		return f
	case *ast.Array:
		s := make([]any, v.Len())
		for i := range s {
			s[i] = toGo(v.Elem(i).Value)
		}
		return s
	case ast.Object:
		m := make(map[string]any, v.Len())
		v.Foreach(func(k, e *ast.Term) {
			key, _ := k.Value.(ast.String)
			m[string(key)] = toGo(e.Value)
		})
		return m
	}
	return nil
}

// record is a copy of o without its value and document, that says what
// was read: its Content is nil and its Positions give its Line.
func (o *Object) record() *Object {
	r := *o
	r.Value, r.src = nil, nil
	return &r
}
