package manifest

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"

	"sigs.k8s.io/yaml"
)

// summary renders a Result one line per entry, so that a test states all of
// it: "obj doc.item@line Kind/name", "skip doc@line reason", "err doc@line
// message".
func summary(r *Result) []string {
	var out []string
	for _, o := range r.Objects {
		out = append(out, fmt.Sprintf("obj %d.%d@%d %s/%s", o.Doc, o.Item, o.Line, o.Kind, o.Name))
	}
	for _, s := range r.Skipped {
		out = append(out, fmt.Sprintf("skip %d@%d %s", s.Doc, s.Line, s.Reason))
	}
	for _, e := range r.Errors {
		out = append(out, fmt.Sprintf("err %d@%d %v", e.Doc, e.Line, e.Err))
	}
	return out
}

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		file string // default "f.yaml"
		in   string
		want []string
	}{
		{
			name: "documents with comments, exact lines",
			in: `# Copyright header
# more header

apiVersion: v1
kind: ConfigMap
metadata:
  name: one
---
# leading comment

apiVersion: v1 # trailing comment
kind: Service
metadata: {name: two}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: three
`,
			want: []string{"obj 1.0@4 ConfigMap/one", "obj 2.0@11 Service/two", "obj 3.0@15 Deployment/three"},
		},
		{
			name: "leading marker",
			in:   "---\napiVersion: v1\nkind: A\nmetadata: {name: a}\n---\napiVersion: v1\nkind: B\n",
			want: []string{"obj 1.0@2 A/a", "obj 2.0@6 B/"},
		},
		{
			name: "marker with a comment or content",
			in:   "--- # first\napiVersion: v1\nkind: A\n--- {apiVersion: v1, kind: B}\n---\t# tab\nkind: C\napiVersion: v1\n",
			want: []string{"obj 1.0@2 A/", "obj 2.0@4 B/", "obj 3.0@6 C/"},
		},
		{
			name: "trailing and repeated markers",
			in:   "apiVersion: v1\nkind: A\n---\n---\n# only a comment\n---\napiVersion: v1\nkind: B\n---\n",
			want: []string{"obj 1.0@1 A/", "obj 4.0@7 B/"},
		},
		{
			name: "end markers",
			in:   "apiVersion: v1\nkind: A\n...\n# between\n---\napiVersion: v1\nkind: B\n...\n",
			want: []string{"obj 1.0@1 A/", "obj 2.0@6 B/"},
		},
		{
			name: "directive before a document",
			in:   "%YAML 1.1\n---\napiVersion: v1\nkind: A\n",
			want: []string{"obj 1.0@3 A/"},
		},
		{
			name: "a dash line that is not a marker",
			in:   "apiVersion: v1\nkind: A\ndata:\n  x: |\n    ---\n    ----\n----: 1\n",
			want: []string{"obj 1.0@1 A/"},
		},
		{
			name: "CRLF line ends and a byte order mark",
			in:   "\xef\xbb\xbfapiVersion: v1\r\nkind: A\r\n---\r\napiVersion: v1\r\nkind: B\r\n",
			want: []string{"obj 1.0@1 A/", "obj 2.0@4 B/"},
		},
		{
			// YAML counts a line break at LS (U+2028) and a lone CR; lines
			// here are counted by "\n", as kubectl and editors count them.
			name: "line separators that YAML counts and files do not",
			in:   "apiVersion: v1\nkind: A\nnote: \"one\u2028two\"\rx: 1\ndata:\n  k: 1\n  k: 2\n---\napiVersion: v1\nkind: B\n",
			want: []string{"obj 2.0@8 B/", `err 1@6 mapping key "k" already defined at line 5`},
		},
		{
			name: "JSON file",
			file: "pod.json",
			in:   "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"Pod\",\n  \"metadata\": {\"name\": \"p\"}\n}\n",
			want: []string{"obj 1.0@1 Pod/p"},
		},
		{
			name: "JSON content in a YAML file",
			in:   "{\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {\"name\": \"p\"}}\n---\n{\"apiVersion\": \"v1\", \"kind\": \"Service\"}",
			want: []string{"obj 1.0@1 Pod/p", "obj 2.0@3 Service/"},
		},
		{
			name: "List items with their own lines",
			in: `apiVersion: v1
kind: ConfigMap
metadata: {name: first}
---
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Service
  metadata:
    name: svc
-
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: dep}
`,
			want: []string{"obj 1.0@1 ConfigMap/first", "obj 2.1@8 Service/svc", "obj 2.2@13 Deployment/dep"},
		},
		{
			name: "typed List in JSON",
			file: "list.json",
			in: `{"apiVersion": "apps/v1", "kind": "DeploymentList", "items": [
  {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "a"}},

  {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "b"}}
]}`,
			want: []string{"obj 1.1@2 Deployment/a", "obj 1.2@4 Deployment/b"},
		},
		{
			name: "List items that are not objects",
			in:   "apiVersion: v1\nkind: List\nitems:\n- 42\n- name: x\n- apiVersion: v1\n  kind: A\n",
			want: []string{"obj 1.3@6 A/", "skip 1@4 item 1: not a mapping", "skip 1@5 item 2: not a Kubernetes object: no apiVersion and no kind"},
		},
		{
			name: "empty List",
			in:   "apiVersion: v1\nkind: List\nitems: []\n",
			want: []string{"skip 1@1 empty List"},
		},
		{
			name: "a kind ending in List without items is an object",
			in:   "apiVersion: example.com/v1\nkind: AllowList\nspec: {}\n",
			want: []string{"obj 1.0@1 AllowList/"},
		},
		{
			name: "bare sequence of objects",
			file: "array.json",
			in:   "[\n{\"apiVersion\": \"v1\", \"kind\": \"A\"},\n{\"apiVersion\": \"v1\", \"kind\": \"B\"}\n]",
			want: []string{"obj 1.1@2 A/", "obj 1.2@3 B/"},
		},
		{
			name: "scalar and sequence documents",
			in:   "just a string\n---\n- a\n- b\n---\napiVersion: v1\nkind: A\n",
			want: []string{"obj 3.0@6 A/", "skip 1@1 not a mapping", "skip 2@3 not a mapping"},
		},
		{
			name: "values file and CI config are skipped",
			in:   "replicaCount: 1\nimage: {repository: nginx}\n---\nstages: [build]\nkind: pipeline\n---\napiVersion: v1\n",
			want: []string{"skip 1@1 not a Kubernetes object: no apiVersion and no kind", "skip 2@4 not a Kubernetes object: no apiVersion", "skip 3@7 not a Kubernetes object: no kind"},
		},
		{
			name: "missing metadata.name is still an object",
			in:   "apiVersion: v1\nkind: Namespace\n---\napiVersion: v1\nkind: Pod\nmetadata: {namespace: ns}\n",
			want: []string{"obj 1.0@1 Namespace/", "obj 2.0@4 Pod/"},
		},
		{
			name: "apiVersion that is not a string",
			in:   "apiVersion: [v1]\nkind: Pod\n",
			want: []string{"err 1@1 apiVersion must be a non-empty string, not [\"v1\"]"},
		},
		{
			name: "malformed middle document",
			in:   "apiVersion: v1\nkind: A\n---\napiVersion: v1\nkind: B\nmetadata:\n  name: b\n labels: {}\n---\napiVersion: v1\nkind: C\n",
			want: []string{"obj 1.0@1 A/", "obj 3.0@10 C/", "err 2@8 yaml: did not find expected key"},
		},
		{
			name: "unclosed flow mapping",
			in:   "apiVersion: v1\nkind: A\nmetadata: {name: a\nspec: {}\n",
			want: []string{"err 1@4 yaml: did not find expected ',' or '}'"},
		},
		{
			name: "scanner error",
			in:   "apiVersion: v1\nkind: A\nmetadata: @x\n",
			want: []string{"err 1@3 yaml: found character that cannot start any token"},
		},
		{
			name: "duplicate keys",
			in:   "apiVersion: v1\nkind: A\nmetadata:\n  name: a\n  name: b\n---\napiVersion: v1\nkind: B\n",
			want: []string{"obj 2.0@7 B/", `err 1@5 mapping key "name" already defined at line 4`},
		},
		{
			name: "keys equal once written as strings are duplicates",
			in:   "apiVersion: v1\nkind: A\ndata:\n  1: a\n  \"1\": b\n",
			want: []string{`err 1@5 mapping key "1" already defined at line 4`},
		},
		{
			name: "a merge may override without being a duplicate",
			in:   "apiVersion: v1\nkind: A\nbase: &b {x: 1}\ndata:\n  x: 0\n  <<: *b\n",
			want: []string{"obj 1.0@1 A/"},
		},
		{
			name: "unknown anchor",
			in:   "apiVersion: v1\nkind: A\ndata: *nope\n",
			want: []string{"err 1@1 yaml: unknown anchor 'nope' referenced"},
		},
		{
			name: "infinity is not JSON",
			in:   "apiVersion: v1\nkind: A\nx: .inf\n",
			want: []string{"err 1@3 .inf is not a JSON number"},
		},
		{
			name: "null key",
			in:   "apiVersion: v1\nkind: A\ndata:\n  ~: x\n",
			want: []string{`err 1@4 unsupported map key "~"`},
		},
		{
			name: "alias bomb",
			in: `apiVersion: v1
kind: A
a: &a [x, x, x, x, x, x, x, x, x, x]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h, *h]
`,
			want: []string{"err 1@3 document contains excessive aliasing"},
		},
		{
			name: "anchor that contains itself",
			in:   "apiVersion: v1\nkind: A\na: &a [*a]\n",
			want: []string{"err 1@3 anchor 'a' value contains itself"},
		},
		{
			name: "empty file",
			in:   "",
			want: []string{"skip 0@0 empty file"},
		},
		{
			name: "comments and markers only",
			in:   "# apiVersion: v1\n# kind: Secret\n---\n\n--- # nothing\n...\n",
			want: []string{"skip 0@0 empty file"},
		},
		{
			name: "empty JSON file",
			file: "e.json",
			in:   "  \n",
			want: []string{"skip 0@0 empty file"},
		},
		{
			name: "NUL bytes",
			in:   "apiVersion: v1\nkind: A\x00\n",
			want: []string{"err 0@0 not a text file"},
		},
		{
			name: "invalid UTF-8",
			in:   "apiVersion: v1\nkind: \xff\xfe\n",
			want: []string{"err 0@0 not a text file"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := tt.file
			if file == "" {
				file = "f.yaml"
			}
			r := Parse(file, []byte(tt.in))
			if got := summary(r); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got\n\t%s\nwant\n\t%s", strings.Join(got, "\n\t"), strings.Join(tt.want, "\n\t"))
			}
			for _, o := range r.Objects {
				if o.File != file {
					t.Errorf("object File %q, want %q", o.File, file)
				}
			}
			for _, e := range r.Errors {
				if e.File != file {
					t.Errorf("error File %q, want %q", e.File, file)
				}
			}
		})
	}
}

