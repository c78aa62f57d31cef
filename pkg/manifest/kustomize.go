package manifest

import (
	"os"
	"path/filepath"
	"slices"
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
// lists (patches, patchesStrategicMerge, patchesJson6902), and names that
// kustomization. A patch is part of an object, not one: checked alone it
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
		list = readPatchList(dir)
		p.byDir[dir] = list
	}
	if len(list) < 2 || !slices.Contains(list[1:], filepath.Base(file)) {
		return "", false
	}
	return list[0], true
}

// readPatchList is the kustomization file of dir and the patch files it
// lists there, nil when dir has none.
func readPatchList(dir string) []string {
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
		if yaml.Unmarshal(data, &k) != nil {
			return nil
		}
		list := []string{filepath.Join(dir, name)}
		for _, f := range k.PatchesStrategicMerge {
			list = append(list, filepath.Clean(f))
		}
		for _, p := range append(k.Patches, k.PatchesJSON6902...) {
			if p.Path != "" {
				list = append(list, filepath.Clean(p.Path))
			}
		}
		return list
	}
	return nil
}
