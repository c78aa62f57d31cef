// Package report assembles what a check found into one Report that every
// output format renders: the findings, the input errors, the warnings about
// the input, the skipped documents and a summary against the failure
// threshold.
package report

import (
	"errors"
	"fmt"

	"github.com/prodready/prodready/pkg/baseline"
	"github.com/prodready/prodready/pkg/engine"
	"github.com/prodready/prodready/pkg/manifest"
	"github.com/prodready/prodready/pkg/policy"
)

// Report is the outcome of one check.
type Report struct {
	// Findings are the findings no exemption exempts (an expired
	// exemption does not), Exempted the others: counted, never failing.
	Findings []engine.Finding `json:"findings"`
	Exempted []engine.Finding `json:"exempted"`
	Summary  Summary          `json:"summary"`
	Errors   []InputError     `json:"errors"`
	// Warnings are about the input as a whole (an object defined twice):
	// every format shows them, and they change neither the findings nor
	// the exit code.
	Warnings []engine.Warning `json:"warnings"`
	Skipped  []Skipped        `json:"skipped"`
	// Audit is the exemption audit when the engine ran one: then
	// present, if empty, in JSON.
	Audit []engine.ExemptionProblem `json:"audit,omitzero"`
	// Baseline is what a baseline did, when the check applied one.
	Baseline *Baselined `json:"baseline,omitempty"`
}

// Baselined is what a baseline did to a check: the findings it knew,
// reported only here, and its entries that no finding matched any more.
type Baselined struct {
	File  string           `json:"file"`
	Known []engine.Finding `json:"known"`
	Fixed []baseline.Entry `json:"fixed"`
	// KnownExempted says which of the report's exempted findings the
	// baseline holds (by index): they stay exempted, and SARIF says
	// whether they are new.
	KnownExempted []bool `json:"-"`
}

// Summary counts the outcome.
type Summary struct {
	Objects    int                     `json:"objects"`
	Findings   int                     `json:"findings"`
	Failing    int                     `json:"failing"`
	Exempted   int                     `json:"exempted"`
	Skipped    int                     `json:"skipped"`
	Errors     int                     `json:"errors"`
	Warnings   int                     `json:"warnings"`
	BySeverity map[policy.Severity]int `json:"bySeverity"`
	FailOn     policy.Severity         `json:"failOn"`
	// Profile is the profile the rules ran at and Config the
	// configuration file applied ("" for none), when the caller sets them.
	Profile policy.Profile `json:"profile,omitempty"`
	Config  string         `json:"config,omitempty"`
}

// InputError is a file or document that could not be read or evaluated.
type InputError struct {
	File     string `json:"file,omitempty"`
	Document int    `json:"document,omitempty"`
	Line     int    `json:"line,omitempty"`
	Message  string `json:"message"`
}

// Skipped is a document that is not a Kubernetes object.
type Skipped struct {
	File     string `json:"file"`
	Document int    `json:"document"`
	Line     int    `json:"line,omitempty"`
	Reason   string `json:"reason"`
}

// New builds the report of a check: loaded is what the loader read, res
// and evalErr what the engine returned (its exempted findings are counted,
// not in the summary's findings and severities; its audit, when the engine
// ran one, is reported).
func New(loaded *manifest.Result, res *engine.Results, evalErr error, failOn policy.Severity) *Report {
	r := &Report{
		Findings: append([]engine.Finding{}, res.Findings...),
		Exempted: append([]engine.Finding{}, res.Exempted...),
		Errors:   []InputError{},
		Warnings: append([]engine.Warning{}, res.Warnings...),
		Skipped:  []Skipped{},
		Summary:  Summary{Objects: len(loaded.Objects), FailOn: failOn},
		Audit:    res.Audit,
	}
	r.countFindings()
	r.Summary.Exempted = len(r.Exempted)
	for _, e := range loaded.Errors {
		r.Errors = append(r.Errors, InputError{File: e.File, Document: e.Doc, Line: e.Line, Message: e.Err.Error()})
	}
	for _, e := range unjoin(evalErr) {
		r.Errors = append(r.Errors, InputError{Message: e.Error()})
	}
	for _, s := range loaded.Skipped {
		r.Skipped = append(r.Skipped, Skipped{File: s.File, Document: s.Doc, Line: s.Line, Reason: s.Reason})
	}
	r.Summary.Errors = len(r.Errors)
	r.Summary.Warnings = len(r.Warnings)
	r.Summary.Skipped = len(r.Skipped)
	return r
}

