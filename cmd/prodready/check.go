package main

import (
	"fmt"
	"io"
	"os"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"

	"github.com/prodready/prodready/pkg/engine"
	"github.com/prodready/prodready/pkg/manifest"
	"github.com/prodready/prodready/pkg/policy"
	"github.com/prodready/prodready/pkg/report"
	"github.com/prodready/prodready/pkg/report/jsonreport"
	"github.com/prodready/prodready/pkg/report/text"
)

func newCheck(stdin io.Reader) *cobra.Command {
	var output, profile, failOn string
	cmd := &cobra.Command{
		Use:   "check [PATH...|-]",
		Short: "Check manifests in files, directories (recursively) or stdin (-)",
		Example: `  prodready check deploy/
  helm template my-chart | prodready check -
  prodready check --output json --fail-on medium k8s/*.yaml`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return report.ErrNoInput
			}
			prof, err := policy.ParseProfile(profile)
			if err != nil {
				return err
			}
			threshold, err := policy.ParseSeverity(failOn)
			if err != nil {
				return fmt.Errorf("--fail-on: %w", err)
			}
			if output != "text" && output != "json" {
				return fmt.Errorf("--output: unknown format %q (want text or json)", output)
			}
			eng, err := engine.New(engine.WithProfile(prof))
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			loaded := manifest.Load(ctx, args, manifest.Options{Stdin: stdin})
			findings, evalErr := eng.Evaluate(ctx, loaded.Objects)
			rep := report.New(loaded, findings, evalErr, threshold)
			out := cmd.OutOrStdout()
			if output == "json" {
				err = jsonreport.Write(out, rep)
			} else {
				err = text.Write(out, rep, text.Options{Color: isTerminal(out)})
			}
			if err != nil {
				return err
			}
			if code := rep.ExitCode(); code != 0 {
				return exitError{code}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&output, "output", "o", "text", "output format: text or json")
	f.StringVar(&profile, "profile", "baseline", "rule profile: baseline or strict")
	f.StringVar(&failOn, "fail-on", "high", "exit 1 on findings at or above this severity: critical, high, medium or low")
	return cmd
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && isatty.IsTerminal(f.Fd()) && os.Getenv("NO_COLOR") == ""
}
