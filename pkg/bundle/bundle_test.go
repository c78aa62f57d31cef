package bundle_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/prodready/prodready/internal/enginetest"
	"github.com/prodready/prodready/pkg/bundle"
	"github.com/prodready/prodready/pkg/bundle/conftest"
	"github.com/prodready/prodready/pkg/bundle/gatekeeper"
	"github.com/prodready/prodready/pkg/bundle/opabundle"
	"github.com/prodready/prodready/pkg/policy"
)

// targets build each committed bundle the way make bundles does.
var targets = map[string]func(bundle.Options) (bundle.Files, error){
	"opa":        func(o bundle.Options) (bundle.Files, error) { return opabundle.Build(o, nil) },
	"gatekeeper": func(o bundle.Options) (bundle.Files, error) { return gatekeeper.Build(o, "") },
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

// TestTeamModulesGetBundlePaths: a team's modules, named by the directory
// they were loaded from (absolute, or above the working directory), ship
// under team/<directory name>/, numbered in the order of the directories when two share a name;
// the built-in rule a team rule replaces is not shipped.
func TestTeamModulesGetBundlePaths(t *testing.T) {
	rule := func(id, pkg string) string {
		return "# METADATA\n# title: T\n# description: D\n# custom:\n#   id: " + id + "\n#   severity: low\n#   profile: baseline\n#   kinds: [Pod]\n#   version: 1.0.0\n#   remediation: R\npackage prodready.rules." + pkg + "\n\nfindings contains {\"msg\": \"m\"} if false\n"
	}
	first, err := policy.LoadTeam("/abs/acme/policy", fstest.MapFS{
		"a.rego":          {Data: []byte(rule("team-a", "team_a"))},
		"lib/helper.rego": {Data: []byte("package lib.acme\n\nx := 1\n")},
	})
	if err != nil {
		t.Fatal(err)
	}
	second, err := policy.LoadTeam("../other/policy", fstest.MapFS{"b.rego": {Data: []byte(rule("memory-request-missing", "team_b"))}})
	if err != nil {
		t.Fatal(err)
	}
	set, err := policy.Merge(enginetest.Builtin(t), first, second)
	if err != nil {
		t.Fatal(err)
	}
	modules, err := bundle.Options{Set: set}.Normalize()
	if err != nil {
		t.Fatal(err)
	}
	shipped, err := modules.Modules()
	if err != nil {
		t.Fatal(err)
	}
	paths := map[string]string{}
	for _, m := range shipped {
		paths[m.Path] = m.File
	}
	for p, file := range map[string]string{
		"team/policy-2/a.rego":               "/abs/acme/policy/a.rego",
		"team/policy-2/lib/helper.rego":      "/abs/acme/policy/lib/helper.rego",
		"team/policy/b.rego":                 "../other/policy/b.rego",
		"lib/review.rego":                    "lib/review.rego",
		"resources/cpu_request_missing.rego": "resources/cpu_request_missing.rego",
	} {
		if paths[p] != file {
			t.Errorf("%s holds %q, want %s", p, paths[p], file)
		}
	}
	if _, ok := paths["resources/memory_request_missing.rego"]; ok {
		t.Error("the replaced built-in rule is shipped")
	}
}
