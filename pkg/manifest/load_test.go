package manifest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// writeTree creates files (path → content) under a new temporary directory.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func obj(kind, name string) string {
	return fmt.Sprintf("apiVersion: v1\nkind: %s\nmetadata:\n  name: %s\n", kind, name)
}

// where renders objects, skips and errors as "file doc.item kind/name",
// "file doc skip: reason" and "file doc error: message", file relative to dir.
func where(dir string, r *Result) []string {
	rel := func(f string) string {
		if r, err := filepath.Rel(dir, f); err == nil && !strings.HasPrefix(r, "..") {
			return filepath.ToSlash(r)
		}
		return f
	}
	var out []string
	for _, o := range r.Objects {
		out = append(out, fmt.Sprintf("%s %d.%d %s/%s", rel(o.File), o.Doc, o.Item, o.Kind, o.Name))
	}
	for _, s := range r.Skipped {
		out = append(out, fmt.Sprintf("%s %d skip: %s", rel(s.File), s.Doc, s.Reason))
	}
	for _, e := range r.Errors {
		out = append(out, fmt.Sprintf("%s %d error: %v", rel(e.File), e.Doc, e.Err))
	}
	return out
}

func TestLoadDirectoryWalk(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"b.yaml":                   obj("Service", "b"),
		"a-c.yaml":                 obj("Service", "a-c"),
		"a/b.yaml":                 obj("Service", "ab1") + "---\n" + obj("Service", "ab2"),
		"a/z.json":                 `{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "z"}}`,
		"a/deeper/x.YML":           obj("Pod", "x"),
		"sub/values.yml":           "replicaCount: 2\n",
		"sub/broken.yaml":          "apiVersion: v1\nkind: [\n",
		"notes.txt":                obj("Pod", "not-a-manifest-name"),
		".git/config.yaml":         obj("Pod", "hidden-dir"),
		".github/workflows/ci.yml": "on: push\n",
		".hidden.yaml":             obj("Pod", "hidden-file"),
		"sub/.prodready.yaml":      "profile: strict\n",
	})
	want := []string{
		// component by component, as a walk meets them: a/ before a-c.yaml;
		// hidden files and directories are tool configuration, left out
		"a/b.yaml 1.0 Service/ab1",
		"a/b.yaml 2.0 Service/ab2",
		"a/deeper/x.YML 1.0 Pod/x",
		"a/z.json 1.0 Pod/z",
		"a-c.yaml 1.0 Service/a-c",
		"b.yaml 1.0 Service/b",
		"sub/values.yml 1 skip: not a Kubernetes object: no apiVersion and no kind",
		"sub/broken.yaml 1 error: yaml: did not find expected node content",
	}
	for _, workers := range []int{1, 2, 8} {
		r := Load(context.Background(), []string{dir}, Options{Workers: workers})
		if got := where(dir, r); !reflect.DeepEqual(got, want) {
			t.Errorf("workers %d: got\n\t%s\nwant\n\t%s", workers, strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
		}
	}
}

func TestLoadPaths(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"z.yaml":         obj("Pod", "z"),
		"a.yaml":         obj("Pod", "a"),
		"manifest.txt":   obj("Pod", "txt"), // named explicitly: read whatever its name
		"empty/.keep":    "",
		"nothing/x.md":   "# not a manifest\n",
		"blank.yaml":     "# nothing here\n",
		"binary.yaml":    "apiVersion: v1\x00\x01\x02",
		"big.yaml":       obj("Pod", "big") + strings.Repeat("# padding\n", 100),
		"dup/again.yaml": obj("Pod", "again"),
	})
	p := func(name string) string { return filepath.Join(dir, name) }
	r := Load(context.Background(), []string{
		p("z.yaml"), p("missing.yaml"), p("a.yaml"), p("manifest.txt"), p("empty"), p("nothing"),
		p("blank.yaml"), p("binary.yaml"), p("big.yaml"),
		p("dup"), p("dup/again.yaml"), dir + "/./z.yaml",
	}, Options{MaxFileSize: 200})
	want := []string{
		"a.yaml 1.0 Pod/a",
		"dup/again.yaml 1.0 Pod/again",
		"manifest.txt 1.0 Pod/txt",
		"z.yaml 1.0 Pod/z",
		"blank.yaml 0 skip: empty file",
		"big.yaml 0 error: file too large: 1047 bytes, over the limit of 200",
		"binary.yaml 0 error: not a text file",
		"empty 0 error: " + ErrNoManifests.Error(),
		"missing.yaml 0 error: no such file or directory",
		"nothing 0 error: " + ErrNoManifests.Error(),
	}
	if got := where(dir, r); !reflect.DeepEqual(got, want) {
		t.Errorf("got\n\t%s\nwant\n\t%s", strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
	}
	for _, e := range r.Errors {
		switch filepath.Base(e.File) {
		case "missing.yaml":
			if !errors.Is(e, fs.ErrNotExist) {
				t.Errorf("%v is not fs.ErrNotExist", e)
			}
			if want := p("missing.yaml") + ": no such file or directory"; e.Error() != want {
				t.Errorf("Error() = %q, want %q", e.Error(), want)
			}
		case "big.yaml":
			if !errors.Is(e, ErrTooLarge) {
				t.Errorf("%v is not ErrTooLarge", e)
			}
		case "binary.yaml":
			if !errors.Is(e, ErrNotText) {
				t.Errorf("%v is not ErrNotText", e)
			}
		case "empty", "nothing":
			if !errors.Is(e, ErrNoManifests) {
				t.Errorf("%v is not ErrNoManifests", e)
			}
		}
	}
}

