package manifest

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeRenderer renders the directories named chart: each into the
// documents it was given, or its error.
type fakeRenderer struct {
	docs []Rendered
	err  error
}

func (f fakeRenderer) Renders(path string) bool { return filepath.Base(path) == "chart" }

func (f fakeRenderer) Includes(string) []string { return nil }

func (f fakeRenderer) Render(_ context.Context, path string) ([]Rendered, error) {
	return f.docs, f.err
}

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: %s\nspec:\n  replicas: 3\n"

// A walk reads a chart's rendering in place of its files: its templates
// are never read as manifests, and each object is named by the file and
// line the renderer gives, its fields by the lines the renderer maps.
func TestLoadReadsTheRendering(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"app.yaml":                    strings.ReplaceAll(deployment, "%s", "plain"),
		"chart/Chart.yaml":            "apiVersion: v2\nname: web\nversion: 1.0.0\n",
		"chart/templates/deploy.yaml": "{{ if .Values.on }}\n",
	})
	template := filepath.Join(dir, "chart/templates/deploy.yaml")
	r := fakeRenderer{docs: []Rendered{
		{File: template, Line: 4, Data: []byte(strings.ReplaceAll(deployment, "%s", "a"))},
		{File: template, Line: 20, Data: []byte(strings.ReplaceAll(deployment, "%s", "b")), Lines: []int{20, 21, 0, 0, 30, 31}},
	}}
	res := Load(context.Background(), []string{dir}, Options{Renderer: r})
	if len(res.Errors) > 0 || len(res.Skipped) > 0 {
		t.Fatalf("errors %v, skipped %v", res.Errors, res.Skipped)
	}
	if len(res.Objects) != 3 {
		t.Fatalf("%d objects, want the file's and the rendering's 2", len(res.Objects))
	}
	for i, want := range []struct {
		file          string
		doc, line     int
		replicas      int
		replicasExact bool
	}{
		{filepath.Join(dir, "app.yaml"), 1, 1, 6, true},
		{template, 1, 4, 4, true},
		{template, 2, 20, 31, true},
	} {
		o := res.Objects[i]
		line, exact := o.Positions().Line("spec", "replicas")
		if o.File != want.file || o.Doc != want.doc || o.Line != want.line || line != want.replicas || exact != want.replicasExact {
			t.Errorf("object %d %s: %s doc %d line %d, replicas at %d (%v); want %+v", i, o.Name, o.File, o.Doc, o.Line, line, exact, want)
		}
	}
	// Named directly, the chart is rendered too; without a renderer its
	// template is read, and says what it is.
	if res := Load(context.Background(), []string{filepath.Join(dir, "chart")}, Options{Renderer: r}); len(res.Objects) != 2 {
		t.Errorf("the chart named: %d objects", len(res.Objects))
	}
	res = Load(context.Background(), []string{dir}, Options{})
	if len(res.Errors) != 1 || !errors.Is(res.Errors[0], ErrTemplate) || res.Errors[0].File != template {
		t.Errorf("without a renderer: errors %v, want the template's, ErrTemplate", res.Errors)
	}
}

// A chart that does not render is an input error, named where the
// renderer says; the other inputs are still read.
func TestLoadRenderError(t *testing.T) {
	dir := writeFiles(t, map[string]string{"app.yaml": strings.ReplaceAll(deployment, "%s", "plain"), "chart/Chart.yaml": "name: web\n"})
	failed := &Error{File: filepath.Join(dir, "chart/templates/x.yaml"), Line: 7, Err: errors.New("region is required")}
	for _, tc := range []struct {
		err  error
		want *Error
	}{
		{failed, failed},
		{errors.New("boom"), &Error{File: filepath.Join(dir, "chart")}},
	} {
		res := Load(context.Background(), []string{dir}, Options{Renderer: fakeRenderer{err: tc.err}})
		if len(res.Objects) != 1 || len(res.Errors) != 1 || res.Errors[0].File != tc.want.File || res.Errors[0].Line != tc.want.Line {
			t.Errorf("%v: %d objects, errors %v; want the file's object and an error at %s:%d", tc.err, len(res.Objects), res.Errors, tc.want.File, tc.want.Line)
		}
	}
}

// Empty standard input is what a failed command before the pipe leaves:
// an error, not a clean check.
func TestLoadEmptyStdin(t *testing.T) {
	for _, in := range []string{"", "\n  \n"} {
		res := Load(context.Background(), []string{"-"}, Options{Stdin: strings.NewReader(in)})
		if len(res.Errors) != 1 || !errors.Is(res.Errors[0], ErrEmptyStdin) || !strings.Contains(res.Errors[0].Error(), "pipefail") {
			t.Errorf("stdin %q: errors %v, skipped %v", in, res.Errors, res.Skipped)
		}
	}
	if res := Load(context.Background(), []string{"-"}, Options{Stdin: strings.NewReader("# only a comment\n")}); len(res.Errors) != 0 {
		t.Errorf("a comment on stdin: %v", res.Errors)
	}
}

// A kustomization read as a file is not an object.
func TestKustomizationIsSkipped(t *testing.T) {
	res := Parse("overlay/kustomization.yaml", []byte("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [../base]\n"))
	if len(res.Objects) != 0 || len(res.Skipped) != 1 || !strings.Contains(res.Skipped[0].Reason, "kustomize Kustomization") {
		t.Errorf("objects %d, skipped %v", len(res.Objects), res.Skipped)
	}
}

// A kustomize patch read as a file (--no-render, or named) is part of an
// object, not one: skipped, saying so.
func TestKustomizePatchIsSkipped(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"overlay/kustomization.yaml": "resources: [../base]\npatches:\n- path: replicas.yaml\npatchesStrategicMerge:\n- ./memory.yaml\n",
		"overlay/replicas.yaml":      strings.ReplaceAll(deployment, "%s", "api"),
		"overlay/memory.yaml":        strings.ReplaceAll(deployment, "%s", "api"),
		"overlay/extra.yaml":         strings.ReplaceAll(deployment, "%s", "extra"),
	})
	res := Load(context.Background(), []string{dir}, Options{})
	var reasons []string
	for _, s := range res.Skipped {
		reasons = append(reasons, filepath.Base(s.File)+": "+s.Reason)
	}
	if len(res.Objects) != 1 || res.Objects[0].Name != "extra" || len(res.Skipped) != 3 {
		t.Errorf("%d objects, skipped %v; want extra.yaml's object, the kustomization and its two patches skipped", len(res.Objects), reasons)
	}
	for _, r := range reasons {
		if strings.HasPrefix(r, "replicas.yaml") && !strings.Contains(r, "kustomize patch listed in "+filepath.Join(dir, "overlay/kustomization.yaml")) {
			t.Errorf("%s", r)
		}
	}
}
