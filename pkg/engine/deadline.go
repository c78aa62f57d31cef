package engine

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage"

	"github.com/prodready/prodready/pkg/manifest"
	"github.com/prodready/prodready/pkg/policy"
)

// DefaultTimeout is how long the rules may take on one object unless
// WithTimeout says otherwise: far beyond what any rule needs (the whole
// built-in library takes well under a millisecond an object), short
// enough that a rule that loops is reported rather than waited for.
const DefaultTimeout = 10 * time.Second

// WithTimeout sets the evaluation deadline: how long the rules may take
// on one object (default DefaultTimeout; 0 or less: no deadline). When
// they take longer, the engine runs that object's rules one at a time,
// each within the deadline, to name the rule that does not finish: that
// rule is reported as an evaluation error naming the object and the rule,
// and is not run on the objects left (one more error says on how many).
// The object keeps the findings of its other rules, and the other objects
// theirs. A rule that fails to evaluate is named the same way.
func WithTimeout(d time.Duration) Option {
	return func(o *options) { o.timeout = d }
}

// errDeadline is a rule, or the rules, not finishing within the timeout.
var errDeadline = errors.New("deadline exceeded")

// evaluation is one Evaluate call: its prepared queries, and the rules
// that did not finish in time, not run again.
type evaluation struct {
	e     *Engine
	store storage.Store
	// now is the time exemptions expire by (time.now_ns).
	now time.Time

	mu sync.Mutex
	// queries are the findings queries of lists of rules (a kind's rules,
	// or one rule when they fail or time out), prepared when first needed.
	queries map[queryKey]rego.PreparedEvalQuery
	// abandoned are the rules that did not finish, by ID.
	abandoned map[string]*abandonment
}

type abandonment struct {
	// on names the object the rule did not finish on.
	on string
	// notRun counts the objects the rule was then not run on.
	notRun int
}

func (e *Engine) newEvaluation(store storage.Store) *evaluation {
	return &evaluation{e: e, store: store, now: e.clock(), queries: map[queryKey]rego.PreparedEvalQuery{}, abandoned: map[string]*abandonment{}}
}

func (ev *evaluation) prepare(ctx context.Context, query ast.Body) (rego.PreparedEvalQuery, error) {
	return rego.New(
		rego.ParsedQuery(query),
		rego.Compiler(ev.e.compiler),
		rego.Store(ev.store),
		rego.StoreReadAST(true),
	).PrepareForEval(ctx)
}

// object evaluates rules on obj, with one query while no rule has failed
// or been abandoned, else rule by rule.
func (ev *evaluation) object(ctx context.Context, obj *manifest.Object, rules ruleList) ([]Finding, error) {
	// where names obj in errors, which are rare: written only for them.
	where := func() string { return fmt.Sprintf("%s: document %d: %s", obj.File, obj.Doc, refOf(obj)) }
	// Only an annotation or a configured exemption can exempt a finding:
	// without either, the query need not look for exemptions.
	exemptible := len(ev.e.exemptions) > 0 || annotated(obj)
	if !ev.anyAbandoned() {
		query, err := ev.query(ctx, rules, exemptible)
		if err != nil {
			return nil, err
		}
		rs, err := ev.run(ctx, query, obj.Value)
		if err == nil {
			return ev.e.findings(obj, rs), nil
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("%s: %w", where(), ctx.Err())
		}
	}
	var findings []Finding
	var errs []error
	for _, rule := range rules.rules {
		if ev.skip(rule.ID) {
			continue
		}
		query, err := ev.query(ctx, ruleList{[]policy.Rule{rule}, rule.ID}, exemptible)
		if err != nil {
			return findings, err
		}
		rs, err := ev.run(ctx, query, obj.Value)
		switch {
		case err == nil:
			findings = append(findings, ev.e.findings(obj, rs)...)
		case ctx.Err() != nil:
			return findings, fmt.Errorf("%s: %w", where(), ctx.Err())
		case errors.Is(err, errDeadline):
			ev.abandon(rule.ID, where())
			errs = append(errs, fmt.Errorf("%s: rule %s did not finish within %s: it is not run on the objects left", where(), rule.ID, ev.e.timeout))
		default:
			errs = append(errs, fmt.Errorf("%s: rule %s: %w", where(), rule.ID, err))
		}
	}
	return findings, errors.Join(errs...)
}

// run evaluates query on input within the deadline.
func (ev *evaluation) run(ctx context.Context, query rego.PreparedEvalQuery, input ast.Value) (rego.ResultSet, error) {
	evalCtx := ctx
	if ev.e.timeout > 0 {
		var cancel context.CancelFunc
		evalCtx, cancel = context.WithTimeout(ctx, ev.e.timeout)
		defer cancel()
	}
	rs, err := query.Eval(evalCtx, rego.EvalParsedInput(input), rego.EvalTime(ev.now))
	if err != nil && ctx.Err() == nil && evalCtx.Err() != nil {
		return nil, errDeadline
	}
	return rs, err
}

// query is the findings query of rules: it evaluates their packages
// alone, binding rule (the package's last name) and finding, and, if
// exemptible, the object's exemptions.
func (ev *evaluation) query(ctx context.Context, rules ruleList, exemptible bool) (rego.PreparedEvalQuery, error) {
	key := queryKey{rules.ids, exemptible}
	ev.mu.Lock()
	defer ev.mu.Unlock()
	if q, ok := ev.queries[key]; ok {
		return q, nil
	}
	names := make([]string, len(rules.rules))
	for i, r := range rules.rules {
		names[i] = strconv.Quote(strings.TrimPrefix(r.Package, policy.RulesPackage+"."))
	}
	query := fmt.Sprintf("some rule in [%s]; finding := data.%s[rule].findings[_]", strings.Join(names, ", "), policy.RulesPackage)
	if exemptible {
		query += "; " + entriesExpr
	}
	q, err := ev.prepare(ctx, ast.MustParseBody(query))
	if err != nil {
		return q, fmt.Errorf("preparing the query of rules %s: %w", rules.ids, err)
	}
	ev.queries[key] = q
	return q, nil
}

// queryKey names a prepared query: its rules' IDs and whether it looks
// for exemptions.
type queryKey struct {
	ids        string
	exemptible bool
}

func (ev *evaluation) anyAbandoned() bool {
	ev.mu.Lock()
	defer ev.mu.Unlock()
	return len(ev.abandoned) > 0
}

// skip reports whether rule was abandoned, counting the object it skips.
func (ev *evaluation) skip(rule string) bool {
	ev.mu.Lock()
	defer ev.mu.Unlock()
	a, ok := ev.abandoned[rule]
	if ok {
		a.notRun++
	}
	return ok
}

func (ev *evaluation) abandon(rule, on string) {
	ev.mu.Lock()
	defer ev.mu.Unlock()
	if _, ok := ev.abandoned[rule]; !ok {
		ev.abandoned[rule] = &abandonment{on: on}
	}
}

// notRun reports, by rule ID, the objects abandoned rules were not run on.
func (ev *evaluation) notRun() []error {
	ev.mu.Lock()
	defer ev.mu.Unlock()
	var errs []error
	for _, rule := range slices.Sorted(maps.Keys(ev.abandoned)) {
		a := ev.abandoned[rule]
		if a.notRun == 0 {
			continue
		}
		objects := "objects"
		if a.notRun == 1 {
			objects = "object"
		}
		errs = append(errs, fmt.Errorf("rule %s was not run on %d more %s, after it did not finish within %s on %s", rule, a.notRun, objects, ev.e.timeout, a.on))
	}
	return errs
}

// unjoin returns the errors errors.Join joined, or err alone.
func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}