func TestLoadStdin(t *testing.T) {
	in := obj("Pod", "from-stdin") + "---\n" + obj("Service", "svc")
	r := Load(context.Background(), []string{"-"}, Options{Stdin: strings.NewReader(in)})
	want := []string{"<stdin> 1.0 Pod/from-stdin", "<stdin> 2.0 Service/svc"}
	if got := where("", r); !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	if r.Objects[1].Line != 6 {
		t.Errorf("second object at line %d, want 6", r.Objects[1].Line)
	}

	r = Load(context.Background(), []string{"-"}, Options{Stdin: strings.NewReader(in), MaxFileSize: 10})
	if len(r.Objects) != 0 || len(r.Errors) != 1 || !errors.Is(r.Errors[0], ErrTooLarge) || r.Errors[0].File != StdinName {
		t.Errorf("over the limit: got %q", where("", r))
	}
}

// cancelOnRead cancels a context when it is first read, and then reads as
// its Reader.
type cancelOnRead struct {
	cancel context.CancelFunc
	io.Reader
}

func (c cancelOnRead) Read(p []byte) (int, error) {
	c.cancel()
	return c.Reader.Read(p)
}

func TestLoadCancel(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"a.yaml": obj("Pod", "a"),
		"b.yaml": obj("Pod", "b") + "---\n" + obj("Pod", "b2"),
	})

	t.Run("before the walk", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		r := Load(ctx, []string{dir}, Options{})
		if len(r.Objects) != 0 || len(r.Errors) != 1 || !errors.Is(r.Errors[0], context.Canceled) {
			t.Errorf("got %q", where(dir, r))
		}
	})

	t.Run("while reading", func(t *testing.T) {
		// Standard input is read last (files sort before "<stdin>") and
		// cancels: what was read before it is kept, nothing after it.
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		stdin := cancelOnRead{cancel, strings.NewReader(obj("Pod", "stdin"))}
		r := Load(ctx, []string{"-", dir}, Options{Stdin: stdin, Workers: 2})
		want := []string{"a.yaml 1.0 Pod/a", "b.yaml 1.0 Pod/b", "b.yaml 2.0 Pod/b2", " 0 error: loading stopped: context canceled"}
		if got := where(dir, r); !reflect.DeepEqual(got, want) {
			t.Errorf("got %q, want %q", got, want)
		}
		if last := r.Errors[len(r.Errors)-1]; !errors.Is(last, context.Canceled) {
			t.Errorf("last error %v is not context.Canceled", last)
		}
	})
}

func TestLoadSymlinks(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"real/a.yaml":  obj("Pod", "a"),
		"other/b.yaml": obj("Pod", "b"),
	})
	if err := os.Symlink(filepath.Join(dir, "other"), filepath.Join(dir, "real", "loop")); err != nil {
		t.Skip("no symlinks:", err)
	}
	if err := os.Symlink(filepath.Join(dir, "other", "b.yaml"), filepath.Join(dir, "real", "link.yaml")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "real"), filepath.Join(dir, "root-link")); err != nil {
		t.Fatal(err)
	}
	// A linked file is read; a linked directory inside the tree is not
	// walked; a linked directory given as the path is.
	r := Load(context.Background(), []string{filepath.Join(dir, "root-link")}, Options{})
	want := []string{"root-link/a.yaml 1.0 Pod/a", "root-link/link.yaml 1.0 Pod/b"}
	if got := where(dir, r); !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestComparePaths(t *testing.T) {
	sorted := []string{"a/b.yaml", "a/c/d.yaml", "a-c.yaml", "a.yaml", "b/a.yaml", "ba.yaml"}
	for i := range sorted {
		for j := range sorted {
			got := comparePaths(sorted[i], sorted[j])
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			if got != want {
				t.Errorf("comparePaths(%q, %q) = %d, want %d", sorted[i], sorted[j], got, want)
			}
		}
	}
}