// FixedText says how many of the baseline's findings no longer occur and
// how to drop them; "" when none.
func (b *Baselined) FixedText() string {
	switch n := len(b.Fixed); n {
	case 0:
		return ""
	case 1:
		return "1 of its findings is fixed: prodready baseline write " + b.File + " drops it"
	default:
		return fmt.Sprintf("%d of its findings are fixed: prodready baseline write %s drops them", n, b.File)
	}
}

// ApplyBaseline sets apart the findings b (read from file) holds: they
// leave Findings, the counts and the exit code, and are listed in
// Baseline. Every finding, exempted or not, is matched; exempted ones stay
// exempted.
func (r *Report) ApplyBaseline(b *baseline.Baseline, file string) {
	known, fixed := b.Match(r.AllFindings())
	r.Baseline = &Baselined{File: file, Known: []engine.Finding{}, Fixed: append([]baseline.Entry{}, fixed...), KnownExempted: known[len(r.Findings):]}
	var kept []engine.Finding
	for i, f := range r.Findings {
		if known[i] {
			r.Baseline.Known = append(r.Baseline.Known, f)
		} else {
			kept = append(kept, f)
		}
	}
	r.Findings = append([]engine.Finding{}, kept...)
	r.countFindings()
}

// AllFindings are the findings, then the exempted ones, each in the
// report's order.
func (r *Report) AllFindings() []engine.Finding {
	return append(append(make([]engine.Finding, 0, len(r.Findings)+len(r.Exempted)), r.Findings...), r.Exempted...)
}

// countFindings counts the findings in the summary: all, by severity, and
// the ones failing at its threshold.
func (r *Report) countFindings() {
	r.Summary.Findings, r.Summary.Failing, r.Summary.BySeverity = len(r.Findings), 0, map[policy.Severity]int{}
	for _, f := range r.Findings {
		r.Summary.BySeverity[f.Severity]++
		if f.Fails(r.Summary.FailOn) {
			r.Summary.Failing++
		}
	}
}

// RequireExemptionReasons makes every exemption annotation without a
// reason an input error at its object instead of a warning, for teams that
// want each exemption explained (check --require-exemption-reason).
func (r *Report) RequireExemptionReasons() {
	var kept []engine.Warning
	for _, w := range r.Warnings {
		if w.Code != engine.WarningExemptionWithoutReason {
			kept = append(kept, w)
			continue
		}
		at := w.Places[0]
		r.Errors = append(r.Errors, InputError{File: at.File, Line: at.Line, Message: w.Message})
	}
	r.Warnings = append([]engine.Warning{}, kept...)
	r.Summary.Errors, r.Summary.Warnings = len(r.Errors), len(r.Warnings)
}

func unjoin(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// ExitCode is 2 when any input could not be read or evaluated, 1 when a
// finding is at or above the failure threshold or the exemption audit
// found a problem, 0 otherwise. Warnings do not count.
func (r *Report) ExitCode() int {
	switch {
	case len(r.Errors) > 0:
		return 2
	case r.Summary.Failing > 0, len(r.Audit) > 0:
		return 1
	}
	return 0
}

// ErrNoInput is returned when a check is given nothing to read.
var ErrNoInput = errors.New("no input: give files, directories or - for stdin")
