// Package render turns Helm charts and kustomize overlays into the
// manifests they stand for, with Helm's Go SDK and kustomize's API, as
// `helm template` and `kustomize build` do, and names for each object the
// file a person edits: the chart's template, the overlay's resource.
//
// It is a Go module of its own: Helm brings client-go, which a program that
// only evaluates manifests with prodready's engine should not build.
// Renderer plugs it into manifest.Load (manifest.Options.Renderer) and so
// into engine.Check and the CLI.
package render

import (
	"context"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/prodready/prodready/pkg/manifest"
)

// Kind is what a path holds for rendering.
type Kind int

// The kinds of path Detect tells apart.
const (
	None      Kind = iota
	Chart          // a Helm chart: a directory with Chart.yaml, or a chart archive
	Overlay        // a kustomize overlay: a directory with a kustomization file
	Component      // a kustomize Component, which only overlays that list it build
)

// kustomizationNames are the files that make a directory a kustomization,
// as kustomize looks for them.
var kustomizationNames = []string{"kustomization.yaml", "kustomization.yml", "Kustomization"}

// Detect says what path is: a chart (a directory holding Chart.yaml, or a
// .tgz archive), an overlay (a directory holding a kustomization file), a
// component (one whose kind is Component), or neither.
func Detect(path string) Kind {
	info, err := os.Stat(path)
	switch {
	case err != nil:
		return None
	case !info.IsDir():
		if isArchive(path) {
			return Chart
		}
		return None
	case isFile(filepath.Join(path, "Chart.yaml")):
		return Chart
	}
	for _, name := range kustomizationNames {
		if data, err := os.ReadFile(filepath.Join(path, name)); err == nil {
			var k struct {
				Kind string `yaml:"kind"`
			}
			if yaml.Unmarshal(data, &k) == nil && k.Kind == "Component" {
				return Component
			}
			return Overlay
		}
	}
	return None
}

// isArchive says whether path names a chart archive.
func isArchive(path string) bool {
	return strings.HasSuffix(path, ".tgz") || strings.HasSuffix(path, ".tar.gz")
}

func isFile(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.Mode().IsRegular()
}

var errNothingToRender = errors.New("neither a Helm chart nor a kustomize overlay")

// Renderer renders charts with Helm's settings and overlays, for
// manifest.Options.Renderer.
type Renderer struct {
	Helm HelmOptions
}

var _ manifest.Renderer = Renderer{}

// Renders reports whether path is a chart or an overlay.
func (r Renderer) Renders(path string) bool { return Detect(path) != None }

// Includes are the local kustomizations the overlay at path builds on (its
// bases and components), which a walk then does not render on their own:
// their objects are in the overlay's rendering.
func (r Renderer) Includes(path string) []string {
	if Detect(path) != Overlay {
		return nil
	}
	seen := map[string]bool{}
	_ = kustomizations(path, seen) // a remote one fails the overlay's own rendering
	delete(seen, filepath.Clean(path))
	return slices.Sorted(maps.Keys(seen))
}

// Render renders the chart or overlay at path.
func (r Renderer) Render(ctx context.Context, path string) ([]manifest.Rendered, error) {
	switch Detect(path) {
	case Chart:
		return RenderChart(ctx, path, r.Helm)
	case Overlay:
		return RenderOverlay(ctx, path)
	case Component:
		return nil, &manifest.Unrendered{Reason: "a kustomize Component: built by the overlays that list it in components, not on its own"}
	}
	return nil, &manifest.Error{File: path, Err: errNothingToRender}
}
