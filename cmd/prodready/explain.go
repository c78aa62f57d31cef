package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/prodready/prodready/examples"
	"github.com/prodready/prodready/internal/docs"
)

func newExplain() *cobra.Command {
	var policies policyDirs
	cmd := &cobra.Command{
		Use:   "explain RULE",
		Short: "Explain a rule: what it checks and why, how to fix it, parameters, exemption, example",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			set, err := policies.set()
			if err != nil {
				return err
			}
			r, ok := set.Rule(args[0])
			if !ok {
				return fmt.Errorf("unknown rule %q: `prodready rules` lists them", args[0])
			}
			_, err = cmd.OutOrStdout().Write(docs.Render(r, examples.FS))
			return err
		},
	}
	policies.register(cmd)
	return cmd
}
