// Package bundle holds what prodready's bundle builders share: the options
// every target takes and the deterministic set of files a build produces.
// The targets live in the sub-packages opabundle, gatekeeper and conftest;
// each turns the same Rego, unchanged, into what its engine loads.
package bundle

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"github.com/prodready/prodready/pkg/policy"
	"github.com/prodready/prodready/pkg/version"
)

// Options select what a bundle carries.
type Options struct {
	// Set is the policy library; nil means the one embedded in prodready.
	Set *policy.Set
	// Profile selects the rules; "" means baseline.
	Profile policy.Profile
	// Revision names the build; "" means the library version.
	Revision string
}

// Normalize fills in the defaults.
func (o Options) Normalize() (Options, error) {
	if o.Set == nil {
		set, err := policy.Builtin()
		if err != nil {
			return o, fmt.Errorf("loading policies: %w", err)
		}
		o.Set = set
	}
	if o.Profile == "" {
		o.Profile = policy.Baseline
	}
	if o.Revision == "" {
		o.Revision = version.Version
	}
	return o, nil
}

// Rules are the rules the bundle enforces, sorted by ID.
func (o Options) Rules() []policy.Rule {
	return o.Set.Enabled(o.Profile)
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
