// Command checkdir checks manifest files and directories with the prodready
// SDK, as `prodready check` does, in a page of code: engine.Check reads and
// evaluates in one pass, its error holds every input error (each naming its
// file and document), and the Results say which findings fail at the
// threshold.
//
//	checkdir [--fail-on high] PATH...
//
// It exits 1 when a finding fails at the threshold, 2 on a usage or input
// error: a check that could not read all of its input has not passed.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/prodready/prodready/pkg/engine"
	"github.com/prodready/prodready/pkg/manifest"
	"github.com/prodready/prodready/pkg/policy"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is the whole program but for the process: it returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("checkdir", flag.ContinueOnError)
	flags.SetOutput(stderr)
	flags.Usage = func() {
		fmt.Fprintln(stderr, "usage: checkdir [--fail-on critical|high|medium|low] PATH...")
		flags.PrintDefaults()
	}
	failOn := flags.String("fail-on", "high", "exit 1 on findings at or above this severity")
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	threshold, err := policy.ParseSeverity(*failOn)
	if err != nil {
		fmt.Fprintln(stderr, "checkdir:", err)
		return 2
	}
	if flags.NArg() == 0 {
		flags.Usage()
		return 2
	}

	eng, err := engine.New() // the baseline profile, no configuration
	if err != nil {
		fmt.Fprintln(stderr, "checkdir:", err)
		return 2
	}
	// Check reports what it could read even when some input is missing or
	// broken: print the findings, then the errors.
	res, err := eng.Check(context.Background(), flags.Args(), manifest.Options{})
	for _, f := range res.Findings {
		fmt.Fprintf(stdout, "%s:%d: %s %s (%s)\n  %s\n  fix: %s\n",
			f.File, f.Line, f.Object, f.Rule, f.Severity, f.Message, oneLine(f.Remediation))
	}
	for _, w := range res.Warnings { // e.g. one object defined twice
		fmt.Fprintln(stderr, "warning:", w.Message)
	}
	failing := res.Failing(threshold)
	fmt.Fprintf(stdout, "%d objects, %d findings, %d failing at %s\n",
		len(res.Read.Objects), len(res.Findings), len(failing), threshold)
	switch {
	case err != nil:
		fmt.Fprintln(stderr, err)
		return 2
	case len(failing) > 0:
		return 1
	}
	return 0
}

// oneLine joins a remediation's lines, written as a YAML block, into one.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