// TestValues checks Content against what Kubernetes (sigs.k8s.io/yaml and
// the API machinery's JSON decoding) makes of YAML 1.1 quirks.
func TestValues(t *testing.T) {
	tests := []struct {
		name string
		yaml string // the value of key v
		want any
	}{
		{"octal file mode", "0644", int64(420)},
		{"octal with 0o", "0o644", int64(420)},
		{"hex", "0x1F", int64(31)},
		{"binary", "0b101", int64(5)},
		{"underscores", "1_000", int64(1000)},
		{"plus sign", "+12", int64(12)},
		{"decimal int", "8080", int64(8080)},
		{"leading zero, not octal", "08", int64(8)},
		{"negative", "-3", int64(-3)},
		{"float", "0.5", 0.5},
		{"integral float becomes an integer, as JSON does", "2.0", int64(2)},
		{"exponent", "1e3", int64(1000)},
		{"beyond int64", "99999999999999999999", 1e20},
		{"beyond uint64", "999999999999999999999", 1e21},
		{"yes", "yes", true},
		{"On", "On", true},
		{"n", "n", false},
		{"OFF", "OFF", false},
		{"y is true", "y", true},
		{"quoted yes stays a string", `"yes"`, "yes"},
		{"single-quoted number stays a string", `'0644'`, "0644"},
		{"null", "null", nil},
		{"tilde", "~", nil},
		{"empty", "", nil},
		{"timestamp stays its text", "2001-12-14t21:59:43.10-05:00", "2001-12-14t21:59:43.10-05:00"},
		{"date stays its text", "2024-01-02", "2024-01-02"},
		{"version-like string", "1.2.3", "1.2.3"},
		{"explicit str tag", "!!str 0644", "0644"},
		{"explicit int tag on a quoted string", `!!int "42"`, int64(42)},
		{"explicit float tag", "!!float 3", int64(3)},
		{"custom tag keeps the text", "!Ref 12", "12"},
		{"binary tag", "!!binary aGVsbG8=", "hello"},
		{"block scalar", "|\n  line1\n  line2", "line1\nline2\n"},
		{"folded scalar", ">-\n  a\n  b", "a b"},
		{"flow sequence", "[1, two, 3.5, true]", []any{int64(1), "two", 3.5, true}},
		{"empty sequence", "[]", []any{}},
		{"non-string keys", "{1: a, 1.5: b, true: c, no: d}", map[string]any{"1": "a", "1.5": "b", "true": "c", "false": "d"}},
		{"timestamp key", "{2001-01-01: x}", map[string]any{"2001-01-01": "x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := "apiVersion: v1\nkind: A\nv: " + tt.yaml + "\n"
			r := Parse("v.yaml", []byte(in))
			if len(r.Objects) != 1 {
				t.Fatalf("got %v", summary(r))
			}
			got := r.Objects[0].Content()["v"]
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("v: %s = %#v, want %#v", tt.yaml, got, tt.want)
			}
			// Kubernetes' library agrees (it makes every number a float64).
			var ref map[string]any
			if err := yaml.Unmarshal([]byte(in), &ref); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(normalize(got), ref["v"]) {
				t.Errorf("v: %s = %#v, sigs.k8s.io/yaml gives %#v", tt.yaml, got, ref["v"])
			}
		})
	}
}

