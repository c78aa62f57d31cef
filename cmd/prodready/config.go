package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/prodready/prodready/pkg/config"
	"github.com/prodready/prodready/pkg/policy"
)

// configFlags choose the team configuration a command applies: --config
// FILE, else the .prodready.yaml nearest up from the working directory,
// unless --no-config.
type configFlags struct {
	file string
	none bool
}

func (c *configFlags) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&c.file, "config", "", "configuration file (default: "+config.FileName+" in the working directory or the nearest parent directory that has one)")
	f.BoolVar(&c.none, "no-config", false, "apply no configuration file, not even a "+config.FileName+" found")
	cmd.MarkFlagsMutuallyExclusive("config", "no-config")
}

// load reads the configuration the flags choose and checks it against set
// (the built-in rules and the --policy ones); nil when there is none.
// Its errors name the file and line.
func (c *configFlags) load(set *policy.Set) (*config.Config, error) {
	if c.none {
		return nil, nil
	}
	if c.file != "" {
		return config.Load(c.file, set)
	}
	wd, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	path, ok := config.Find(wd)
	if !ok {
		return nil, nil
	}
	// Relative to where the user is, as they would type it.
	if rel, err := filepath.Rel(wd, path); err == nil {
		path = rel
	}
	return config.Load(path, set)
}

// library loads the rules (built-in plus every --policy directory) and the
// configuration that tunes them, as check, rules and bundle all need.
func library(policies policyDirs, configs *configFlags) (*policy.Set, *config.Config, error) {
	set, err := policies.set()
	if err != nil {
		return nil, nil, err
	}
	cfg, err := configs.load(set)
	if err != nil {
		return nil, nil, err
	}
	return set, cfg, nil
}

// parseProfile reads --profile; "" leaves the profile to the configuration
// (else baseline).
func parseProfile(s string) (policy.Profile, error) {
	if s == "" {
		return "", nil
	}
	p, err := policy.ParseProfile(s)
	if err != nil {
		return "", fmt.Errorf("--profile: %w", err)
	}
	return p, nil
}

// profileHelp is the help of a --profile that chooses the rules to run.
const profileHelp = "rule profile: baseline or strict (default: the configuration's, else baseline)"
