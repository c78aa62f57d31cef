package render

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/prodready/prodready/pkg/manifest"
)

// The annotations kustomize's build metadata adds: where a resource was
// read, and the transformers (patches) that changed it.
const (
	originAnnotation         = "config.kubernetes.io/origin"
	transformationAnnotation = "alpha.config.kubernetes.io/transformations"
)

// RenderOverlay builds the overlay in dir as `kustomize build` does, and
// names each object by the file it was read from (kustomize's origin
// annotations, which are then removed). Remote bases and resources are
// refused: nothing is fetched.
func RenderOverlay(ctx context.Context, dir string) ([]manifest.Rendered, error) {
	if err := kustomizations(dir, map[string]bool{}); err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	// A kustomization around the overlay asks for the build metadata
	// without touching the overlay's own files.
	wrapper, err := os.MkdirTemp("", "prodready-kustomize-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(wrapper)
	// kustomize takes a relative path to a directory outside the root
	// (../base), not an absolute one.
	target, err := filepath.Rel(wrapper, abs)
	if err != nil {
		return nil, err
	}
	k := fmt.Sprintf("resources:\n- %q\nbuildMetadata: [%s, %s]\n", target, types.OriginAnnotations, types.TransformerAnnotations)
	if err := os.WriteFile(filepath.Join(wrapper, "kustomization.yaml"), []byte(k), 0o600); err != nil {
		return nil, err
	}
	opts := krusty.MakeDefaultOptions()
	resMap, err := krusty.MakeKustomizer(opts).Run(filesys.MakeFsOnDisk(), wrapper)
	if err != nil {
		return nil, &manifest.Error{File: dir, Err: fmt.Errorf("building the overlay: %s", strings.ReplaceAll(err.Error(), wrapper+"/", ""))}
	}
	// userPath is a path kustomize gives relative to the wrapper, as the
	// caller names the overlay's files.
	userPath := func(p string) string {
		f := filepath.Join(wrapper, p)
		if rel, err := filepath.Rel(abs, f); err == nil {
			return filepath.Join(dir, rel)
		}
		return f
	}
	var docs []manifest.Rendered
	for _, res := range resMap.Resources() {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		ann := res.GetAnnotations()
		file := dir
		if p := originPath(ann[originAnnotation]); p != "" {
			file = userPath(p)
		}
		patches := patchesOf(ann[transformationAnnotation], userPath)
		delete(ann, originAnnotation)
		delete(ann, transformationAnnotation)
		if err := res.SetAnnotations(ann); err != nil {
			return nil, err
		}
		data, err := res.AsYAML()
		if err != nil {
			return nil, err
		}
		docs = append(docs, place(file, res.OrgId().Kind, res.OrgId().Name, 0, data, patches))
	}
	return docs, nil
}

// originPath is the path of an origin annotation's value.
func originPath(origin string) string {
	var o struct {
		Path string `yaml:"path"`
	}
	if yaml.Unmarshal([]byte(origin), &o) != nil {
		return ""
	}
	return o.Path
}

// remote are references kustomize would fetch: URLs and git repositories.
var remote = regexp.MustCompile(`^(?:[a-z][a-z0-9+.-]*://|git@|github\.com/|gitlab\.com/|bitbucket\.org/)|\?ref=|\.git(?:$|[/?])`)

// kustomizations adds to seen the kustomization in dir and the local ones
// it builds on (bases, components), recursively, and fails on the first
// remote base, component or resource among them: nothing is fetched.
func kustomizations(dir string, seen map[string]bool) error {
	dir = filepath.Clean(dir)
	if seen[dir] {
		return nil
	}
	seen[dir] = true
	var file string
	for _, name := range kustomizationNames {
		if isFile(filepath.Join(dir, name)) {
			file = filepath.Join(dir, name)
			break
		}
	}
	if file == "" {
		return nil
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return &manifest.Error{File: file, Err: err}
	}
	var k struct {
		Resources  []string `yaml:"resources"`
		Bases      []string `yaml:"bases"`
		Components []string `yaml:"components"`
	}
	if err := yaml.Unmarshal(data, &k); err != nil {
		return &manifest.Error{File: file, Err: err}
	}
	for _, ref := range append(append(k.Resources, k.Bases...), k.Components...) {
		if remote.MatchString(ref) {
			return &manifest.Error{File: file, Err: fmt.Errorf("remote base %q: prodready fetches nothing; vendor it, or run kustomize build yourself and pipe it to prodready check -", ref)}
		}
		if sub := filepath.Join(dir, ref); Detect(sub) == Overlay || Detect(sub) == Component {
			if err := kustomizations(sub, seen); err != nil {
				return err
			}
		}
	}
	return nil
}

// patchesOf reads the patch files of the kustomizations that patched a
// resource, as its transformations annotation names them (the
// kustomization, not the patch: each of its patches is a candidate).
// Inline patches have no file and are left out.
func patchesOf(transformations string, userPath func(string) string) []patch {
	var applied []struct {
		ConfiguredIn string `yaml:"configuredIn"`
		ConfiguredBy struct {
			Kind string `yaml:"kind"`
		} `yaml:"configuredBy"`
	}
	if yaml.Unmarshal([]byte(transformations), &applied) != nil {
		return nil
	}
	var out []patch
	seen := map[string]bool{}
	for _, a := range applied {
		if !strings.Contains(a.ConfiguredBy.Kind, "Patch") || seen[a.ConfiguredIn] {
			continue
		}
		seen[a.ConfiguredIn] = true
		_, files := manifest.KustomizePatches(filepath.Dir(userPath(a.ConfiguredIn)))
		for _, name := range files {
			if p := readPatch(name); p != nil {
				out = append(out, *p)
			}
		}
	}
	return out
}