func TestAnchorsAndMerges(t *testing.T) {
	in := `apiVersion: v1
kind: A
defaults: &defaults
  image: nginx
  replicas: 1
extra: &extra
  replicas: 9
  port: 80
after:
  <<: *defaults
  replicas: 3
before:
  replicas: 3
  <<: *defaults
many:
  <<: [*extra, *defaults]
inline:
  <<: {a: 1}
  b: 2
alias: *defaults
`
	r := Parse("m.yaml", []byte(in))
	if len(r.Objects) != 1 {
		t.Fatalf("got %v", summary(r))
	}
	c := r.Objects[0].Content()
	want := map[string]any{
		// keys after a merge override it
		"after": map[string]any{"image": "nginx", "replicas": int64(3)},
		// yaml.v2 (and so Kubernetes) lets a merge override keys before it
		"before": map[string]any{"image": "nginx", "replicas": int64(1)},
		// in a merge list, earlier mappings win
		"many":   map[string]any{"image": "nginx", "replicas": int64(9), "port": int64(80)},
		"inline": map[string]any{"a": int64(1), "b": int64(2)},
		"alias":  map[string]any{"image": "nginx", "replicas": int64(1)},
	}
	for k, w := range want {
		if !reflect.DeepEqual(c[k], w) {
			t.Errorf("%s = %#v, want %#v", k, c[k], w)
		}
	}
	var ref map[string]any
	if err := yaml.Unmarshal([]byte(in), &ref); err != nil {
		t.Fatal(err)
	}
	if d := firstDiff("", normalize(c), ref); d != "" {
		t.Errorf("differs from sigs.k8s.io/yaml: %s", d)
	}
	// An alias is a copy: changing one use must not change another.
	c["alias"].(map[string]any)["image"] = "changed"
	if c["defaults"].(map[string]any)["image"] != "nginx" {
		t.Error("an alias shares its map with its anchor")
	}
}

