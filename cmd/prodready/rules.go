package main

import (
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/prodready/prodready/pkg/policy"
)

func newRules() *cobra.Command {
	var output, profile string
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "List the rule catalogue, read from the policies' METADATA",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			set, err := policy.Builtin()
			if err != nil {
				return err
			}
			rules := set.Rules
			if profile != "" {
				prof, err := policy.ParseProfile(profile)
				if err != nil {
					return err
				}
				rules = set.Enabled(prof)
			}
			out := cmd.OutOrStdout()
			switch output {
			case "json":
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				return enc.Encode(rules)
			case "text":
				tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
				fmt.Fprintln(tw, "ID\tSEVERITY\tPROFILE\tVERSION\tTITLE")
				for _, r := range rules {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.ID, r.Severity, r.Profile, r.Version, r.Title)
				}
				return tw.Flush()
			}
			return fmt.Errorf("--output: unknown format %q (want text or json)", output)
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "text", "output format: text or json")
	cmd.Flags().StringVar(&profile, "profile", "", "only the rules of this profile (baseline or strict); default all")
	return cmd
}
