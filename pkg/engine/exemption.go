package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/prodready/prodready/internal/suggest"
	"github.com/prodready/prodready/pkg/config"
	"github.com/prodready/prodready/pkg/manifest"
)

// The annotations an object opts out of rules with; lib.prodready.exemption reads them.
const (
	// ExemptAnnotation lists the rules the object opts out of: "rule-a,rule-b" or "*".
	ExemptAnnotation = "prodready.dev/exempt"
	// ExemptReasonAnnotation says why; the audit reports an exemption without one.
	ExemptReasonAnnotation = "prodready.dev/exempt-reason"
	// ExemptUntilAnnotation is the last day (YYYY-MM-DD, UTC) the exemption applies.
	ExemptUntilAnnotation = "prodready.dev/exempt-until"
)

// Where an exemption comes from: Exemption.Source and ExemptionProblem.Source.
const (
	SourceAnnotation = "annotation"
	SourceConfig     = "config"
)

// Exemption is the exemption that covers a finding: the one that exempts
// it, else one that no longer does (expired, or dated with something that
// is not a date), so that the report can say so.
type Exemption struct {
	Source string `json:"source"`
	Reason string `json:"reason,omitempty"`
	// Until is the last day (YYYY-MM-DD, UTC) the exemption applies, as
	// written; "" when it does not expire.
	Until string `json:"until,omitempty"`
	// Expired is set once Until is over: the finding counts again.
	Expired bool `json:"expired,omitempty"`
	// Invalid is set when Until is not a date: the exemption never applies.
	Invalid bool `json:"invalid,omitempty"`
	// Index is a configured exemption's position in WithExemptions' list,
	// Line its line in the configuration file (0 when built in code).
	Index int `json:"-"`
	Line  int `json:"line,omitempty"`
}

// Applies reports whether the exemption exempts the finding.
func (x Exemption) Applies() bool { return !x.Expired && !x.Invalid }

// WithExemptions adds exemptions: each opts the objects it matches out of
// its rules, as the exemptions of a configuration file do. They reach the
// rules as data.lib.exemptions, after WithConfig's.
func WithExemptions(exemptions []config.Exemption) Option {
	return func(o *options) { o.exemptions = append(o.exemptions, exemptions...) }
}

// WithClock sets the clock that decides whether an exemption has expired
// (default time.Now), read once per run.
func WithClock(now func() time.Time) Option {
	return func(o *options) {
		if now == nil {
			o.invalid = append(o.invalid, errors.New("clock: nil"))
			return
		}
		o.clock = now
	}
}

// entriesExpr binds the exemptions matching the object under review. As the
// last expression of a findings query it is evaluated only for objects with
// findings, once each; the comprehension keeps the query defined for a
// policy set without the exemption lib.
const entriesExpr = "exemptions := [entry | some entry in data.lib.prodready.exemption.entries]"

// entry is one of lib.prodready.exemption.entries.
type entry struct {
	Source           string
	Index            int
	Rules            []string
	Reason, Until    string
	Expired, Invalid bool
}

func (en entry) covers(rule string) bool {
	return slices.Contains(en.Rules, rule) || slices.Contains(en.Rules, "*")
}

// entries reads the exemptions a query bound, in the order the exemption
// of a finding is chosen: the ones that apply first, then annotations
// before configured ones, in the configuration's order. The Rego builds
// every field, so nothing is missing but what a broken library would lose.
func entries(rs rego.ResultSet) []entry {
	if len(rs) == 0 {
		return nil
	}
	list, _ := rs[0].Bindings["exemptions"].([]any)
	entries := make([]entry, 0, len(list))
	for _, item := range list {
		m, _ := item.(map[string]any)
		en := entry{Index: -1}
		en.Source, _ = m["source"].(string)
		if n, ok := m["index"].(json.Number); ok {
			if i, err := n.Int64(); err == nil {
				en.Index = int(i)
			}
		}
		rules, _ := m["rules"].([]any)
		for _, r := range rules {
			if id, ok := r.(string); ok {
				en.Rules = append(en.Rules, id)
			}
		}
		en.Reason, _ = m["reason"].(string)
		en.Until, _ = m["until"].(string)
		en.Expired, _ = m["expired"].(bool)
		en.Invalid, _ = m["invalid"].(bool)
		entries = append(entries, en)
	}
	sort.SliceStable(entries, func(i, j int) bool {
		a, b := entries[i], entries[j]
		if a.applies() != b.applies() {
			return a.applies()
		}
		if a.Source != b.Source {
			return a.Source == SourceAnnotation
		}
		return a.Index < b.Index
	})
	return entries
}