func TestMergeErrors(t *testing.T) {
	for _, in := range []string{
		"apiVersion: v1\nkind: A\nx:\n  <<: 1\n",
		"apiVersion: v1\nkind: A\ns: &s [1]\nx:\n  <<: *s\n",
		"apiVersion: v1\nkind: A\nx:\n  <<: [{a: 1}, 2]\n",
	} {
		r := Parse("m.yaml", []byte(in))
		if len(r.Errors) != 1 || !strings.Contains(r.Errors[0].Error(), "map merge requires map or sequence of maps") {
			t.Errorf("%q: got %v", in, summary(r))
		}
	}
}

func TestJSONEscapes(t *testing.T) {
	in := `{"apiVersion": "v1", "kind": "A", "url": "http:\/\/x\/y", "emoji": "\ud83d\ude00", "lone": "\ud800!", "backslash": "a\\/b", "plain": "\u00e9"}`
	r := Parse("e.json", []byte(in))
	if len(r.Objects) != 1 {
		t.Fatalf("got %v", summary(r))
	}
	want := map[string]any{"url": "http://x/y", "emoji": "😀", "lone": "\uFFFD!", "backslash": `a\/b`, "plain": "é"}
	for k, w := range want {
		if got := r.Objects[0].Content()[k]; got != w {
			t.Errorf("%s = %q, want %q", k, got, w)
		}
	}
}

