package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"
	"golang.org/x/term"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/prodready/prodready/pkg/baseline"
	"github.com/prodready/prodready/pkg/engine"
	"github.com/prodready/prodready/pkg/manifest"
	"github.com/prodready/prodready/pkg/policy"
	"github.com/prodready/prodready/pkg/report"
	"github.com/prodready/prodready/pkg/report/text"
)

// inputFlags are what a check reads and with which rules: check and
// baseline write share them.
type inputFlags struct {
	profile              string
	policies             policyDirs
	configs              configFlags
	renders              renderFlags
	timeout, ruleTimeout time.Duration
	maxFileSize          string
	maxDepth, maxValues  int
	auditExemptions      bool
}

func (in *inputFlags) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&in.profile, "profile", "", profileHelp)
	f.DurationVar(&in.timeout, "timeout", 0, "how long the whole check may take; when it is over, the check stops and reports what it found so far, and exits 2 (0: no limit)")
	f.DurationVar(&in.ruleTimeout, "rule-timeout", engine.DefaultTimeout, "how long the rules may take on one object; a rule that takes longer is reported and not run on the rest (0: no limit)")
	f.StringVar(&in.maxFileSize, "max-file-size", "64Mi", "the largest file (or standard input) read, in bytes or as a quantity (64Mi, 1G); a larger one is an input error and is not read")
	f.IntVar(&in.maxDepth, "max-depth", manifest.DefaultMaxDepth, "how deep mappings and sequences may nest in a document; a deeper document is an input error")
	f.IntVar(&in.maxValues, "max-values", manifest.DefaultMaxValues, "how many values a document may hold, estimated from its lines and commas (parsing takes about 250 bytes a value); a larger document is an input error and is not parsed")
	in.policies.register(cmd)
	in.configs.register(cmd)
	in.renders.register(cmd)
}

// checkRun is a check done: its report, the rules that ran and the
// objects read.
type checkRun struct {
	report  *report.Report
	rules   []policy.Rule
	objects []*manifest.Object
}

// run checks paths (stdin for -), showing progress on a terminal's stderr
// unless quiet, and reports against threshold.
func (in *inputFlags) run(cmd *cobra.Command, stdin io.Reader, paths []string, threshold policy.Severity, quiet bool) (*checkRun, error) {
	if len(paths) == 0 {
		return nil, report.ErrNoInput
	}
	prof, err := parseProfile(in.profile)
	if err != nil {
		return nil, err
	}
	set, cfg, err := library(in.policies, &in.configs)
	if err != nil {
		return nil, err
	}
	limits, err := parseLimits(in.maxFileSize, in.maxDepth, in.maxValues)
	if err != nil {
		return nil, err
	}
	var prog *progress
	if !quiet {
		prog = startProgress(cmd.ErrOrStderr(), isTerminal(cmd.ErrOrStderr()))
	}
	ctx, stop := withDeadline(cmd.Context(), in.timeout)
	defer stop()
	// Rules run while the input is read; only the objects that
	// cross-object rules need are kept until the end.
	limits.Stdin, limits.Progress, limits.Renderer = stdin, prog.loaded, in.renders.renderer()
	c, err := checkWhileCompiling(ctx, paths, limits, func() (*engine.Engine, error) {
		opts := []engine.Option{engine.WithPolicies(set), engine.WithConfig(cfg), engine.WithProfile(prof), engine.WithTimeout(in.ruleTimeout),
			engine.WithProgress(func(done, total int) { prog.evaluated(done, total) })}
		if in.auditExemptions {
			opts = append(opts, engine.WithExemptionAudit())
		}
		return engine.New(opts...)
	})
	prog.finish()
	if err != nil {
		return nil, err
	}
	loaded, evalErr := c.loaded, c.evalErr
	if ctx.Err() != nil && cmd.Context().Err() == nil {
		// The deadline, not the caller, stopped the check: say so
		// once, instead of the loader's and the engine's own words.
		loaded.Errors = slices.DeleteFunc(loaded.Errors, func(e *manifest.Error) bool { return e.File == "" && errors.Is(e, context.DeadlineExceeded) })
		evalErr = fmt.Errorf("the check did not finish within %s (--timeout): it reports what it read and evaluated until then", in.timeout)
	}
	rep := report.New(loaded, c.results, evalErr, threshold)
	rep.Summary.Profile = cfg.ResolveProfile(prof)
	if cfg != nil {
		rep.Summary.Config = cfg.File
	}
	return &checkRun{report: rep, rules: c.eng.Rules(), objects: loaded.Objects}, nil
}

