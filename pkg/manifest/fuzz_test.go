package manifest

import "testing"

// FuzzParse checks that no input makes Parse panic, and that every line it
// names is in the file.
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
		for _, o := range r.Objects {
			if o.Kind == "" || o.APIVersion == "" || o.Line < 1 || o.Line > lines || o.Doc < 1 {
				t.Errorf("bad object %+v", o)
			}
		}
		for _, e := range r.Errors {
			if e.Line < 0 || e.Line > lines || e.Err == nil {
				t.Errorf("bad error %+v", e)
			}
		}
	})
}
