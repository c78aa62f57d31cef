package bundle_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prodready/prodready/pkg/bundle"
	"github.com/prodready/prodready/pkg/bundle/conftest"
	"github.com/prodready/prodready/pkg/bundle/gatekeeper"
	"github.com/prodready/prodready/pkg/bundle/opabundle"
	"github.com/prodready/prodready/pkg/policy"
)

// targets build each committed bundle the way make bundles does.
var targets = map[string]func(bundle.Options) (bundle.Files, error){
	"opa":        func(o bundle.Options) (bundle.Files, error) { return opabundle.Build(o, nil) },
	"gatekeeper": gatekeeper.Build,
	"conftest":   conftest.Build,
}

// TestCommittedBundlesAreUpToDate fails when a change to the policies
// (or to a builder) is not reflected in bundles/: run make bundles.
func TestCommittedBundlesAreUpToDate(t *testing.T) {
	opts, err := bundle.Options{}.Normalize()
	if err != nil {
		t.Fatal(err)
	}
	for name, build := range targets {
		t.Run(name, func(t *testing.T) {
			files, err := build(opts)
			if err != nil {
				t.Fatal(err)
			}
			dir := filepath.Join("..", "..", "bundles", name)
			if diffs := files.Diff(os.DirFS(dir)); len(diffs) > 0 {
				t.Errorf("bundles/%s is stale, run make bundles:\n%s", name, strings.Join(diffs, "\n"))
			}
		})
	}
}

// TestBuildsAreDeterministic: the same options give byte-identical files,
// and what is written reads back the same.
func TestBuildsAreDeterministic(t *testing.T) {
	for name, build := range targets {
		for _, profile := range []policy.Profile{policy.Baseline, policy.Strict} {
			t.Run(name+"/"+string(profile), func(t *testing.T) {
				opts, err := bundle.Options{Profile: profile}.Normalize()
				if err != nil {
					t.Fatal(err)
				}
				first, err := build(opts)
				if err != nil {
					t.Fatal(err)
				}
				dir := t.TempDir()
				if err := first.Write(dir); err != nil {
					t.Fatal(err)
				}
				again, err := build(opts)
				if err != nil {
					t.Fatal(err)
				}
				if diffs := again.Diff(os.DirFS(dir)); len(diffs) > 0 {
					t.Errorf("two builds differ:\n%s", strings.Join(diffs, "\n"))
				}
			})
		}
	}
}
