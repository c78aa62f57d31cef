package main

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/prodready/prodready/pkg/manifest"
)

// fixture is a small corpus with what the generator must get right:
// namespaced and cluster-scoped objects, RBAC references, a List with an
// alias shared by two items, a bare sequence, a document with a duplicate
// key, documents that are not objects, and hidden files.
const fixture = "testdata/corpus"

// fixturePerCopy is the number of objects a copy of the fixture holds.
const fixturePerCopy = 16

func generateFixture(t *testing.T, objects int, out string) generated {
	t.Helper()
	g, err := generate(generateOptions{Corpus: fixture, Objects: objects, Out: out})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func load(t *testing.T, paths ...string) *manifest.Result {
	t.Helper()
	return manifest.Load(context.Background(), paths, manifest.Options{})
}

func TestGenerateCounts(t *testing.T) {
	out := filepath.Join(t.TempDir(), "gen")
	// One object more than two copies hold: the third copy reaches it.
	g := generateFixture(t, 2*fixturePerCopy+1, out)
	want := generated{Copies: 3, Files: 3 * 5, Objects: 3 * fixturePerCopy, LeftOut: 3}
	g.Bytes = 0
	if g != want {
		t.Errorf("generate = %+v, want %+v", g, want)
	}
	res := load(t, out)
	if len(res.Errors) > 0 || len(res.Skipped) > 0 {
		t.Errorf("the generated corpus reads with errors %v and skipped documents %v", res.Errors, res.Skipped)
	}
	if len(res.Objects) != g.Objects {
		t.Errorf("manifest.Load reads %d objects, generate says %d", len(res.Objects), g.Objects)
	}
	for _, name := range []string{"values.yaml", ".hidden.yaml", filepath.Join(".cache", "ignored.yaml"), "README.md"} {
		if _, err := os.Stat(filepath.Join(out, "copy-001", name)); err == nil {
			t.Errorf("copy-001/%s was written: it holds no object prodready checks", name)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "copy-004")); err == nil {
		t.Error("copy-004 was written after the copy that reached the size")
	}
}

// TestGenerateRenames compares every object of every copy with the
// original it copies, renamed by an implementation of the rules on the
// decoded objects: so the values the loader reads are the original's,
// however the YAML was re-encoded (quoting, aliases, YAML 1.1 scalars).
func TestGenerateRenames(t *testing.T) {
	out := filepath.Join(t.TempDir(), "gen")
	g := generateFixture(t, 2*fixturePerCopy, out)
	if g.Copies != 2 {
		t.Fatalf("%d copies, want 2", g.Copies)
	}
	originals := map[string][]*manifest.Object{} // by file under the corpus
	for _, o := range load(t, fixture).Objects {
		rel, err := filepath.Rel(fixture, o.File)
		if err != nil {
			t.Fatal(err)
		}
		originals[rel] = append(originals[rel], o)
	}
	copies := map[string][]*manifest.Object{} // by copy-k/file
	for _, o := range load(t, out).Objects {
		rel, err := filepath.Rel(out, o.File)
		if err != nil {
			t.Fatal(err)
		}
		copies[rel] = append(copies[rel], o)
	}
	for k := 1; k <= g.Copies; k++ {
		for rel, objs := range originals {
			got := copies[filepath.Join(copyDir(k), rel)]
			if len(got) != len(objs) {
				t.Errorf("%s/%s: %d objects, want %d", copyDir(k), rel, len(got), len(objs))
				continue
			}
			for i, o := range objs {
				if want := renamed(o.Content(), k); !reflect.DeepEqual(got[i].Content(), want) {
					t.Errorf("%s/%s object %d:\n got %v\nwant %v", copyDir(k), rel, i+1, got[i].Content(), want)
				}
			}
		}
	}

	// The rules, spelled out on a few objects of copy 2.
	byKey := map[string]*manifest.Object{}
	for _, o := range copies[filepath.Join("copy-002", "shop", "rbac.yml")] {
		byKey[o.Kind+"/"+o.Name] = o
	}
	for _, o := range copies[filepath.Join("copy-002", "standalone.yaml")] {
		byKey[o.Kind+"/"+o.Name] = o
	}
	binding := byKey["ClusterRoleBinding/reader-c2"]
	if binding == nil {
		t.Fatalf("no ClusterRoleBinding reader-c2 in copy 2: %v", byKey)
	}
	if ref := binding.Content()["roleRef"].(map[string]any); ref["name"] != "system:reader-c2" {
		t.Errorf("roleRef.name = %v, want the renamed ClusterRole system:reader-c2", ref["name"])
	}
	subjects := binding.Content()["subjects"].([]any)
	if ns := subjects[0].(map[string]any)["namespace"]; ns != "shop-c2" {
		t.Errorf("subject namespace = %v, want shop-c2", ns)
	}
	if _, ok := subjects[1].(map[string]any)["namespace"]; ok {
		t.Errorf("the User subject got a namespace: %v", subjects[1])
	}
	if o := byKey["RoleBinding/config-reader"]; o == nil || o.Namespace != "shop-c2" {
		t.Errorf("RoleBinding config-reader: %v, want it in shop-c2", o)
	}
	if o := byKey["Pod/lonely"]; o == nil || o.Namespace != "default-c2" {
		t.Errorf("Pod lonely: %v, want it in default-c2", o)
	}
}

// renamed is content as copy k should hold it.
func renamed(content map[string]any, k int) map[string]any {
	suffix := fmt.Sprintf("-c%d", k)
	c := deepCopy(content).(map[string]any)
	kind := c["kind"].(string)
	meta, ok := c["metadata"].(map[string]any)
	if !ok {
		meta = map[string]any{}
		c["metadata"] = meta
	}
	if clusterScoped[kind] {
		if name, ok := meta["name"].(string); ok && name != "" {
			meta["name"] = name + suffix
		}
	} else {
		ns, _ := meta["namespace"].(string)
		meta["namespace"] = cmp.Or(ns, "default") + suffix
	}
	if kind == "RoleBinding" || kind == "ClusterRoleBinding" {
		subjects, _ := c["subjects"].([]any)
		for _, s := range subjects {
			if s, ok := s.(map[string]any); ok {
				if ns, ok := s["namespace"].(string); ok && ns != "" {
					s["namespace"] = ns + suffix
				}
			}
		}
		if ref, ok := c["roleRef"].(map[string]any); ok && ref["kind"] == "ClusterRole" {
			ref["name"] = ref["name"].(string) + suffix
		}
	}
	return c
}

func deepCopy(v any) any {
	switch v := v.(type) {
	case map[string]any:
		c := make(map[string]any, len(v))
		for k, e := range v {
			c[k] = deepCopy(e)
		}
		return c
	case []any:
		c := make([]any, len(v))
		for i, e := range v {
			c[i] = deepCopy(e)
		}
		return c
	default:
		return v
	}
}

func TestGenerateNoCollisions(t *testing.T) {
	out := filepath.Join(t.TempDir(), "gen")
	generateFixture(t, 3*fixturePerCopy, out)
	seen := map[string]string{}
	for _, o := range load(t, out).Objects {
		key := o.Kind + " " + o.Namespace + "/" + o.Name
		if clusterScoped[o.Kind] {
			key = o.Kind + " " + o.Name
		}
		if prev, ok := seen[key]; ok {
			t.Errorf("%s in both %s and %s", key, prev, o.File)
		}
		seen[key] = o.File
	}
	if len(seen) != 3*fixturePerCopy {
		t.Errorf("%d objects, want %d", len(seen), 3*fixturePerCopy)
	}
}

func TestGenerateIsDeterministic(t *testing.T) {
	a := filepath.Join(t.TempDir(), "a")
	b := filepath.Join(t.TempDir(), "b")
	generateFixture(t, 2*fixturePerCopy, a)
	generateFixture(t, 2*fixturePerCopy, b)
	fa, fb := readTree(t, a), readTree(t, b)
	if !reflect.DeepEqual(fa, fb) {
		t.Error("two generations of the same corpus differ")
	}
	if len(fa) != 2*5+1 {
		t.Errorf("%d files, want 10 and the stamp", len(fa))
	}
}

func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		files[rel] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestGenerateReusesOnlyTheSameCorpusAndSize(t *testing.T) {
	out := filepath.Join(t.TempDir(), "gen")
	first := generateFixture(t, 3*fixturePerCopy, out)
	if first.Reused {
		t.Error("a new directory was reused")
	}
	again := generateFixture(t, 3*fixturePerCopy, out)
	if !again.Reused || again.Objects != first.Objects || again.Files != first.Files || again.Bytes != first.Bytes {
		t.Errorf("second generation = %+v, want the first's %+v, reused", again, first)
	}

	smaller := generateFixture(t, fixturePerCopy, out)
	if smaller.Reused || smaller.Copies != 1 {
		t.Errorf("another size = %+v, want one new copy", smaller)
	}
	if _, err := os.Stat(filepath.Join(out, "copy-002")); err == nil {
		t.Error("copy-002 of the larger corpus is still there")
	}

	// Another corpus (here: the same with one file changed) is generated again.
	corpus := filepath.Join(t.TempDir(), "corpus")
	if err := os.CopyFS(corpus, os.DirFS(fixture)); err != nil {
		t.Fatal(err)
	}
	g, err := generate(generateOptions{Corpus: corpus, Objects: fixturePerCopy, Out: out})
	if err != nil || !g.Reused {
		t.Fatalf("an identical copy of the corpus: %+v, %v; want it reused", g, err)
	}
	path := filepath.Join(corpus, "values.yaml")
	if err := os.WriteFile(path, []byte("image: {tag: v2}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if g, err := generate(generateOptions{Corpus: corpus, Objects: fixturePerCopy, Out: out}); err != nil || g.Reused {
		t.Errorf("a changed corpus: %+v, %v; want it generated again", g, err)
	}
}

func TestGenerateRefusesAForeignDirectory(t *testing.T) {
	out := t.TempDir()
	notes := filepath.Join(out, "notes.txt")
	if err := os.WriteFile(notes, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := generate(generateOptions{Corpus: fixture, Objects: 1, Out: out})
	if err == nil || !strings.Contains(err.Error(), "notes.txt") {
		t.Errorf("generate into a directory with other files: %v, want an error naming the file", err)
	}
	if _, err := os.Stat(notes); err != nil {
		t.Error("generate deleted a file it did not write")
	}
}

func TestDocuments(t *testing.T) {
	in := "a: 1\n---\nb: 2\n--- {c: 3}\n...\n# after the end\n---x: no marker\n---\td: 4\n"
	want := []string{"a: 1\n", "---\nb: 2\n", "--- {c: 3}\n...\n", "# after the end\n---x: no marker\n", "---\td: 4\n"}
	var got []string
	for _, d := range documents([]byte(in)) {
		got = append(got, string(d))
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("documents =\n%q\nwant\n%q", got, want)
	}
	if joined := bytes.Join(documents([]byte(in)), nil); string(joined) != in {
		t.Error("the documents do not add up to the input")
	}
}

func TestGenerateCommand(t *testing.T) {
	out := filepath.Join(t.TempDir(), "gen")
	var stdout, stderr bytes.Buffer
	code := run([]string{"generate", "-corpus", fixture, "-objects", "20", "-out", out}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if want := "wrote 2 copies: 10 files, 32 objects"; !strings.Contains(stdout.String(), want) {
		t.Errorf("output %q does not say %q", stdout.String(), want)
	}
	if code := run([]string{"generate", "-corpus", fixture}, &stdout, &stderr); code != 2 {
		t.Errorf("generate without -out: exit %d, want 2", code)
	}
}
