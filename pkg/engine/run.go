package engine

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/storage"
	"github.com/open-policy-agent/opa/v1/storage/inmem"

	"github.com/prodready/prodready/pkg/manifest"
)

// Evaluate runs every enabled rule on objs. Cross-object rules see all of
// objs. Objects of a kind no enabled rule reports on are not evaluated (only
// looked up), and a rule's findings are only on the kinds it declares.
// Findings are sorted by file, object (its line), rule, container and line.
//
// The warnings are about objs as a whole (a Warning: objects the input
// defines more than once), sorted by kind, namespace and name; they change
// no finding and are no error. The error is the evaluation's: rules that
// failed or timed out (the other findings are still returned), or ctx's;
// and an object the engine cannot evaluate (no value, as after a Check
// released it, or identity fields that are empty or disagree with its
// value) is an error naming it, never a silent nothing: the others are
// still evaluated.
func (e *Engine) Evaluate(ctx context.Context, objs []*manifest.Object) ([]Finding, []Warning, error) {
	var invalid []error
	valid := make([]*manifest.Object, 0, len(objs))
	for i, obj := range objs {
		if err := evaluable(obj); err != nil {
			invalid = append(invalid, fmt.Errorf("object %d: %w", i+1, err))
			continue
		}
		valid = append(valid, obj)
	}
	r := e.start()
	r.total = len(valid)
	r.report(0)
	parallel(ctx, e.workers, valid, func(obj *manifest.Object) { r.visit(ctx, obj) })
	findings, warnings, err := r.finish(ctx)
	return findings, warnings, errors.Join(append(invalid, err)...)
}

// ErrNotEvaluable is the error of an object Evaluate cannot evaluate.
var ErrNotEvaluable = errors.New("cannot evaluate object")

// evaluable says why obj cannot be evaluated: it has no value, or its
// identity fields (which decide the rules that run and the findings' object)
// are not its value's, or its apiVersion or kind is empty (a name may be:
// generateName, or a tool's input such as an IstioOperator).
func evaluable(obj *manifest.Object) error {
	switch {
	case obj == nil:
		return fmt.Errorf("%w: nil", ErrNotEvaluable)
	case obj.Value == nil:
		return fmt.Errorf("%w %s: it has no value (released by the Check or Session that read it, or never set)", ErrNotEvaluable, describe(obj))
	}
	apiVersion, kind, namespace, name := manifest.Identity(obj.Value)
	for _, f := range []struct{ what, field, value string }{
		{"apiVersion", obj.APIVersion, apiVersion},
		{"kind", obj.Kind, kind},
		{"metadata.name", obj.Name, name},
		{"namespace", obj.Namespace, namespace},
	} {
		if f.field == "" && (f.what == "apiVersion" || f.what == "kind") {
			return fmt.Errorf("%w %s: its %s is empty", ErrNotEvaluable, describe(obj), f.what)
		}
		if f.field != f.value {
			return fmt.Errorf("%w %s: its %s is %q but its value's is %q", ErrNotEvaluable, describe(obj), f.what, f.field, f.value)
		}
	}
	return nil
}

func describe(obj *manifest.Object) string {
	if obj.File == "" {
		return refOf(obj).String()
	}
	return fmt.Sprintf("%s (%s:%d)", refOf(obj), obj.File, obj.Line)
}

// parallel calls f on each item on workers goroutines, until ctx is done.
func parallel[T any](ctx context.Context, workers int, items []T, f func(T)) {
	next := make(chan T)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for item := range next {
				f(item)
			}
		})
	}
	for _, item := range items {
		if ctx.Err() != nil {
			break
		}
		next <- item
	}
	close(next)
	wg.Wait()
}

// Check reads paths as manifest.Load does and evaluates every enabled rule
// on what it reads, as Evaluate would on Load's objects, but while reading
// (Load's Visit feeding a Session): the rules that judge an object by
// itself run as soon as it is decoded, and only the objects that
// cross-object rules look up or judge are kept until every object is read.
// Memory then grows with those, not with the input. The Result's Objects
// say what was read; most are released (see Session). opts.Visit is
// Check's own. The warnings and the error are Evaluate's.
func (e *Engine) Check(ctx context.Context, paths []string, opts manifest.Options) (*manifest.Result, []Finding, []Warning, error) {
	s := e.NewSession()
	opts.Visit = func(objs []*manifest.Object) { s.Visit(ctx, objs...) }
	res := manifest.Load(ctx, paths, opts)
	findings, warnings, err := s.Finish(ctx)
	return res, findings, warnings, err
}

// A Session evaluates objects as a caller reads them: Visit runs the rules
// that judge an object alone at once, files the object in the inventory
// and keeps it if cross-object rules report on its kind; Finish runs those
// rules and returns every finding and warning, as Evaluate would on all
// the objects visited. Check is a Session fed by manifest.Load's Visit; a caller that
// reads objects its own way uses one directly.
//
// Once its rules have run, an object is released (manifest.Object.Release)
// unless the exemption audit reads it: objects with the exemption
// annotation and, when exemptions are configured, objects with findings.
// Visit is safe for concurrent use; Finish is called once, after the last
// Visit.
type Session struct {
	r *run
}