func TestLastLineKeepsItsNewline(t *testing.T) {
	// kubectl ends the last line with a newline even when the file does not.
	r := Parse("f.yaml", []byte("apiVersion: v1\nkind: A\nscript: |\n  echo hi"))
	if got := r.Objects[0].Content()["script"]; got != "echo hi\n" {
		t.Errorf("script = %q, want %q", got, "echo hi\n")
	}
}

func TestObjectFields(t *testing.T) {
	r := Parse("f.yaml", []byte("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: prod\nspec:\n  replicas: 2\n"))
	want := &Object{
		APIVersion: "apps/v1", Kind: "Deployment", Namespace: "prod", Name: "web",
		File: "f.yaml", Doc: 1, Line: 1,
	}
	content := map[string]any{
		"apiVersion": "apps/v1", "kind": "Deployment",
		"metadata": map[string]any{"name": "web", "namespace": "prod"},
		"spec":     map[string]any{"replicas": int64(2)},
	}
	if len(r.Objects) != 1 {
		t.Fatalf("got %d objects, want 1", len(r.Objects))
	}
	got := *r.Objects[0]
	if !reflect.DeepEqual(got.Content(), content) {
		t.Errorf("content %#v\nwant %#v", got.Content(), content)
	}
	if want := ast.MustParseTerm(`{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "prod"}, "spec": {"replicas": 2}}`); got.Value.Compare(want.Value) != 0 {
		t.Errorf("value %v, want %v", got.Value, want)
	}
	got.src, got.Value = nil, nil // the document's text, for Positions; the value
	if !reflect.DeepEqual(&got, want) {
		t.Errorf("got %#v\nwant %#v", &got, want)
	}
}