func (en entry) applies() bool { return !en.Expired && !en.Invalid }

// exemption is en as a finding carries it.
func (e *Engine) exemption(en entry) Exemption {
	x := Exemption{Source: en.Source, Reason: en.Reason, Until: en.Until, Expired: en.Expired, Invalid: en.Invalid}
	if en.Source == SourceConfig {
		x.Index = en.Index
		if en.Index >= 0 && en.Index < len(e.exemptions) {
			x.Line = e.exemptions[en.Index].Line
		}
	}
	return x
}

// exempt gives each finding the first of entries that covers its rule.
func (e *Engine) exempt(findings []Finding, entries []entry) {
	for i := range findings {
		for _, en := range entries {
			if en.covers(findings[i].Rule) {
				x := e.exemption(en)
				findings[i].Exemption = &x
				findings[i].Exempted = x.Applies()
				break
			}
		}
	}
}

// The problems the audit reports.
const (
	// ProblemUnused: the exemption covers no finding (of the rules it lists, on the objects it matches).
	ProblemUnused = "unused"
	// ProblemExpired: the exemption covers findings, which count again since its date is over.
	ProblemExpired = "expired"
	// ProblemInvalid: the exemption's date is not a YYYY-MM-DD date, so it does not apply.
	ProblemInvalid = "invalid-date"
	// ProblemNoReason: nobody said why the object is the exception.
	ProblemNoReason = "no-reason"
)

// ExemptionProblem is an exemption the audit asks a person to look at.
type ExemptionProblem struct {
	// Problem is ProblemUnused, ProblemExpired, ProblemInvalid or ProblemNoReason.
	Problem string `json:"problem"`
	Source  string `json:"source"`
	// Object and File locate an annotation: the object that carries it.
	Object *ObjectRef `json:"object,omitempty"`
	File   string     `json:"file,omitempty"`
	// Line is the object's line for an annotation, the exemption's line
	// in the configuration file for a configured one.
	Line int `json:"line,omitempty"`
	// Index is a configured exemption's position in WithExemptions' list.
	Index int `json:"-"`
	// Rules are the rules the exemption lists; for an unused annotation,
	// those of them that matched no finding.
	Rules  []string `json:"rules"`
	Reason string   `json:"reason,omitempty"`
	Until  string   `json:"until,omitempty"`
	// Findings counts the findings that fail because the exemption
	// expired (those no other exemption exempts).
	Findings int `json:"findings,omitempty"`
	// Message says what is wrong and what to do about it.
	Message string `json:"message"`
}

var auditQuery = ast.MustParseBody(entriesExpr)

// WithExemptionAudit has every run also review its exemptions, so that
// exceptions do not rot: configured exemptions that covered no finding,
// annotations listing rules that found nothing on their object,
// exemptions that expired (or whose date is not a date) on findings that
// now count, and annotations without a reason. The problems are the
// Results' Audit, sorted: configured exemptions in their order, then
// annotations by file and line.
func WithExemptionAudit() Option {
	return func(o *options) { o.audit = true }
}

// audits reports whether the exemption audit reads obj, found saying
// whether it has findings: only such objects can have an exemption to
// report, and skipping the others spares keeping and converting them.
func (e *Engine) audits(obj *manifest.Object, found bool) bool {
	return annotated(obj) || (found && len(e.exemptions) > 0)
}

