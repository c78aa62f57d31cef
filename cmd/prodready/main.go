// Command prodready checks Kubernetes manifests against production
// practice: requests and limits, probes, availability, autoscaling, secrets,
// RBAC and spot capacity. It wires flags to the pkg/ packages and a
// renderer; the rules themselves are Rego, embedded.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
)

// exitError carries an exit code other than the usage error's 2.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run executes the command line and returns the exit code: 0 clean,
// 1 failing findings, 2 usage or input error.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root := newRoot(stdin)
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.Execute()
	var exit exitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exit):
		return exit.code
	default:
		fmt.Fprintln(stderr, "prodready:", err)
		return 2
	}
}

func newRoot(stdin io.Reader) *cobra.Command {
	root := &cobra.Command{
		Use:           "prodready",
		Short:         "Check Kubernetes manifests against hard-won production practice",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(newCheck(stdin), newRules(), newExplain(), newBundle(), newVersion())
	return root
}
