// Command checkdir checks manifest files and directories with the
// prodready SDK, as `prodready check` does, in a page of code: Check reads
// and evaluates in one pass, its error holds the input errors, and the
// Results say which findings fail at the threshold.
//
//	checkdir [--fail-on high] PATH...
//
// It exits 1 when a finding fails, 2 on a usage or input error.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/prodready/prodready/pkg/engine"
	"github.com/prodready/prodready/pkg/manifest"
	"github.com/prodready/prodready/pkg/policy"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("checkdir", flag.ContinueOnError)
	flags.SetOutput(stderr)
	failOn := flags.String("fail-on", "high", "fail on findings at or above this severity")
	if err := flags.Parse(args); err != nil {
		return 2
	}
	threshold, err := policy.ParseSeverity(*failOn)
	if err != nil || flags.NArg() == 0 {
		fmt.Fprintln(stderr, "usage: checkdir [--fail-on critical|high|medium|low] PATH...", err)
		return 2
	}
	eng, err := engine.New()
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	res, err := eng.Check(ctx, flags.Args(), manifest.Options{})
	for _, f := range res.Findings {
		fmt.Fprintf(stdout, "%s:%d %s %s %s: %s\n  fix: %s\n", f.File, f.Line, f.Severity, f.Rule, f.Object, f.Message, f.Remediation)
	}
	failing := res.Failing(threshold)
	fmt.Fprintf(stdout, "%d objects, %d findings, %d failing at %s, %d exempted\n",
		len(res.Read.Objects), len(res.Findings), len(failing), threshold, len(res.Exempted))
	switch {
	case err != nil: // a missing path, a broken document: each named by file and document
		fmt.Fprintln(stderr, err)
		return 2
	case len(failing) > 0:
		return 1
	}
	return 0
}
