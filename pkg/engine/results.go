package engine

import (
	"github.com/prodready/prodready/pkg/manifest"
	"github.com/prodready/prodready/pkg/policy"
)

// Results are what one Evaluate, Check or Session found. They hold no
// object: whatever objects a caller passed in are left as they were.
type Results struct {
	// Findings are the findings no exemption exempts (an expired one does
	// not), sorted by file, object (its line), rule, container and line:
	// the ones to act on. Failing says which of them fail at a threshold.
	Findings []Finding
	// Exempted are the findings an exemption covers, sorted the same way:
	// reported, never failing. Each names its Exemption.
	Exempted []Finding
	// Warnings are about the input (see Warning), sorted by kind,
	// namespace and name; they change no finding.
	Warnings []Warning
	// Audit are the problems of the exemption audit when the engine was
	// made WithExemptionAudit (then non-nil, if empty); nil otherwise.
	Audit []ExemptionProblem
	// Read is what Check read: the objects (as records, without their
	// values: Check keeps none it does not need), the skipped documents
	// and the input errors, which Check's error also holds. Nil for
	// Evaluate and Session.
	Read *manifest.Result
}

// Failing are the findings that fail at threshold (a policy Severity:
// policy.ParseSeverity reads one from a flag): those at or above it.
// Exempted findings never fail.
func (r *Results) Failing(threshold policy.Severity) []Finding {
	var failing []Finding
	for _, f := range r.Findings {
		if f.Fails(threshold) {
			failing = append(failing, f)
		}
	}
	return failing
}

// Fails reports whether f fails at threshold: it is not exempted and its
// severity is at or above threshold.
func (f Finding) Fails(threshold policy.Severity) bool {
	return !f.Exempted && f.Severity.AtLeast(threshold)
}

// results sorts findings and sets the exempted ones apart.
func results(findings []Finding, warnings []Warning) *Results {
	sortFindings(findings)
	r := &Results{Findings: []Finding{}, Exempted: []Finding{}, Warnings: warnings}
	for _, f := range findings {
		if f.Exempted {
			r.Exempted = append(r.Exempted, f)
		} else {
			r.Findings = append(r.Findings, f)
		}
	}
	r.Warnings = append(r.Warnings, unexplained(r.Exempted)...)
	sortWarnings(r.Warnings)
	return r
}

// All are every finding, exempted ones too, sorted as Findings are.
func (r *Results) All() []Finding {
	all := append(append(make([]Finding, 0, len(r.Findings)+len(r.Exempted)), r.Findings...), r.Exempted...)
	sortFindings(all)
	return all
}