// audit reviews the exemptions of objs, given the findings of the run.
func (e *Engine) audit(ctx context.Context, objs []*manifest.Object, findings []Finding) ([]ExemptionProblem, error) {
	query, err := rego.New(rego.ParsedQuery(auditQuery), rego.Compiler(e.compiler), rego.Store(e.store(nil)), rego.StoreReadAST(true)).PrepareForEval(ctx)
	if err != nil {
		return nil, fmt.Errorf("preparing the exemption audit: %w", err)
	}
	now := e.clock()
	byObject := map[string][]Finding{}
	for _, f := range findings {
		byObject[auditKey(f.File, f.ObjectLine, f.Object)] = append(byObject[auditKey(f.File, f.ObjectLine, f.Object)], f)
	}
	a := auditor{e: e, used: map[int]bool{}, configured: map[configProblem]*ExemptionProblem{}}
	for _, obj := range objs {
		found := byObject[auditKey(obj.File, obj.Line, refOf(obj))]
		if !e.audits(obj, len(found) > 0) {
			continue
		}
		rs, err := query.Eval(ctx, rego.EvalParsedInput(obj.Value), rego.EvalTime(now))
		if err != nil {
			return nil, fmt.Errorf("%s: document %d: auditing the exemptions of %s: %w", obj.File, obj.Doc, refOf(obj), err)
		}
		for _, en := range entries(rs) {
			a.entry(obj, en, found)
		}
	}
	return a.problems(), nil
}

// annotated reports whether obj carries the exemption annotation at all.
func annotated(obj *manifest.Object) bool {
	_, err := obj.Value.Find(exemptAnnotationPath)
	return err == nil
}

var exemptAnnotationPath = ast.Ref{ast.StringTerm("metadata"), ast.StringTerm("annotations"), ast.StringTerm(ExemptAnnotation)}

func auditKey(file string, line int, ref ObjectRef) string {
	return fmt.Sprintf("%s:%d %s %s", file, line, ref.APIVersion, ref)
}

// auditor collects the problems of one audit.
type auditor struct {
	e *Engine
	// used are the configured exemptions, by index, that covered a finding.
	used map[int]bool
	// configured are the problems of configured exemptions.
	configured map[configProblem]*ExemptionProblem
	annotated  []ExemptionProblem
}

// configProblem names a problem of the configured exemption at index.
type configProblem struct {
	problem string
	index   int
}

func (a *auditor) entry(obj *manifest.Object, en entry, findings []Finding) {
	// covered counts the findings the exemption covers, failing those of
	// them no other exemption exempts.
	covered, failing := 0, 0
	for _, f := range findings {
		if en.covers(f.Rule) {
			covered++
			if !f.Exempted {
				failing++
			}
		}
	}
	if en.Source == SourceConfig {
		a.used[en.Index] = a.used[en.Index] || covered > 0
		switch {
		case en.Invalid:
			a.config(ProblemInvalid, en, 0)
		case en.Expired && covered > 0:
			a.config(ProblemExpired, en, failing)
		}
		if strings.TrimSpace(en.Reason) == "" {
			a.config(ProblemNoReason, en, 0)
		}
		return
	}
	ref := refOf(obj)
	problem := func(kind string, rules []string, n int, msg string) {
		a.annotated = append(a.annotated, ExemptionProblem{Problem: kind, Source: SourceAnnotation, Object: &ref, File: obj.File, Line: obj.Line,
			Rules: rules, Reason: en.Reason, Until: en.Until, Findings: n, Message: msg})
	}
	if unused := a.unusedRules(en, findings); len(unused) > 0 {
		problem(ProblemUnused, unused, 0, a.unusedMessage(unused))
	}
	switch {
	case en.Invalid:
		problem(ProblemInvalid, en.Rules, 0, fmt.Sprintf("%s %q is not a date (YYYY-MM-DD), so the exemption does not apply", ExemptUntilAnnotation, en.Until))
	case en.Expired && covered > 0:
		problem(ProblemExpired, en.Rules, failing, expiredMessage(en.Until, failing))
	}
	if strings.TrimSpace(en.Reason) == "" {
		problem(ProblemNoReason, en.Rules, 0, fmt.Sprintf("%s has no %s: say why this object is the exception", ExemptAnnotation, ExemptReasonAnnotation))
	}
}

