// Package bundle holds what prodready's bundle builders share: the options
// every target takes, the modules a build ships and where, and the
// deterministic set of files a build produces. The targets live in the
// sub-packages opabundle, gatekeeper and conftest; each turns the same
// Rego, unchanged, into what its engine loads, and carries a team's
// configuration (rules enabled, severities, parameters, exemptions) so
// that its engine decides as the SDK does with the same configuration.
package bundle

import (
	"bytes"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/prodready/prodready/pkg/config"
	"github.com/prodready/prodready/pkg/policy"
	"github.com/prodready/prodready/pkg/version"
)

// Options select what a bundle carries.
type Options struct {
	// Set is the policy library; nil means the one embedded in prodready.
	// A team's rules are merged into it beforehand (policy.Merge).
	Set *policy.Set
	// Profile selects the rules; "" means the configuration's, else baseline.
	Profile policy.Profile
	// Config is the team's configuration, nil for none: the bundle then
	// holds the rules of the profile as their METADATA declares them.
	Config *config.Config
	// Revision names the build; "" means the library version.
	Revision string
}

// Normalize fills in the defaults and checks the configuration against the set.
func (o Options) Normalize() (Options, error) {
	if o.Set == nil {
		set, err := policy.Builtin()
		if err != nil {
			return o, fmt.Errorf("loading policies: %w", err)
		}
		o.Set = set
	}
	if err := o.Config.Validate(o.Set); err != nil {
		return o, fmt.Errorf("configuration: %w", err)
	}
	o.Profile = o.Config.ResolveProfile(o.Profile)
	if o.Revision == "" {
		o.Revision = version.Version
	}
	return o, nil
}

// Rules are the rules the bundle enforces, sorted by ID, as the
// configuration tunes them (config.Effective): what the SDK runs with the
// same configuration and profile.
func (o Options) Rules() []policy.Rule {
	return config.Effective(o.Set, o.Config, o.Profile)
}

// Exemptions are the configuration's exemptions as the Rego reads them
// (config.ExemptionsData).
func (o Options) Exemptions() ([]any, error) {
	var exemptions []config.Exemption
	if o.Config != nil {
		exemptions = o.Config.Exemptions
	}
	return config.ExemptionsData(exemptions)
}

// Module is a Rego module a bundle ships.
type Module struct {
	// File is the module's name in the policy set.
	File string
	// Path is where the bundle holds it: File for the built-in library;
	// for a team's module, team/<its directory's name>/ and its path in
	// that directory, since the set names it by the directory as given
	// (perhaps absolute, or above the working directory).
	Path   string
	Source string
}

// Modules are the modules the bundle ships, sorted by Path: those of the
// enabled rules and every module that declares no rule (the libraries,
// prodready's and the team's).
func (o Options) Modules() ([]Module, error) {
	ruleFiles := map[string]bool{}
	for _, r := range o.Set.Rules {
		ruleFiles[r.File] = false
	}
	for _, r := range o.Rules() {
		ruleFiles[r.File] = true
	}
	places := teamPlaces(o.Set)
	var modules []Module
	taken := map[string]string{}
	for _, file := range slices.Sorted(maps.Keys(o.Set.Sources)) {
		if on, isRule := ruleFiles[file]; isRule && !on {
			continue
		}
		p, err := places.of(file)
		if err != nil {
			return nil, err
		}
		if other, dup := taken[p]; dup {
			return nil, fmt.Errorf("%s and %s would both be %s in the bundle", other, file, p)
		}
		taken[p] = file
		modules = append(modules, Module{File: file, Path: p, Source: o.Set.Sources[file]})
	}
	sort.Slice(modules, func(i, j int) bool { return modules[i].Path < modules[j].Path })
	return modules, nil
}

// TeamDir is the bundle directory the team's modules go under.
const TeamDir = "team"

// places maps the team sources (the directories rules were loaded from
// with policy.LoadTeam) to their directory in the bundle.
type places map[string]string

// teamPlaces names the directory of every team source after its last
// element (policy for ../acme/policy), numbered when two share one.
func teamPlaces(set *policy.Set) places {
	var sources []string
	for _, r := range set.Rules {
		if r.Source != policy.BuiltinSource && r.Source != "." && !slices.Contains(sources, r.Source) {
			sources = append(sources, r.Source)
		}
	}
	sort.Strings(sources)
	p := places{}
	used := map[string]int{}
	for _, src := range sources {
		name := path.Base(src)
		if name == "/" || name == ".." {
			name = "policy"
		}
		if used[name]++; used[name] > 1 {
			name = fmt.Sprintf("%s-%d", name, used[name])
		}
		p[src] = path.Join(TeamDir, name)
	}
	return p
}

// of is where the module in file goes: under its team source's place, else
// as it is, which must then be a plain relative path.
func (p places) of(file string) (string, error) {
	best := ""
	for src := range p {
		if strings.HasPrefix(file, src+"/") && len(src) > len(best) {
			best = src
		}
	}
	if best != "" {
		return path.Join(p[best], strings.TrimPrefix(file, best+"/")), nil
	}
	if !fs.ValidPath(file) {
		return "", fmt.Errorf("%s: no place in the bundle for a module outside the directories of the rules (give its --policy directory as a relative path)", file)
	}
	return file, nil
}

// Files is a build's output: file contents by slash-separated relative path.
// Builders produce the same bytes for the same options, so committed
// bundles can be checked for staleness byte for byte.
type Files map[string][]byte

// Paths returns the file paths, sorted.
func (f Files) Paths() []string {
	paths := make([]string, 0, len(f))
	for p := range f {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	return paths
}

// Write writes the files under dir, creating directories as needed.
func (f Files) Write(dir string) error {
	for _, p := range f.Paths() {
		target := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(target, f[p], 0o644); err != nil {
			return err
		}
	}
	return nil
}

// Diff compares the files with what fsys holds and describes every file
// that is missing, different or extra there; nil when they are the same.
func (f Files) Diff(fsys fs.FS) []string {
	var diffs []string
	for _, p := range f.Paths() {
		have, err := fs.ReadFile(fsys, p)
		switch {
		case err != nil:
			diffs = append(diffs, p+": missing")
		case !bytes.Equal(have, f[p]):
			diffs = append(diffs, p+": differs")
		}
	}
	_ = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if _, ok := f[p]; !ok {
				diffs = append(diffs, p+": not built any more")
			}
		}
		return nil
	})
	return diffs
}
