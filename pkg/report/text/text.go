// Package text writes a report for people: findings grouped by object, the
// fix under each, the exempted findings when asked, the exemption audit,
// input errors, and a summary with counts per severity.
// Colour only when asked (the CLI asks on a terminal).
package text

import (
	"fmt"
	"io"
	"strings"

	"github.com/prodready/prodready/pkg/engine"
	"github.com/prodready/prodready/pkg/policy"
	"github.com/prodready/prodready/pkg/report"
)

// Options shape the output.
type Options struct {
	Color bool
	// ShowExempted lists the exempted findings too, each with its exemption.
	ShowExempted bool
}

const reset = "\x1b[0m"

var colors = map[policy.Severity]string{
	policy.Critical: "\x1b[1;35m",
	policy.High:     "\x1b[1;31m",
	policy.Medium:   "\x1b[33m",
	policy.Low:      "\x1b[36m",
}

type printer struct {
	w     io.Writer
	color bool
	err   error
}

func (p *printer) printf(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, args...)
	}
}

func (p *printer) paint(code, s string) string {
	if !p.color {
		return s
	}
	return code + s + reset
}

// Write renders r.
func Write(w io.Writer, r *report.Report, opts Options) error {
	p := &printer{w: w, color: opts.Color}
	writeFindings(p, r.Findings)
	if opts.ShowExempted && len(r.Exempted) > 0 {
		p.printf("%s\n", p.paint("\x1b[1m", "Exempted findings (not failing):"))
		writeFindings(p, r.Exempted)
	}
	writeAudit(p, r.Audit)
	for _, e := range r.Errors {
		p.printf("%s %s\n", p.paint(colors[policy.High], "error:"), describe(e))
	}
	for _, s := range r.Skipped {
		p.printf("skipped: %s: document %d: %s\n", s.File, s.Document, s.Reason)
	}
	p.printf("%s\n", summary(r, opts))
	return p.err
}

// writeFindings writes findings grouped by object, then a blank line.
func writeFindings(p *printer, findings []engine.Finding) {
	var last string
	for _, f := range findings {
		if key := fmt.Sprintf("%s:%d %s", f.File, f.Line, f.Object); key != last {
			if last != "" {
				p.printf("\n")
			}
			last = key
			p.printf("%s  %s\n", p.paint("\x1b[1m", f.Object.Kind+" "+qualifiedName(f.Object)), p.paint("\x1b[2m", fmt.Sprintf("%s:%d", f.File, f.Line)))
		}
		writeFinding(p, f)
	}
	if len(findings) > 0 {
		p.printf("\n")
	}
}

func writeFinding(p *printer, f engine.Finding) {
	sev := strings.ToUpper(string(f.Severity))
	subject := f.Rule
	if f.Container != "" {
		subject += fmt.Sprintf(" (container %s)", f.Container)
	}
	p.printf("  %s %s\n", p.paint(colors[f.Severity], fmt.Sprintf("%-8s", sev)), p.paint("\x1b[1m", subject))
	p.printf("           %s\n", f.Message)
	if x := f.Exemption; x != nil {
		p.printf("           %s\n", p.paint("\x1b[36m", exemptionText(x)))
	}
	if fix := firstLine(f.Remediation); fix != "" && !f.Exempted {
		p.printf("           %s %s\n", p.paint("\x1b[32m", "fix:"), fix)
	}
}

// exemptionText says what the exemption covering a finding does to it.
func exemptionText(x *engine.Exemption) string {
	source := "annotation"
	if x.Source == engine.SourceConfig {
		source = "configuration"
		if x.Line > 0 {
			source += fmt.Sprintf(" line %d", x.Line)
		}
	}
	reason := x.Reason
	if strings.TrimSpace(reason) == "" {
		reason = "no reason given"
	}
	switch {
	case x.Invalid && x.Source == engine.SourceConfig:
		return fmt.Sprintf("exemption ignored (%s): expires %q is not a date (YYYY-MM-DD)", source, x.Until)
	case x.Invalid:
		return fmt.Sprintf("exemption ignored (%s): %s %q is not a date (YYYY-MM-DD)", source, engine.ExemptUntilAnnotation, x.Until)
	case x.Expired:
		return fmt.Sprintf("was exempted until %s (expired; %s): %s", x.Until, source, reason)
	case x.Until != "":
		return fmt.Sprintf("exempted: %s (until %s; %s)", reason, x.Until, source)
	}
	return fmt.Sprintf("exempted: %s (%s)", reason, source)
}

// writeAudit lists the exemption audit's problems, when it ran.
func writeAudit(p *printer, problems []engine.ExemptionProblem) {
	if problems == nil {
		return
	}
	if len(problems) == 0 {
		p.printf("Exemption audit: no problems\n\n")
		return
	}
	p.printf("%s\n", p.paint("\x1b[1m", "Exemption audit:"))
	for _, x := range problems {
		p.printf("  %s %s: %s\n", p.paint(colors[policy.Medium], fmt.Sprintf("%-12s", x.Problem)), auditSubject(x), x.Message)
	}
	p.printf("\n")
}

// auditSubject names the exemption a problem is about.
func auditSubject(x engine.ExemptionProblem) string {
	if x.Object != nil {
		return fmt.Sprintf("%s %s (%s:%d)", x.Object.Kind, qualifiedName(*x.Object), x.File, x.Line)
	}
	where := "configuration"
	if x.Line > 0 {
		where += fmt.Sprintf(" line %d", x.Line)
	} else {
		where += fmt.Sprintf(" exemption %d", x.Index+1)
	}
	return fmt.Sprintf("%s (rules %s)", where, strings.Join(x.Rules, ", "))
}

func qualifiedName(o engine.ObjectRef) string {
	if o.Namespace == "" {
		return o.Name
	}
	return o.Namespace + "/" + o.Name
}

// firstLine keeps the remediation's first paragraph on one line.
func firstLine(s string) string {
	para, _, _ := strings.Cut(strings.TrimSpace(s), "\n\n")
	return strings.Join(strings.Fields(para), " ")
}

func describe(e report.InputError) string {
	if e.File == "" {
		return e.Message
	}
	if e.Document == 0 {
		return fmt.Sprintf("%s: %s", e.File, e.Message)
	}
	return fmt.Sprintf("%s: document %d: %s", e.File, e.Document, e.Message)
}

func summary(r *report.Report, opts Options) string {
	s := r.Summary
	var parts []string
	for _, sev := range []policy.Severity{policy.Critical, policy.High, policy.Medium, policy.Low} {
		if n := s.BySeverity[sev]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, sev))
		}
	}
	line := fmt.Sprintf("%d objects checked, %d findings", s.Objects, s.Findings)
	if len(parts) > 0 {
		line += " (" + strings.Join(parts, ", ") + ")"
	}
	line += fmt.Sprintf(", %d at or above %s", s.Failing, s.FailOn)
	if s.Exempted > 0 {
		line += fmt.Sprintf(", %d exempted", s.Exempted)
		if !opts.ShowExempted {
			line += " (--show-exempted lists them)"
		}
	}
	if len(r.Audit) > 0 {
		line += fmt.Sprintf(", %d exemption problems", len(r.Audit))
	}
	if s.Skipped > 0 {
		line += fmt.Sprintf(", %d documents skipped", s.Skipped)
	}
	if s.Errors > 0 {
		line += fmt.Sprintf(", %d input errors", s.Errors)
	}
	return line
}