// unusedRules are the rules an annotation lists that found nothing on its
// object ("*" when it covers every rule and the object has no finding).
func (a *auditor) unusedRules(en entry, findings []Finding) []string {
	var unused []string
	for _, rule := range en.Rules {
		if !slices.ContainsFunc(findings, func(f Finding) bool { return rule == "*" || f.Rule == rule }) {
			unused = append(unused, rule)
		}
	}
	return unused
}

func (a *auditor) unusedMessage(rules []string) string {
	ids := make([]string, len(a.e.rules))
	for i, r := range a.e.rules {
		ids[i] = r.ID
	}
	var unknown []string
	for _, rule := range rules {
		if rule != "*" && !slices.Contains(ids, rule) {
			unknown = append(unknown, rule+": no such rule in this run"+suggest.DidYouMean(rule, ids))
		}
	}
	msg := fmt.Sprintf("%s lists %s, which found nothing on this object: remove %s", ExemptAnnotation, strings.Join(rules, ", "), them(len(rules)))
	if len(unknown) > 0 {
		msg += " (" + strings.Join(unknown, "; ") + ")"
	}
	return msg
}

func (a *auditor) config(kind string, en entry, failing int) {
	key := configProblem{kind, en.Index}
	p, ok := a.configured[key]
	if !ok {
		x := a.e.exemption(en)
		p = &ExemptionProblem{Problem: kind, Source: SourceConfig, Line: x.Line, Index: en.Index, Rules: en.Rules, Reason: en.Reason, Until: en.Until}
		a.configured[key] = p
	}
	p.Findings += failing
}

func (a *auditor) problems() []ExemptionProblem {
	out := []ExemptionProblem{}
	for i, x := range a.e.exemptions {
		if !a.used[i] {
			out = append(out, ExemptionProblem{Problem: ProblemUnused, Source: SourceConfig, Line: x.Line, Index: i, Rules: x.Rules, Reason: x.Reason, Until: x.Expires,
				Message: "matched no finding: remove it, or correct its rules, namespace, name or selector"})
		}
		for _, kind := range []string{ProblemInvalid, ProblemExpired, ProblemNoReason} {
			if p, ok := a.configured[configProblem{kind, i}]; ok {
				p.Message = configMessage(*p)
				out = append(out, *p)
			}
		}
	}
	sort.SliceStable(a.annotated, func(i, j int) bool {
		x, y := a.annotated[i], a.annotated[j]
		if x.File != y.File {
			return x.File < y.File
		}
		return x.Line < y.Line
	})
	return append(out, a.annotated...)
}

func configMessage(p ExemptionProblem) string {
	switch p.Problem {
	case ProblemInvalid:
		return fmt.Sprintf("expires %q is not a date (YYYY-MM-DD), so the exemption does not apply", p.Until)
	case ProblemExpired:
		return expiredMessage(p.Until, p.Findings)
	}
	return "has no reason: say why these objects are the exception"
}

// expiredMessage is what to do about an exemption expired after until,
// whose expiry leaves failing findings failing.
func expiredMessage(until string, failing int) string {
	switch failing {
	case 0:
		return fmt.Sprintf("expired after %s, and other exemptions cover its findings: remove it", until)
	case 1:
		return fmt.Sprintf("expired after %s: the finding it exempted counts again; fix it, or renew the exemption with a reason and a new date", until)
	}
	return fmt.Sprintf("expired after %s: the %d findings it exempted count again; fix them, or renew the exemption with a reason and a new date", until, failing)
}

func them(n int) string {
	if n == 1 {
		return "it"
	}
	return "them"
}
