// Package text writes a report for people: one line per finding (severity,
// rule, file:line and the message's first clause, naming the container),
// grouped by object with the most severe first; with Verbose the whole
// message and the fix under each; the exempted findings when asked, the
// exemption audit, input errors, warnings about the input, and a summary:
// counts per severity, the profile and configuration applied. Quiet writes
// only the errors and the summary line. Colour and wrapping to a width only
// when asked (the CLI asks on a terminal); unwrapped, a finding is one line
// for grep and CI logs.
package text

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/prodready/prodready/internal/textwrap"
	"github.com/prodready/prodready/pkg/engine"
	"github.com/prodready/prodready/pkg/policy"
	"github.com/prodready/prodready/pkg/report"
)

// Options shape the output.
type Options struct {
	Color bool
	// Width wraps lines to that many columns (a terminal's); 0 does not.
	Width int
	// Verbose adds each finding's whole message and its fix.
	Verbose bool
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

// indent lines up what follows a finding's line under its rule.
const indent = 11

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
	width int
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

// block writes text after prefix, wrapped to the printer's width and
// continued at column at.
func (p *printer) block(prefix, text string, at int) {
	for i, line := range textwrap.Wrap(text, textwrap.Columns(prefix), p.width, at) {
		if i > 0 {
			prefix = strings.Repeat(" ", at)
		}
		p.printf("%s\n", strings.TrimRight(prefix+line, " "))
	}
}

// Write renders r.
func Write(w io.Writer, r *report.Report, opts Options) error {
	p := &printer{w: w, color: opts.Color, width: opts.Width}
	if opts.Quiet {
		writeErrors(p, r.Errors)
		p.printf("%s\n", summary(p, r, opts))
		return p.err
	}
	writeFindings(p, r.Findings, opts.Verbose)
	if opts.ShowExempted && len(r.Exempted) > 0 {
		p.printf("%s\n", p.paint(bold, "Exempted findings (not failing):"))
		writeFindings(p, r.Exempted, opts.Verbose)
	}
	writeAudit(p, r.Audit)
	writeErrors(p, r.Errors)
	for _, w := range r.Warnings {
		p.block(p.paint(colors[policy.Medium], "warning:")+" ", w.Message, 2)
	}
	for _, s := range r.Skipped {
		p.block("skipped: ", fmt.Sprintf("%s: document %d: %s", s.File, s.Document, s.Reason), 2)
	}
	p.block("", summary(p, r, opts), 2)
	if line := settings(r.Summary); line != "" {
		p.printf("%s\n", line)
	}
	if b := r.Baseline; b != nil {
		p.block("", baselineText(b), 2)
	}
	if !opts.Verbose && len(r.Findings) > 0 {
		p.block("", "-v shows each finding's whole message and fix; prodready explain RULE says why the rule matters", 0)
	}
	return p.err
}

func writeErrors(p *printer, errs []report.InputError) {
	for _, e := range errs {
		p.block(p.paint(colors[policy.High], "error:")+" ", describe(e), 2)
	}
}

// writeFindings writes findings grouped by object, in the order the
// objects come, the most severe finding of each first, then a blank line.
func writeFindings(p *printer, findings []engine.Finding, verbose bool) {
	for _, group := range byObject(findings) {
		first := group[0]
		line := first.ObjectLine
		if line == 0 { // a finding made by hand, without positions
			line = first.Line
		}
		p.printf("%s  %s\n", p.paint(bold, first.Object.Kind+" "+first.Object.QualifiedName()), p.paint(dim, fmt.Sprintf("%s:%d", first.File, line)))
		var ruleWidth, whereWidth int
		for _, f := range group {
			ruleWidth, whereWidth = max(ruleWidth, len(f.Rule)), max(whereWidth, utf8.RuneCountInString(where(f)))
		}
		for _, f := range group {
			writeFinding(p, f, ruleWidth, whereWidth, verbose)
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

// where is the file and line a finding is about.
func where(f engine.Finding) string {
	return fmt.Sprintf("%s:%d", f.File, f.Line)
}

// writeFinding writes f's line: severity, rule and where, padded to the
// group's widths, then its message's first clause (whole, when verbose,
// with the fix under it). A clause that does not name the finding's
// container is prefixed with it.
func writeFinding(p *printer, f engine.Finding, ruleWidth, whereWidth int, verbose bool) {
	sev := fmt.Sprintf("%-8s", strings.ToUpper(string(f.Severity)))
	rule, loc := pad(f.Rule, ruleWidth), pad(where(f), whereWidth)
	prefix := "  " + p.paint(colors[f.Severity], sev) + " " + p.paint(bold, rule) + "  " + p.paint(dim, loc) + "  "
	msg := f.Message
	if !verbose {
		msg = headline(msg)
	}
	if f.Container != "" && !strings.Contains(msg, strconv.Quote(f.Container)) {
		msg = "container " + f.Container + ": " + msg
	}
	// A message continues under itself where the columns leave it room,
	// else under the rule.
	at := indent
	if textwrap.Columns(prefix) <= p.width/2 {
		at = textwrap.Columns(prefix)
	}
	p.block(prefix, msg, at)
	pad := strings.Repeat(" ", indent)
	if x := f.Exemption; x != nil {
		p.block(pad, p.paint(cyan, exemptionText(x)), indent)
	}
	if verbose && f.Remediation != "" && !f.Exempted {
		lead := pad + p.paint(green, "fix:") + " "
		for para := range strings.FieldsFuncSeq(f.Remediation, func(r rune) bool { return r == '\n' }) {
			p.block(lead, para, indent)
			lead = pad
		}
	}
}

// pad is s padded with spaces to n columns.
func pad(s string, n int) string {
	return s + strings.Repeat(" ", max(0, n-utf8.RuneCountInString(s)))
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
		return fmt.Sprintf("%s %s (%s:%d)", x.Object.Kind, x.Object.QualifiedName(), x.File, x.Line)
	}
	where := "configuration"
	if x.Line > 0 {
		where += fmt.Sprintf(" line %d", x.Line)
	} else {
		where += fmt.Sprintf(" exemption %d", x.Index+1)
	}
	return fmt.Sprintf("%s (rules %s)", where, strings.Join(x.Rules, ", "))
}

func describe(e report.InputError) string {
	switch {
	case e.File == "":
		return e.Message
	case e.Document == 0 && e.Line > 0:
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Message)
	case e.Document == 0:
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

// baselineText says what the baseline hid and what of it is fixed.
func baselineText(b *report.Baselined) string {
	s := fmt.Sprintf("baseline %s: %s not shown", b.File, count(len(b.Known), "known finding"))
	if fixed := b.FixedText(); fixed != "" {
		s += "; " + fixed
	}
	return s
}

// settings says which rules ran: the profile and the configuration file,
// when the caller named them.
func settings(s report.Summary) string {
	if s.Profile == "" {
		return ""
	}
	config := "no configuration file"
	if s.Config != "" {
		config = "configuration " + s.Config
	}
	return fmt.Sprintf("profile %s, %s", s.Profile, config)
}

// count says n things in English: 1 object, 2 objects.
func count(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}
