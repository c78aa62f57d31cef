package manifest

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
)

// FuzzParse checks that no input makes Parse panic, and that what it
// returns is consistent: every line it names is in the file, every
// document it names is one of the file's, and every Object's Value is
// there, agrees with its fields and survives Content. The seed corpus in
// testdata/fuzz/FuzzParse has the shapes hostile and broken input takes.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"apiVersion: v1\nkind: A\nmetadata: {name: a}\n---\napiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: B}\n",
		"--- # c\na: &a {b: *a}\n...\n%YAML 1.1\n---\n[1, 2]\n",
		"{\"apiVersion\": \"v1\", \"kind\": \"A\", \"x\": \"\\ud83d\\ude00\\/\"}",
		"x: !!binary aGk=\ny: !!int '0x1F'\n<<: [{a: 1}]\n",
	} {
		f.Add("f.yaml", []byte(seed))
		f.Add("f.json", []byte(seed))
	}
	f.Fuzz(func(t *testing.T, file string, data []byte) {
		r := Parse(file, data)
		lines := lineCount(data)
		docs := map[int]bool{0: true} // 0: the whole file
		chunks, _ := splitFile(file, data, strings.EqualFold(filepath.Ext(file), ".json"))
		if obj, err := Decode(data); err == nil && (obj.Kind == "" || obj.APIVersion == "" || obj.Value == nil) {
			t.Errorf("Decode made an incomplete object %+v", obj)
		}
		for _, c := range chunks {
			docs[c.doc] = true
		}
		for _, o := range r.Objects {
			if o.Kind == "" || o.APIVersion == "" || o.File != file || o.Line < 1 || o.Line > lines || o.Doc < 1 || !docs[o.Doc] || o.Item < 0 {
				t.Errorf("bad object %+v", o)
			}
			checkValue(t, o)
		}
		for _, s := range r.Skipped {
			if s.File != file || s.Line < 0 || s.Line > lines || !docs[s.Doc] || s.Reason == "" {
				t.Errorf("bad skipped %+v", s)
			}
		}
		for _, e := range r.Errors {
			if e.File != file || e.Line < 0 || e.Line > lines || !docs[e.Doc] || e.Err == nil {
				t.Errorf("bad error %+v", e)
			}
		}
	})
}

// checkValue checks that o's Value holds o's type and name, and that
// Content gives the same value back.
func checkValue(t *testing.T, o *Object) {
	t.Helper()
	if o.Value == nil {
		t.Fatalf("object %+v has no Value", o)
	}
	meta, _ := field(o.Value, "metadata").(ast.Object)
	for _, f := range []struct {
		got  ast.Value
		want string
	}{
		{field(o.Value, "apiVersion"), o.APIVersion},
		{field(o.Value, "kind"), o.Kind},
		{orEmpty(field(meta, "namespace")), o.Namespace},
		{orEmpty(field(meta, "name")), o.Name},
	} {
		if ast.Compare(f.got, ast.String(f.want)) != 0 {
			t.Errorf("object %s/%s: Value has %v, field %q", o.Kind, o.Name, f.got, f.want)
		}
	}
	back, err := ast.InterfaceToValue(o.Content())
	if err != nil {
		t.Fatalf("object %s/%s: Content: %v", o.Kind, o.Name, err)
	}
	if ast.Compare(back, o.Value) != 0 {
		t.Errorf("object %s/%s: Content gives %v, Value is %v", o.Kind, o.Name, back, o.Value)
	}
}

// orEmpty is a metadata field as Object reads it: "" unless a string.
func orEmpty(v ast.Value) ast.Value {
	if s, ok := v.(ast.String); ok {
		return s
	}
	return ast.String("")
}
