package manifest

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

// kustomizationNames are the files that make a directory a kustomization.
var kustomizationNames = []string{"kustomization.yaml", "kustomization.yml", "Kustomization"}

// patchLists caches, by directory, the patch files its kustomization lists.
type patchLists struct {
	mu    sync.Mutex
	byDir map[string][]string
}

// patchOf says whether file is a patch its directory's kustomization
// lists (KustomizePatches), and names that kustomization. A patch is part of an object, not one: checked alone it
// would miss what its base holds.
func (p *patchLists) patchOf(file string) (string, bool) {
	dir := filepath.Dir(file)
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.byDir == nil {
		p.byDir = map[string][]string{}
	}
	list, ok := p.byDir[dir]
	if !ok {
		kustomization, patches := KustomizePatches(dir)
		list = append([]string{kustomization}, patches...)
		p.byDir[dir] = list
	}
	if len(list) < 2 || !slices.Contains(list[1:], filepath.Clean(file)) {
		return "", false
	}
	return list[0], true
}

// KustomizePatches are the kustomization file of dir and the files of the
// patches it lists (patches, patchesStrategicMerge, patchesJson6902; not
// inline ones), joined to dir; "" and nil when dir has no kustomization.
func KustomizePatches(dir string) (kustomization string, patches []string) {
	for _, name := range kustomizationNames {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			continue
		}
		var k struct {
			Patches []struct {
				Path string `yaml:"path"`
			} `yaml:"patches"`
			PatchesJSON6902 []struct {
				Path string `yaml:"path"`
			} `yaml:"patchesJson6902"`
			PatchesStrategicMerge []string `yaml:"patchesStrategicMerge"`
		}
		kustomization = filepath.Join(dir, name)
		if yaml.Unmarshal(data, &k) != nil {
			return kustomization, nil
		}
		files := k.PatchesStrategicMerge
		for _, p := range append(k.Patches, k.PatchesJSON6902...) {
			files = append(files, p.Path)
		}
		for _, f := range files {
			if f != "" && !strings.Contains(f, "\n") { // not an inline patch
				patches = append(patches, filepath.Join(dir, f))
			}
		}
		return kustomization, patches
	}
	return "", nil
}
