package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/prodready/prodready/pkg/baseline"
	"github.com/prodready/prodready/pkg/policy"
	"github.com/prodready/prodready/pkg/report/text"
)

func newBaseline(stdin io.Reader) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "baseline",
		Short: "Record today's findings, so that check --baseline reports only new ones",
		Long: `A baseline records the findings a repository has today, so that a team adopting
prodready fails only on new ones while it works the known ones down. Findings are
matched by rule, object (kind, namespace, name) and container, not by file or line,
so moved or reformatted YAML stays matched. The file is sorted YAML, one finding a
line: commit it, and rewrite it as findings are fixed.`,
	}
	cmd.AddCommand(newBaselineWrite(stdin))
	return cmd
}

func newBaselineWrite(stdin io.Reader) *cobra.Command {
	var in inputFlags
	cmd := &cobra.Command{
		Use:   "write FILE [PATH...|-]",
		Short: "Check the paths as check does and write every finding (exempted ones too) to FILE",
		Example: `  prodready baseline write .prodready-baseline.yaml deploy/
  prodready check --baseline .prodready-baseline.yaml deploy/`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			file, paths := args[0], args[1:]
			c, err := in.run(cmd, stdin, paths, policy.Critical, false)
			if err != nil {
				return err
			}
			rep := c.report
			all := rep.AllFindings()
			if err := baseline.New(all).WriteFile(file); err != nil {
				return err
			}
			if len(rep.Errors) > 0 {
				// The baseline holds what could be read; say what could not.
				if err := text.Write(cmd.ErrOrStderr(), rep, text.Options{Quiet: true}); err != nil {
					return err
				}
				return exitError{2}
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "wrote %d findings of %d objects to %s\n", len(all), rep.Summary.Objects, file)
			return err
		},
	}
	in.register(cmd)
	return cmd
}
