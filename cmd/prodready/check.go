package main

import (
	"fmt"
	"io"
	"os"
	"time"

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
	var policies policyDirs
	var timeout time.Duration
	var showExempted, auditExemptions bool
	var configs configFlags
	cmd := &cobra.Command{
		Use:   "check [PATH...|-]",
		Short: "Check manifests in files, directories (recursively) or stdin (-)",
		Example: `  prodready check deploy/
  helm template my-chart | prodready check -
  prodready check --output json --fail-on medium k8s/*.yaml
  prodready check --policy team/policy deploy/    # with the team's own rules
  prodready check --show-exempted --audit-exemptions deploy/`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return report.ErrNoInput
			}
			prof, err := parseProfile(profile)
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
			set, err := policies.set()
			if err != nil {
				return err
			}
			cfg, err := configs.load(set)
			if err != nil {
				return err
			}
			eng, err := engine.New(engine.WithPolicies(set), engine.WithConfig(cfg), engine.WithProfile(prof), engine.WithTimeout(timeout))
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			loaded := manifest.Load(ctx, args, manifest.Options{Stdin: stdin})
			findings, evalErr := eng.Evaluate(ctx, loaded.Objects)
			rep := report.New(loaded, findings, evalErr, threshold)
			if auditExemptions {
				problems, err := eng.AuditExemptions(ctx, loaded.Objects, findings)
				if err != nil {
					return err
				}
				rep.SetAudit(problems)
			}
			out := cmd.OutOrStdout()
			if output == "json" {
				err = jsonreport.Write(out, rep)
			} else {
				err = text.Write(out, rep, text.Options{Color: isTerminal(out), ShowExempted: showExempted})
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
	f.StringVar(&profile, "profile", "", profileHelp)
	f.StringVar(&failOn, "fail-on", "high", "exit 1 on findings at or above this severity: critical, high, medium or low")
	f.DurationVar(&timeout, "timeout", engine.DefaultTimeout, "how long the rules may take on one object; a rule that takes longer is reported and not run on the rest (0: no limit)")
	f.BoolVar(&showExempted, "show-exempted", false, "list the exempted findings too, each with its exemption (JSON output always lists them, under \"exempted\")")
	f.BoolVar(&auditExemptions, "audit-exemptions", false, "also audit the exemptions: list the ones that matched no finding, expired ones and ones without a reason or with a bad date (JSON: \"audit\"), and exit 1 when there are any")
	policies.register(cmd)
	configs.register(cmd)
	return cmd
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && isatty.IsTerminal(f.Fd()) && os.Getenv("NO_COLOR") == ""
}
