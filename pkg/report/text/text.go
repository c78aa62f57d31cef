// Package text writes a report for people: findings grouped by object, the
// fix under each, the exempted findings when asked, the exemption audit,
// input errors, warnings about the input, and a summary with counts per
// severity; or, quiet, only the errors and the summary (which counts the
// warnings). Colour only when asked (the CLI asks on a
// terminal).
package text

import (
	"cmp"
	"fmt"
	"io"
	"slices"
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
	// Quiet writes only the input errors and the summary line.
	Quiet bool
}

const (
	reset = "\x1b[0m"
	bold  = "\x1b[1m"
	dim   = "\x1b[2m"
	green = "\x1b[32m"
	cyan  = "\x1b[36m"
)

// indent lines up a finding's message, exemption and fix under its rule.
const indent = "           "

// severities are the severities, most severe first.
var severities = []policy.Severity{policy.Critical, policy.High, policy.Medium, policy.Low}

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
	if opts.Quiet {
		writeErrors(p, r.Errors)
		p.printf("%s\n", summary(p, r, opts))
		return p.err
	}
	writeFindings(p, r.Findings)
	if opts.ShowExempted && len(r.Exempted) > 0 {
		p.printf("%s\n", p.paint(bold, "Exempted findings (not failing):"))
		writeFindings(p, r.Exempted)
	}
	writeAudit(p, r.Audit)
	writeErrors(p, r.Errors)
	for _, w := range r.Warnings {
		p.printf("%s %s\n", p.paint(colors[policy.Medium], "warning:"), w.Message)
	}
	for _, s := range r.Skipped {
		p.printf("skipped: %s: document %d: %s\n", s.File, s.Document, s.Reason)
	}
	p.printf("%s\n", summary(p, r, opts))
	return p.err
}

func writeErrors(p *printer, errs []report.InputError) {
	for _, e := range errs {
		p.printf("%s %s\n", p.paint(colors[policy.High], "error:"), describe(e))
	}
}

// writeFindings writes findings grouped by object, in the order the
// objects come, the most severe finding of each first, then a blank line.
// A finding about one field names the field's line.
func writeFindings(p *printer, findings []engine.Finding) {
	for _, group := range byObject(findings) {
		first := group[0]
		line := first.ObjectLine
		if line == 0 { // a finding made by hand, without positions
			line = first.Line
		}
		p.printf("%s  %s\n", p.paint(bold, first.Object.Kind+" "+qualifiedName(first.Object)), p.paint(dim, fmt.Sprintf("%s:%d", first.File, line)))
		for _, f := range group {
			writeFinding(p, f, line)
		}
		p.printf("\n")
	}
}

// byObject groups findings by file and object, keeping the objects' order,
// and sorts each group by severity, most severe first.
func byObject(findings []engine.Finding) [][]engine.Finding {
	type key struct {
		file string
		line int
		obj  engine.ObjectRef
	}
	index := map[key]int{}
	var groups [][]engine.Finding
	for _, f := range findings {
		k := key{f.File, f.ObjectLine, f.Object}
		i, ok := index[k]
		if !ok {
			i = len(groups)
			index[k] = i
			groups = append(groups, nil)
		}
		groups[i] = append(groups[i], f)
	}
	for _, g := range groups {
		slices.SortStableFunc(g, func(a, b engine.Finding) int {
			return cmp.Compare(slices.Index(severities, a.Severity), slices.Index(severities, b.Severity))
		})
	}
	return groups
}

func writeFinding(p *printer, f engine.Finding, objectLine int) {
	subject := f.Rule
	if f.Container != "" {
		subject += fmt.Sprintf(" (container %s)", f.Container)
	}
	where := ""
	if f.Line != objectLine {
		where = "  " + p.paint(dim, fmt.Sprintf("line %d", f.Line))
	}
	p.printf("  %s %s%s\n", p.paint(colors[f.Severity], fmt.Sprintf("%-8s", strings.ToUpper(string(f.Severity)))), p.paint(bold, subject), where)
	p.printf("%s%s\n", indent, f.Message)
	if x := f.Exemption; x != nil {
		p.printf("%s%s\n", indent, p.paint(cyan, exemptionText(x)))
	}
	if fix := firstLine(f.Remediation); fix != "" && !f.Exempted {
		p.printf("%s%s %s\n", indent, p.paint(green, "fix:"), fix)
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
	p.printf("%s\n", p.paint(bold, "Exemption audit:"))
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

// summary is the last line: what was checked and found, per severity,
// against the failure threshold.
func summary(p *printer, r *report.Report, opts Options) string {
	s := r.Summary
	var parts []string
	for _, sev := range severities {
		if n := s.BySeverity[sev]; n > 0 {
			parts = append(parts, p.paint(colors[sev], fmt.Sprintf("%d %s", n, sev)))
		}
	}
	line := count(s.Objects, "object") + " checked, " + count(s.Findings, "finding")
	if len(parts) > 0 {
		line += " (" + strings.Join(parts, ", ") + ")"
	}
	line += fmt.Sprintf(", %d at or above %s", s.Failing, s.FailOn)
	if s.Exempted > 0 {
		line += fmt.Sprintf(", %d exempted", s.Exempted)
		if !opts.ShowExempted && !opts.Quiet {
			line += " (--show-exempted lists them)"
		}
	}
	if len(r.Audit) > 0 {
		line += ", " + count(len(r.Audit), "exemption problem")
	}
	if s.Skipped > 0 {
		line += ", " + count(s.Skipped, "document") + " skipped"
	}
	if s.Errors > 0 {
		line += ", " + count(s.Errors, "input error")
	}
	if s.Warnings > 0 {
		line += ", " + count(s.Warnings, "warning")
	}
	return line
}

// count says n things in English: 1 object, 2 objects.
func count(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}
