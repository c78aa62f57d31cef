package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/prodready/prodready/pkg/config"
	"github.com/prodready/prodready/pkg/policy"
)

func newRules() *cobra.Command {
	var output, profile string
	var policies policyDirs
	var configs configFlags
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "List the rule catalogue, read from the policies' METADATA, with each rule's source",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			prof, err := parseProfile(profile)
			if err != nil {
				return err
			}
			set, cfg, err := library(policies, &configs)
			if err != nil {
				return err
			}
			rules := listedRules(set, cfg, prof)
			out := cmd.OutOrStdout()
			switch output {
			case "json":
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				return enc.Encode(rules)
			case "text":
				tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
				header := []string{"ID", "SEVERITY", "PROFILE"}
				if cfg != nil {
					header = append(header, "ENABLED")
				}
				fmt.Fprintln(tw, strings.Join(append(header, "VERSION", "SOURCE", "TITLE"), "\t"))
				for _, r := range rules {
					row := []string{r.ID, string(r.Severity), string(r.Profile)}
					switch {
					case r.Enabled == nil:
					case *r.Enabled:
						row = append(row, "yes")
					default:
						row = append(row, "no")
					}
					fmt.Fprintln(tw, strings.Join(append(row, r.Version, r.Source, r.Title), "\t"))
				}
				return tw.Flush()
			}
			return fmt.Errorf("--output: unknown format %q (want text or json)", output)
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "text", "output format: text or json")
	cmd.Flags().StringVar(&profile, "profile", "", "only the rules this profile runs (baseline or strict); default all")
	policies.register(cmd)
	configs.register(cmd)
	return cmd
}

// listedRule is a rule as the rules command lists it: as the configuration
// tunes it, and, when a configuration applies, whether it runs.
type listedRule struct {
	policy.Rule
	Enabled *bool `json:"enabled,omitempty"`
}

// listedRules are the rules of set, or only those that run under an
// explicit profile, as cfg (which may be nil) tunes them.
func listedRules(set *policy.Set, cfg *config.Config, explicit policy.Profile) []listedRule {
	var rules []listedRule
	for _, r := range set.Rules {
		on := cfg.Enables(r, cfg.ResolveProfile(explicit))
		if explicit != "" && !on {
			continue
		}
		listed := listedRule{Rule: cfg.Tune(r)}
		if cfg != nil {
			listed.Enabled = &on
		}
		rules = append(rules, listed)
	}
	return rules
}
