package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/prodready/prodready/pkg/engine"
	"github.com/prodready/prodready/pkg/policy"
)

// policyDirs are the --policy directories of team rules a command adds to
// the built-in ones: check, rules, explain and bundle read them alike.
type policyDirs []string

func (p *policyDirs) register(cmd *cobra.Command) {
	cmd.Flags().StringArrayVar((*[]string)(p), "policy", nil, "directory of team Rego rules to add, repeatable; a rule with a built-in rule's ID replaces it")
}

// set returns the built-in library with the directories' rules merged in.
// It compiles them, every profile's, in the engine's sandbox, so that a
// broken team rule is an error (with its file and line) for every command,
// whichever rules it then runs.
func (p policyDirs) set() (*policy.Set, error) {
	set, err := policy.Builtin()
	if err != nil || len(p) == 0 {
		return set, err
	}
	teams := make([]*policy.Set, len(p))
	for i, dir := range p {
		if info, err := os.Stat(dir); err != nil {
			return nil, fmt.Errorf("--policy: %w", err)
		} else if !info.IsDir() {
			return nil, fmt.Errorf("--policy %s: not a directory", dir)
		}
		// The directory as given, so that errors show the user's paths.
		if teams[i], err = policy.LoadTeam(filepath.ToSlash(filepath.Clean(dir)), os.DirFS(dir)); err != nil {
			return nil, err
		}
	}
	if set, err = policy.Merge(set, teams...); err != nil {
		return nil, err
	}
	if _, err := engine.New(engine.WithPolicies(set), engine.WithProfile(policy.Strict)); err != nil {
		return nil, err
	}
	return set, nil
}
