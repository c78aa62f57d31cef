// Package github writes a report as GitHub Actions workflow commands, which
// a workflow turns into annotations on the pull request's files:
//
//	::error file=deploy/shop.yaml,line=12,title=readiness-probe-missing::[high] Deployment/shop/api: ...
//
// A finding at or above the failure threshold (--fail-on) is an error, one
// below it a warning, as the exit code sees them; an exempted finding is a
// notice, and only when asked (ShowExempted), as in the text output. Input
// errors and exemption audit problems are errors. A warning about the input
// (an object defined twice) is a warning at the first place it names,
// titled with its code (duplicate-object); its message names every place.
// Findings a baseline knows (check --baseline) are not annotated; its
// fixed findings are a notice on the baseline file. A last plain line sums up.
// Findings read from standard input name no file: GitHub shows them on the
// run, not on a file.
package github

import (
	"fmt"
	"io"
	"strings"

	"github.com/prodready/prodready/pkg/engine"
	"github.com/prodready/prodready/pkg/manifest"
	"github.com/prodready/prodready/pkg/report"
)

// Options shape the output.
type Options struct {
	// ShowExempted adds the exempted findings, as notices.
	ShowExempted bool
}

// Command is one workflow command: its level (error, warning or notice),
// properties and message.
type Command struct {
	Level   string
	File    string
	Line    int
	Title   string
	Message string
}

// String is the command line, with the properties and the message escaped
// as the Actions runner unescapes them.
func (c Command) String() string {
	var props []string
	if c.File != "" && c.File != manifest.StdinName {
		props = append(props, "file="+EscapeProperty(c.File))
		if c.Line > 0 {
			props = append(props, fmt.Sprintf("line=%d", c.Line))
		}
	}
	if c.Title != "" {
		props = append(props, "title="+EscapeProperty(c.Title))
	}
	cmd := "::" + c.Level
	if len(props) > 0 {
		cmd += " " + strings.Join(props, ",")
	}
	return cmd + "::" + EscapeData(c.Message)
}

var (
	dataEscaper     = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	propertyEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)

// EscapeData escapes a command's message.
func EscapeData(s string) string { return dataEscaper.Replace(s) }

// EscapeProperty escapes a property value, where : and , separate.
func EscapeProperty(s string) string { return propertyEscaper.Replace(s) }

// Commands are the report's commands, in the report's order.
func Commands(r *report.Report, opts Options) []Command {
	var cmds []Command
	for _, f := range r.Findings {
		level := "warning"
		if f.Severity.AtLeast(r.Summary.FailOn) {
			level = "error"
		}
		cmds = append(cmds, finding(level, f))
	}
	if opts.ShowExempted {
		for _, f := range r.Exempted {
			cmds = append(cmds, finding("notice", f))
		}
	}
	for _, p := range r.Audit {
		cmds = append(cmds, Command{Level: "error", File: p.File, Line: p.Line, Title: "exemption " + p.Problem, Message: p.Message})
	}
	for _, e := range r.Errors {
		msg := e.Message
		if e.Document > 0 {
			msg = fmt.Sprintf("document %d: %s", e.Document, msg)
		}
		cmds = append(cmds, Command{Level: "error", File: e.File, Line: e.Line, Title: "input error", Message: msg})
	}
	for _, w := range r.Warnings {
		c := Command{Level: "warning", Title: w.Code, Message: w.Message}
		if len(w.Places) > 0 {
			c.File, c.Line = w.Places[0].File, w.Places[0].Line
		}
		cmds = append(cmds, c)
	}
	if b := r.Baseline; b != nil && len(b.Fixed) > 0 {
		cmds = append(cmds, Command{Level: "notice", File: b.File, Title: "baseline", Message: "baseline " + b.File + ": " + b.FixedText()})
	}
	return cmds
}

func finding(level string, f engine.Finding) Command {
	msg := fmt.Sprintf("[%s] %s: %s", f.Severity, f.Object, f.Message)
	if x := f.Exemption; x != nil {
		switch {
		case f.Exempted:
			msg += "\nExempted (" + x.Source + "): " + x.Reason
		case x.Expired:
			msg += "\nWas exempted until " + x.Until + "; the exemption expired."
		}
	}
	if f.Remediation != "" && !f.Exempted {
		msg += "\nFix: " + f.Remediation
	}
	return Command{Level: level, File: f.File, Line: f.Line, Title: f.Rule, Message: msg}
}

// Write writes the commands, one a line, then the summary.
func Write(w io.Writer, r *report.Report, opts Options) error {
	var b strings.Builder
	for _, c := range Commands(r, opts) {
		b.WriteString(c.String() + "\n")
	}
	s := r.Summary
	fmt.Fprintf(&b, "prodready: %d objects, %d findings, %d failing (--fail-on %s), %d exempted, %d errors",
		s.Objects, s.Findings, s.Failing, s.FailOn, s.Exempted, s.Errors)
	switch s.Warnings {
	case 0:
	case 1:
		b.WriteString(", 1 warning")
	default:
		fmt.Fprintf(&b, ", %d warnings", s.Warnings)
	}
	if r.Baseline != nil {
		fmt.Fprintf(&b, ", %d known (baseline %s)", len(r.Baseline.Known), r.Baseline.File)
	}
	b.WriteString("\n")
	_, err := io.WriteString(w, b.String())
	return err
}
