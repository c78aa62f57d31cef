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
	"regexp"
	"runtime/debug"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/prodready/prodready/internal/suggest"
)

// exitError carries an exit code other than the usage error's 2.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

func main() {
	tuneGC()
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// tuneGC collects garbage less often than Go's default, unless GOGC or
// GOMEMLIMIT say otherwise: a check is a short batch run whose garbage is
// mostly each object's evaluation, and the default collector spends a
// tenth or more of its CPU on it. The soft memory limit makes the
// collector work harder again as the heap nears it, so that large inputs
// stay within memory.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(768 << 20)
	}
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
	root.AddCommand(newCheck(stdin), newBaseline(stdin), newRules(), newExplain(), newBundle(), newVersion())
	root.SetFlagErrorFunc(flagError)
	return root
}

// unknownFlag is pflag's word for a flag the command does not have.
var unknownFlag = regexp.MustCompile(`^unknown flag: --(\S+)`)

// flagError adds to an unknown flag the command's flags it is nearest to.
func flagError(cmd *cobra.Command, err error) error {
	m := unknownFlag.FindStringSubmatch(err.Error())
	if m == nil {
		return err
	}
	var names []string
	cmd.Flags().VisitAll(func(f *pflag.Flag) { names = append(names, f.Name) })
	return fmt.Errorf("%w%s", err, suggest.DidYouMean(m[1], names))
}
