package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/prodready/prodready/examples"
	"github.com/prodready/prodready/internal/docs"
	"github.com/prodready/prodready/internal/mdterm"
	"github.com/prodready/prodready/internal/suggest"
)

func newExplain() *cobra.Command {
	var policies policyDirs
	cmd := &cobra.Command{
		Use:   "explain RULE",
		Short: "Explain a rule: what it checks and why, how to fix it, parameters, exemption, example",
		Long: `Explain a rule: what it checks and why, how to fix it, its parameters, how to
exempt an object, and an example. On a terminal the page is rendered (styles,
wrapped to its width); on a pipe it is the Markdown itself, as in docs/rules/.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			set, err := policies.set()
			if err != nil {
				return err
			}
			var ids []string
			for _, r := range set.Rules {
				ids = append(ids, r.ID)
			}
			id := args[0]
			if near := suggest.Closest(id, ids); len(near) == 1 && strings.EqualFold(near[0], id) {
				id = near[0] // PDB-MISSING is pdb-missing
			}
			r, ok := set.Rule(id)
			if !ok {
				return fmt.Errorf("unknown rule %q%s (`prodready rules` lists them)", args[0], suggest.DidYouMean(args[0], ids))
			}
			page, out := docs.Render(r, examples.FS), cmd.OutOrStdout()
			if !isTerminal(out) {
				_, err = out.Write(page) // Markdown as is: explain RULE > RULE.md
				return err
			}
			return mdterm.Render(out, string(page), mdterm.Options{Width: terminalWidth(out), Color: colorTerminal(out)})
		},
	}
	policies.register(cmd)
	return cmd
}
