// Command prodready-bench measures prodready as a user runs it: whole
// commands, timed as child processes, on the real corpus beside the
// repository (../shared/corpus) and on larger corpora generated from it,
// side by side with conftest and kube-score on the same input. make bench
// runs it; the figures go to docs/performance.md.
//
//	prodready-bench generate -corpus ../shared/corpus -objects 10000 -out DIR
//	prodready-bench run [-corpus DIR] [-sizes 10000,100000] [-work .bench] [-tools .tools/bin] [-prodready bin/prodready] [-markdown]
//	prodready-bench load PATH...
//
// Exit codes: 0 done (run: every target met), 1 a target of issue 7 missed,
// 2 a usage error or a run that could not be measured.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/prodready/prodready/pkg/manifest"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// errTargetMissed makes run exit 1 instead of 2: the measurement worked,
// prodready is not as fast as promised.
var errTargetMissed = errors.New("a target was missed")

// errFlags is a flag error that the flag package has already printed.
var errFlags = errors.New("bad flags")

const usage = `usage:
  prodready-bench generate -corpus DIR -objects N -out DIR
  prodready-bench run [-corpus DIR] [-sizes N,N] [-work DIR] [-tools DIR] [-prodready FILE] [-markdown]
  prodready-bench load PATH...
`

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch cmd, rest := args[0], args[1:]; cmd {
	case "generate":
		err = generateCommand(rest, stdout, stderr)
	case "run":
		err = runCommand(rest, stdout, stderr)
	case "load":
		err = loadCommand(rest, stdout)
	default:
		fmt.Fprintf(stderr, "prodready-bench: unknown command %q\n%s", cmd, usage)
		return 2
	}
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errTargetMissed):
		return 1
	case errors.Is(err, errFlags):
		return 2
	default:
		fmt.Fprintln(stderr, "prodready-bench:", err)
		return 2
	}
}

// loadCommand is the load-only baseline that a whole check is compared
// with: prodready's own loader on the same paths, and nothing else. It
// prints the number of objects, which the driver also uses as the size of
// the input.
func loadCommand(paths []string, stdout io.Writer) error {
	if len(paths) == 0 {
		return fmt.Errorf("load: no paths\n%s", usage)
	}
	res := manifest.Load(context.Background(), paths, manifest.Options{})
	_, err := fmt.Fprintln(stdout, len(res.Objects))
	return err
}

// newFlags is a flag set that reports its errors through run rather than
// exiting.
func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("prodready-bench "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// parseFlags parses the flags of a command that takes no arguments.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errFlags
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%s: unexpected arguments %q", fs.Name(), fs.Args())
	}
	return nil
}