func TestErrorString(t *testing.T) {
	base := errors.New("yaml: did not find expected key")
	tests := []struct {
		err  *Error
		want string
	}{
		{&Error{File: "deploy.yaml", Doc: 3, Line: 42, Err: base}, "deploy.yaml: document 3 (line 42): yaml: did not find expected key"},
		{&Error{File: "deploy.yaml", Doc: 3, Err: base}, "deploy.yaml: document 3: yaml: did not find expected key"},
		{&Error{File: "missing.yaml", Err: errors.New("no such file or directory")}, "missing.yaml: no such file or directory"},
		{&Error{Err: errors.New("loading stopped: context canceled")}, "loading stopped: context canceled"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
	}
	if e := (&Error{Err: base}); !errors.Is(e, base) {
		t.Error("Unwrap does not give the cause")
	}
}

func TestSplitDocuments(t *testing.T) {
	in := "# header\n---\na: 1\n--- # two\n\n---\n...\nb: 2\n--- c: 3\n"
	var got []string
	for _, c := range splitDocuments([]byte(in)) {
		got = append(got, fmt.Sprintf("%d@%d %q", c.doc, c.line, c.data))
	}
	want := []string{
		`1@2 "---\na: 1\n"`,
		`4@8 "b: 2\n"`, // 2 is "--- # two", 3 is the "---" ended by "..."
		`5@9 "--- c: 3\n"`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestNumbersAreJSONCompatible(t *testing.T) {
	r := Parse("n.yaml", []byte("apiVersion: v1\nkind: A\nbig: -9223372036854775808\nover: 9223372036854775808\nneg0: -0.0\n"))
	c := r.Objects[0].Content()
	if c["big"] != int64(math.MinInt64) {
		t.Errorf("big = %#v", c["big"])
	}
	if c["over"] != float64(9223372036854775808) {
		t.Errorf("over = %#v", c["over"])
	}
	if c["neg0"] != int64(0) {
		t.Errorf("neg0 = %#v", c["neg0"])
	}
}

func TestDepthLimit(t *testing.T) {
	nested := func(depth int) string {
		return "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: " + strings.Repeat("[", depth-1) + strings.Repeat("]", depth-1) + "\n"
	}
	// The object is depth 1, data 2: DefaultMaxDepth levels in all are fine.
	if r := Parse("ok.yaml", []byte(nested(DefaultMaxDepth))); len(r.Objects) != 1 || len(r.Errors) != 0 {
		t.Errorf("%d levels: %d objects, errors %v", DefaultMaxDepth, len(r.Objects), r.Errors)
	}
	r := Parse("deep.yaml", []byte(nested(DefaultMaxDepth+1)))
	if len(r.Objects) != 0 || len(r.Errors) != 1 || !errors.Is(r.Errors[0], ErrTooDeep) || r.Errors[0].Line != 4 {
		t.Fatalf("%d levels: %d objects, errors %v", DefaultMaxDepth+1, len(r.Objects), r.Errors)
	}
	if want := "deep.yaml: document 1 (line 4): document too deep: nested more than 100 levels deep"; r.Errors[0].Error() != want {
		t.Errorf("error %q, want %q", r.Errors[0].Error(), want)
	}
}

// TestValueLimit: a document of very many tiny values is refused before it
// is parsed, cheaply, and the next document is still read.
func TestValueLimit(t *testing.T) {
	many := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: many}\nx:\n" + strings.Repeat("- 1\n", DefaultMaxValues/2) + "---\n" + obj("Pod", "after")
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	r := Parse("many.yaml", []byte(many))
	runtime.ReadMemStats(&after)
	if len(r.Errors) != 1 || !errors.Is(r.Errors[0], ErrTooManyValues) || r.Errors[0].Doc != 1 || r.Errors[0].Line != 1 {
		t.Fatalf("errors %v", r.Errors)
	}
	if len(r.Objects) != 1 || r.Objects[0].Name != "after" {
		t.Errorf("the next document: %d objects", len(r.Objects))
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 3*uint64(len(many)) {
		t.Errorf("refusing it allocated %d bytes for a %d-byte document", alloc, len(many))
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "many.yaml"), []byte(many), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := Load(context.Background(), []string{dir}, Options{MaxValues: 2 * DefaultMaxValues}); len(r.Errors) != 0 || len(r.Objects) != 2 {
		t.Errorf("with a higher limit: %d objects, errors %v", len(r.Objects), r.Errors)
	}
}