// NewSession starts a Session.
func (e *Engine) NewSession() *Session {
	r := e.start()
	r.hollow = true
	return &Session{r}
}

// Visit evaluates the objects' single-object rules and keeps what the
// cross-object rules need of them.
func (s *Session) Visit(ctx context.Context, objs ...*manifest.Object) {
	for _, obj := range objs {
		s.r.visit(ctx, obj)
	}
}

// Finish runs the cross-object rules and returns all the findings, sorted
// as Evaluate sorts them, the warnings about the objects visited and the
// evaluation errors, as Evaluate does.
func (s *Session) Finish(ctx context.Context) ([]Finding, []Warning, error) { return s.r.finish(ctx) }

// kept is an object kept for the cross-object rules, and whether the
// rules that judge it alone found anything.
type kept struct {
	obj   *manifest.Object
	found bool
}

// run is one Evaluate or Session: the rules that judge an object alone run
// as objects arrive (visit); the cross-object rules run once every object
// is filed in the inventory (finish).
type run struct {
	e     *Engine
	alone *evaluation
	// hollow releases objects once their rules have run (a Session).
	hollow bool

	mu       sync.Mutex
	inv      *inventoryBuilder
	across   []kept // objects with cross-object rules, for finish
	findings []Finding
	errs     []error
	// total are the objects known, done those whose rules have all run.
	total, done int
}

func (e *Engine) start() *run {
	return &run{e: e, alone: e.newEvaluation(e.store(nil)), inv: newInventoryBuilder(e.indexed)}
}

// store holds data.lib and the given inventory (none for the rules that
// judge an object alone, and for the exemption audit).
func (e *Engine) store(inventory ast.Value) storage.Store {
	data := ast.NewObject(ast.Item(ast.InternedTerm("lib"), ast.NewTerm(e.lib)))
	if inventory != nil {
		data.Insert(ast.InternedTerm("inventory"), ast.NewTerm(inventory))
	}
	return inmem.NewFromASTObject(data)
}

// visit runs obj's single-object rules, files it in the inventory (which
// notes its identity, whatever its kind) and keeps it for the cross-object
// rules. It is safe for concurrent use.
func (r *run) visit(ctx context.Context, obj *manifest.Object) {
	rules := r.e.byKind[obj.Kind]
	var findings []Finding
	var err error
	if len(rules.alone.rules) > 0 {
		findings, err = r.alone.object(ctx, obj, rules.alone)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.inv.add(obj)
	r.findings = append(r.findings, findings...)
	if err != nil {
		r.errs = append(r.errs, unjoin(err)...)
	}
	if r.hollow {
		r.total++ // Evaluate knows its total from the start
	}
	if len(rules.across.rules) > 0 {
		r.across = append(r.across, kept{obj, len(findings) > 0})
		return
	}
	r.release(obj, len(findings) > 0)
	r.done++
	if !r.hollow {
		r.report(r.done) // a Check reports once every object is read
	}
}

// release releases obj in a Session, unless the exemption audit reads it.
func (r *run) release(obj *manifest.Object, found bool) {
	if r.hollow && !annotated(obj) && (!found || len(r.e.exemptions) == 0) {
		obj.Release()
	}
}

func (r *run) report(done int) {
	if r.e.progress != nil {
		r.e.progress(done, r.total)
	}
}

// finish runs the cross-object rules on the objects kept for them, on
// every worker, and returns all the findings, sorted, and the warnings.
func (r *run) finish(ctx context.Context) ([]Finding, []Warning, error) {
	errs := r.errs
	errs = append(errs, r.alone.notRun()...)
	findings := r.findings
	if len(r.across) > 0 && ctx.Err() == nil {
		across := r.e.newEvaluation(r.e.store(r.inv.value()))
		if r.hollow {
			r.report(r.done) // the first a Check reports
		}
		parallel(ctx, r.e.workers, r.across, func(k kept) {
			fs, err := across.object(ctx, k.obj, r.e.byKind[k.obj.Kind].across)
			r.mu.Lock()
			defer r.mu.Unlock()
			findings = append(findings, fs...)
			if err != nil {
				errs = append(errs, unjoin(err)...)
			}
			r.release(k.obj, k.found || len(fs) > 0)
			r.done++
			r.report(r.done)
		})
		errs = append(errs, across.notRun()...)
	}
	warnings := r.inv.warnings()
	r.across, r.inv = nil, nil
	sortFindings(findings)
	if ctx.Err() != nil {
		return findings, warnings, ctx.Err()
	}
	return findings, warnings, errors.Join(errs...)
}