func newCheck(stdin io.Reader) *cobra.Command {
	var in inputFlags
	var output, failOn, baselineFile string
	var showExempted, requireReasons, quiet, verbose bool
	cmd := &cobra.Command{
		Use:   "check [PATH...|-]",
		Short: "Check manifests in files, directories (recursively), Helm charts, kustomize overlays or stdin (-)",
		Long: `Check manifests in files, directories (recursively), Helm charts, kustomize overlays or
standard input (-). A directory with Chart.yaml (or a .tgz chart archive) is rendered as
helm template renders it, one with kustomization.yaml as kustomize build builds it, and
findings name the template or resource file they come from; --no-render reads them as
plain files.`,
		Example: `  prodready check deploy/
  prodready check charts/web -f prod-values.yaml --set replicaCount=3
  prodready check overlays/production
  helm template my-chart | prodready check -
  prodready check --output json --fail-on medium k8s/*.yaml
  prodready check --output sarif deploy/ > prodready.sarif   # for code scanning
  prodready check --output junit deploy/ > prodready.xml     # for CI test reports
  prodready check --output github deploy/                    # annotations in GitHub Actions
  prodready check --policy team/policy deploy/    # with the team's own rules
  prodready check --baseline .prodready-baseline.yaml deploy/  # only what is new
  prodready check --show-exempted --audit-exemptions deploy/`,
		RunE: func(cmd *cobra.Command, args []string) error {
			threshold, err := policy.ParseSeverity(failOn)
			if err != nil {
				return fmt.Errorf("--fail-on: %w", err)
			}
			if err := checkOutputFormat(output); err != nil {
				return err
			}
			if (quiet || verbose) && output != "text" {
				return fmt.Errorf("--quiet and --verbose are for the text output, not %s", output)
			}
			var known *baseline.Baseline
			if baselineFile != "" {
				if known, err = baseline.Read(baselineFile); err != nil {
					return err
				}
			}
			c, err := in.run(cmd, stdin, args, threshold, quiet)
			if err != nil {
				return err
			}
			rep := c.report
			if known != nil {
				rep.ApplyBaseline(known, baselineFile)
			}
			if requireReasons {
				rep.RequireExemptionReasons()
			}
			out := cmd.OutOrStdout()
			r := rendering{report: rep, rules: c.rules, objects: c.objects,
				text: text.Options{Color: colorTerminal(out), Width: terminalWidth(out), ShowExempted: showExempted, Quiet: quiet, Verbose: verbose}}
			if err := r.write(out, output); err != nil {
				return err
			}
			if code := rep.ExitCode(); code != 0 {
				return exitError{code}
			}
			return nil
		},
	}
	in.register(cmd)
	f := cmd.Flags()
	f.StringVarP(&output, "output", "o", "text", outputHelp)
	f.StringVar(&failOn, "fail-on", "high", "exit 1 on findings at or above this severity: critical, high, medium or low")
	f.StringVar(&baselineFile, "baseline", "", "report only the findings this baseline (written by prodready baseline write) does not hold, and how many it hid and how many of its findings are fixed")
	f.BoolVar(&showExempted, "show-exempted", false, "list the exempted findings too, each with its exemption (JSON output always lists them, under \"exempted\")")
	f.BoolVarP(&quiet, "quiet", "q", false, "text output: write only the summary line (and input errors); no progress either")
	f.BoolVarP(&verbose, "verbose", "v", false, "text output: write each finding's whole message and its fix under its line")
	cmd.MarkFlagsMutuallyExclusive("quiet", "verbose")
	f.BoolVar(&requireReasons, "require-exemption-reason", false, "make an exemption annotation without "+engine.ExemptReasonAnnotation+" an input error (exit 2) at its object, not a warning")
	f.BoolVar(&in.auditExemptions, "audit-exemptions", false, "also audit the exemptions: list the ones that matched no finding, expired ones and ones without a reason or with a bad date (JSON: \"audit\"), and exit 1 when there are any")
	return cmd
}

// parseLimits reads --max-file-size, --max-depth and --max-values.
func parseLimits(maxFileSize string, maxDepth, maxValues int) (manifest.Options, error) {
	size, err := resource.ParseQuantity(maxFileSize)
	if err != nil || size.Sign() <= 0 {
		return manifest.Options{}, fmt.Errorf("--max-file-size %q: want a positive number of bytes, such as 1048576 or 64Mi", maxFileSize)
	}
	if maxDepth <= 0 {
		return manifest.Options{}, fmt.Errorf("--max-depth %d: want a positive number of levels", maxDepth)
	}
	if maxValues <= 0 {
		return manifest.Options{}, fmt.Errorf("--max-values %d: want a positive number of values", maxValues)
	}
	return manifest.Options{MaxFileSize: size.Value(), MaxDepth: maxDepth, MaxValues: maxValues}, nil
}

// withDeadline is ctx with the --timeout deadline, if there is one.
func withDeadline(ctx context.Context, timeout time.Duration) (context.Context, context.CancelFunc) {
	if timeout <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, timeout)
}

// isTerminal says whether w is a terminal; tests replace it.
var isTerminal = terminalFile

func terminalFile(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && isatty.IsTerminal(f.Fd())
}

// terminalWidth is how many columns the terminal w is, to wrap text to; 0
// when w is no terminal (a pipe or a file gets a line per finding).
func terminalWidth(w io.Writer) int {
	f, ok := w.(*os.File)
	if !ok || !isTerminal(w) {
		return 0
	}
	width, _, err := term.GetSize(int(f.Fd()))
	if err != nil || width <= 0 {
		return 80
	}
	return width
}

// colorTerminal says whether to colour what goes to w: on a terminal,
// unless NO_COLOR is set (no-color.org).
func colorTerminal(w io.Writer) bool {
	return isTerminal(w) && os.Getenv("NO_COLOR") == ""
}
