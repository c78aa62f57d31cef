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
// objs are only read: they may be evaluated again, by many goroutines at
// once.
//
// The Results are never nil. The error is the evaluation's: rules that
// failed or timed out (the other findings are still returned), or ctx's;
// and an object the engine cannot evaluate (a nil value, or identity fields
// that are empty or disagree with its value) is an error wrapping
// ErrNotEvaluable and naming it, never a silent nothing: the others are
// still evaluated.
func (e *Engine) Evaluate(ctx context.Context, objs []*manifest.Object) (*Results, error) {
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
	res, err := r.finish(ctx)
	return res, errors.Join(append(invalid, err)...)
}

// ErrNotEvaluable is the error of an object Evaluate cannot evaluate.
var ErrNotEvaluable = errors.New("cannot evaluate object")

// evaluable says why obj cannot be evaluated (see manifest.Object.Validate).
func evaluable(obj *manifest.Object) error {
	if obj == nil {
		return fmt.Errorf("%w: nil", ErrNotEvaluable)
	}
	if err := obj.Validate(); err != nil {
		return fmt.Errorf("%w %s: %w", ErrNotEvaluable, describe(obj), err)
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
// cross-object rules (or the exemption audit) need are kept until every
// object is read. Memory then grows with those, not with the input.
// opts.Visit is Check's own.
//
// The Results are never nil; their Read says what was read. The error
// holds every input error (a *manifest.Error each, naming the file and
// document: a missing path, a malformed document) and the evaluation's
// errors, as Evaluate's; the findings of everything that could be read are
// returned all the same.
func (e *Engine) Check(ctx context.Context, paths []string, opts manifest.Options) (*Results, error) {
	s := e.NewSession()
	opts.Visit = func(objs []*manifest.Object) { s.Visit(ctx, objs...) }
	read := manifest.Load(ctx, paths, opts)
	res, err := s.Finish(ctx)
	res.Read = read
	errs := make([]error, 0, len(read.Errors)+1)
	for _, inputErr := range read.Errors {
		errs = append(errs, inputErr)
	}
	return res, errors.Join(append(errs, err)...)
}

// A Session evaluates objects as a caller reads them: Visit runs the rules
// that judge an object alone at once, files the object in the inventory
// and keeps it if cross-object rules report on its kind (or the exemption
// audit reads it); Finish runs those rules and returns every finding and
// warning, as Evaluate would on all the objects visited. Check is a
// Session fed by manifest.Load's Visit; a caller that reads objects its
// own way uses one directly. The objects are only read, never changed.
//
// Visit is safe for concurrent use; Finish is called once, after the last
// Visit.
type Session struct {
	r *run
}

// NewSession starts a Session.
func (e *Engine) NewSession() *Session {
	r := e.start()
	r.streaming = true
	return &Session{r}
}

// Visit evaluates the objects' single-object rules and keeps what the
// cross-object rules need of them. An object it cannot evaluate is an
// error of Finish's, as Evaluate's.
func (s *Session) Visit(ctx context.Context, objs ...*manifest.Object) {
	for _, obj := range objs {
		if err := evaluable(obj); err != nil {
			s.r.fail(err)
			continue
		}
		s.r.visit(ctx, obj)
	}
}

// Finish runs the cross-object rules and returns the Results of every
// object visited, and the evaluation errors, as Evaluate does.
func (s *Session) Finish(ctx context.Context) (*Results, error) { return s.r.finish(ctx) }

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
	// streaming: objects arrive as they are read (a Session), so their
	// total is not known until the end.
	streaming bool

	mu       sync.Mutex
	inv      *inventoryBuilder
	across   []kept             // objects with cross-object rules, for finish
	audited  []*manifest.Object // other objects the exemption audit reads
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
	if r.streaming {
		r.total++ // Evaluate knows its total from the start
	}
	if len(rules.across.rules) > 0 {
		r.across = append(r.across, kept{obj, len(findings) > 0})
		return
	}
	if r.e.auditing && r.e.audits(obj, len(findings) > 0) {
		r.audited = append(r.audited, obj)
	}
	r.done++
	if !r.streaming {
		r.report(r.done) // a Session reports once every object is read
	}
}

// fail records an error of the run.
func (r *run) fail(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, err)
}

func (r *run) report(done int) {
	if r.e.progress != nil {
		r.e.progress(done, r.total)
	}
}

// finish runs the cross-object rules on the objects kept for them, on
// every worker, and returns all the findings, sorted, and the warnings.
func (r *run) finish(ctx context.Context) (*Results, error) {
	errs := r.errs
	errs = append(errs, r.alone.notRun()...)
	findings := r.findings
	if len(r.across) > 0 && ctx.Err() == nil {
		across := r.e.newEvaluation(r.e.store(r.inv.value()))
		if r.streaming {
			r.report(r.done) // the first a Session reports
		}
		parallel(ctx, r.e.workers, r.across, func(k kept) {
			fs, err := across.object(ctx, k.obj, r.e.byKind[k.obj.Kind].across)
			r.mu.Lock()
			defer r.mu.Unlock()
			findings = append(findings, fs...)
			if err != nil {
				errs = append(errs, unjoin(err)...)
			}
			if r.e.auditing && r.e.audits(k.obj, k.found || len(fs) > 0) {
				r.audited = append(r.audited, k.obj)
			}
			r.done++
			r.report(r.done)
		})
		errs = append(errs, across.notRun()...)
	}
	res := results(findings, r.inv.warnings())
	if r.e.auditing && ctx.Err() == nil {
		problems, err := r.e.audit(ctx, r.audited, findings)
		res.Audit = problems
		errs = append(errs, err)
	}
	r.across, r.audited, r.inv = nil, nil, nil
	if ctx.Err() != nil {
		return res, ctx.Err()
	}
	return res, errors.Join(errs...)
}
