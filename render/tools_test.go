package render

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/prodready/prodready/internal/enginetest"
	"github.com/prodready/prodready/pkg/engine"
	"github.com/prodready/prodready/pkg/manifest"
)

// subject is a chart or an overlay rendered both here and by the real tool.
type subject struct {
	path string
	helm HelmOptions
}

// subjects are the charts and overlays compared with helm template and
// kustomize build: this package's own, and the real ones vendored under
// the repository's testdata/charts and testdata/overlays (see their
// SOURCE.md), each overlay that no other one builds on.
func subjects(t *testing.T) []subject {
	t.Helper()
	out := []subject{
		{path: "testdata/web"}, {path: "testdata/web", helm: HelmOptions{Values: []string{"replicas=1"}}},
		{path: "testdata/overlay/prod"}, {path: "testdata/overlay/single"},
		{path: "../testdata/charts/gke-kafka/charts/kafka-20.0.6.tgz"}, // a chart archive
	}
	res := manifest.Load(context.Background(), []string{"../testdata/charts", "../testdata/overlays"}, manifest.Options{Renderer: lister{&out}})
	if len(res.Errors) > 0 {
		t.Fatal(res.Errors)
	}
	return out
}

// lister is a Renderer that renders nothing and lists what a walk would
// render, as subjects.
type lister struct{ out *[]subject }

func (l lister) Renders(path string) bool { return Renderer{}.Renders(path) }

func (l lister) Includes(path string) []string { return Renderer{}.Includes(path) }

func (l lister) Render(_ context.Context, path string) ([]manifest.Rendered, error) {
	if Detect(path) != Component {
		*l.out = append(*l.out, subject{path: path})
	}
	return nil, nil
}

// toolOutput is what the real helm template or kustomize build prints for s.
func toolOutput(t *testing.T, s subject) []byte {
	t.Helper()
	var cmd *exec.Cmd
	switch Detect(s.path) {
	case Chart:
		cmd = exec.Command(enginetest.Binary(t, "helm"), "template", "release-name", s.path, "--namespace", "default", "--skip-tests")
		for _, v := range s.helm.Values {
			cmd.Args = append(cmd.Args, "--set", v)
		}
	case Overlay:
		cmd = exec.Command(enginetest.Binary(t, "kustomize"), "build", s.path)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v\n%s", cmd, err, stderr.String())
	}
	return out
}

// origin is what a check where a chart or overlay lives adds to a
// message: where the field's value came from.
var origin = regexp.MustCompile(` \([^()]*: from (?:values|the patch) [^()]*\)$`)

// findings are a check's findings keyed by rule, object, container and
// message, less the origin of the value, which only a rendering knows.
func findings(t *testing.T, res *engine.Results) map[string]bool {
	t.Helper()
	keys := map[string]bool{}
	for _, f := range res.Findings {
		keys[fmt.Sprintf("%s %s %s", enginetest.Key(f.Rule, f.Object.Kind, f.Object.Namespace, f.Object.Name), f.Container, origin.ReplaceAllString(f.Message, ""))] = true
	}
	return keys
}

// TestRenderingEqualsTheTools: checking a chart or an overlay where it
// lives finds what checking the real helm template's or kustomize build's
// output from stdin finds, finding for finding, message included; and it
// reads the same objects.
func TestRenderingEqualsTheTools(t *testing.T) {
	ctx := context.Background()
	eng, err := engine.New()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range subjects(t) {
		t.Run(strings.Join(append([]string{s.path}, s.helm.Values...), " "), func(t *testing.T) {
			piped := manifest.Parse(manifest.StdinName, toolOutput(t, s))
			if len(piped.Errors) > 0 {
				t.Fatalf("the tool's output: %v", piped.Errors)
			}
			want, err := eng.Evaluate(ctx, piped.Objects)
			if err != nil {
				t.Fatal(err)
			}
			got, err := eng.Check(ctx, []string{s.path}, manifest.Options{Renderer: Renderer{Helm: s.helm}})
			if err != nil {
				t.Fatalf("rendering: %v", err)
			}
			if g, w := len(got.Read.Objects), len(piped.Objects); g != w {
				t.Errorf("%d objects, the tool's output %d", g, w)
			}
			enginetest.Compare(t, "the tool's output", findings(t, want), "the rendering", findings(t, got))
			t.Logf("%d objects, %d findings", len(got.Read.Objects), len(got.Findings))
		})
	}
}
