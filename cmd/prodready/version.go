package main

import (
	"fmt"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/prodready/prodready/pkg/version"
)

func newVersion() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print prodready's version and the rule catalogue's",
		Args:  cobra.NoArgs,
		Run: func(cmd *cobra.Command, _ []string) {
			fmt.Fprintf(cmd.OutOrStdout(), "prodready %s (%s, %s/%s)\nrule catalogue %s\n",
				version.Version, runtime.Version(), runtime.GOOS, runtime.GOARCH, version.Catalogue)
		},
	}
}
