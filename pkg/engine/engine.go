// Package engine evaluates prodready's Rego rules on Kubernetes objects.
//
// An Engine compiles the policy library once; Evaluate then runs every
// enabled rule on many objects with one prepared query, in parallel across
// cores, and returns typed findings. Cross-object rules read the other
// objects of the same Evaluate call from data.inventory, which the engine
// builds in the shape Gatekeeper syncs.
package engine

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage/inmem"

	"github.com/prodready/prodready/pkg/manifest"
	"github.com/prodready/prodready/pkg/policy"
)

// ObjectRef names the object a finding is about.
type ObjectRef struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Namespace  string `json:"namespace"`
	Name       string `json:"name"`
}

func (o ObjectRef) String() string {
	if o.Namespace == "" {
		return o.Kind + "/" + o.Name
	}
	return o.Kind + "/" + o.Namespace + "/" + o.Name
}

// Finding is one rule's verdict on one object (and container, where the rule is about one).
type Finding struct {
	Rule        string          `json:"rule"`
	Severity    policy.Severity `json:"severity"`
	Enforcement string          `json:"enforcement"`
	Message     string          `json:"message"`
	Remediation string          `json:"remediation"`
	Object      ObjectRef       `json:"object"`
	Container   string          `json:"container,omitempty"`
	File        string          `json:"file"`
	Line        int             `json:"line"`
	// Exempted is set when the object opts out of the rule with the
	// prodready.dev/exempt annotation: reported, never failing.
	Exempted bool `json:"exempted,omitempty"`
}

// Engine holds a compiled policy set. It is safe for concurrent use.
type Engine struct {
	compiler   *ast.Compiler
	rules      []policy.Rule
	byPackage  map[string]policy.Rule
	parameters map[string]any
	indexed    map[string]bool
	// reporters are, by object kind, the IDs of the enabled rules that
	// report on that kind (their METADATA kinds).
	reporters map[string]map[string]bool
	workers   int
}

type options struct {
	profile policy.Profile
	workers int
	set     *policy.Set
}

// Option configures an Engine.
type Option func(*options)

// WithProfile selects the rules to run: baseline (the default) or strict.
func WithProfile(p policy.Profile) Option {
	return func(o *options) { o.profile = p }
}

// WithWorkers sets how many objects are evaluated at once (default: GOMAXPROCS).
func WithWorkers(n int) Option {
	return func(o *options) { o.workers = n }
}

// WithPolicies replaces the embedded policy library.
func WithPolicies(set *policy.Set) Option {
	return func(o *options) { o.set = set }
}

// New compiles the policy library.
func New(opts ...Option) (*Engine, error) {
	o := options{profile: policy.Baseline, workers: runtime.GOMAXPROCS(0)}
	for _, opt := range opts {
		opt(&o)
	}
	if o.set == nil {
		set, err := policy.Builtin()
		if err != nil {
			return nil, fmt.Errorf("loading policies: %w", err)
		}
		o.set = set
	}
	e := &Engine{byPackage: map[string]policy.Rule{}, parameters: map[string]any{}, reporters: map[string]map[string]bool{}, workers: max(o.workers, 1)}
	// ruleFiles maps every rule's file to whether the profile enables it;
	// the other modules (lib/) are always compiled.
	ruleFiles := map[string]bool{}
	for _, r := range o.set.Rules {
		ruleFiles[r.File] = o.profile.Includes(r.Profile)
		if !ruleFiles[r.File] {
			continue
		}
		e.rules = append(e.rules, r)
		e.byPackage[r.Package] = r
		e.parameters[r.ID] = r.Defaults()
		for _, kind := range r.Kinds {
			if e.reporters[kind] == nil {
				e.reporters[kind] = map[string]bool{}
			}
			e.reporters[kind][r.ID] = true
		}
	}
	modules := map[string]*ast.Module{}
	for name, m := range o.set.Modules {
		if enabled, isRule := ruleFiles[name]; isRule && !enabled {
			continue
		}
		modules[name] = m
	}
	e.compiler = ast.NewCompiler().WithCapabilities(sandboxCapabilities())
	if e.compiler.Compile(modules); e.compiler.Failed() {
		return nil, fmt.Errorf("compiling policies: %w", e.compiler.Errors)
	}
	e.indexed = lookedUpKinds(e.compiler)
	return e, nil
}

// Rules returns the rules the engine runs, sorted by ID.
func (e *Engine) Rules() []policy.Rule {
	return append([]policy.Rule(nil), e.rules...)
}

// deniedBuiltins reach outside the evaluation: the network and the runtime.
var deniedBuiltins = []string{"http.send", "net.", "opa.runtime"}

func sandboxCapabilities() *ast.Capabilities {
	caps := ast.CapabilitiesForThisVersion()
	kept := caps.Builtins[:0]
	for _, b := range caps.Builtins {
		if !denied(b.Name) {
			kept = append(kept, b)
		}
	}
	caps.Builtins = kept
	caps.AllowNet = []string{}
	return caps
}

func denied(name string) bool {
	for _, d := range deniedBuiltins {
		if name == d || (strings.HasSuffix(d, ".") && strings.HasPrefix(name, d)) {
			return true
		}
	}
	return false
}

var findingsQuery = ast.MustParseBody("data.prodready.rules[rule].findings[finding]")

// Evaluate runs every enabled rule on objs. Cross-object rules see all of
// objs. Objects of a kind no enabled rule reports on are not evaluated (only
// looked up), and a rule's findings are only on the kinds it declares.
// Findings are sorted by file, line, rule and container.
func (e *Engine) Evaluate(ctx context.Context, objs []*manifest.Object) ([]Finding, error) {
	store := inmem.NewFromObjectWithOpts(map[string]any{
		"lib":       map[string]any{"parameters": e.parameters},
		"inventory": inventory(objs, e.indexed),
	}, inmem.OptRoundTripOnWrite(false), inmem.OptReturnASTValuesOnRead(true))
	query, err := rego.New(
		rego.ParsedQuery(findingsQuery),
		rego.Compiler(e.compiler),
		rego.Store(store),
		rego.StoreReadAST(true),
	).PrepareForEval(ctx)
	if err != nil {
		return nil, fmt.Errorf("preparing query: %w", err)
	}

	type result struct {
		findings []Finding
		err      error
	}
	jobs := make(chan *manifest.Object)
	results := make(chan result)
	var wg sync.WaitGroup
	for range e.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for obj := range jobs {
				fs, err := e.evaluate(ctx, query, obj)
				results <- result{fs, err}
			}
		}()
	}
	go func() {
		defer close(jobs)
		for _, obj := range objs {
			if e.reporters[obj.Kind] == nil {
				continue
			}
			select {
			case jobs <- obj:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() {
		wg.Wait()
		close(results)
	}()

	// An object that fails to evaluate does not hide the findings of the others.
	var findings []Finding
	var errs []error
	for r := range results {
		findings = append(findings, r.findings...)
		if r.err != nil {
			errs = append(errs, r.err)
		}
	}
	sortFindings(findings)
	if ctx.Err() != nil {
		return findings, ctx.Err()
	}
	return findings, errors.Join(errs...)
}

func (e *Engine) evaluate(ctx context.Context, query rego.PreparedEvalQuery, obj *manifest.Object) ([]Finding, error) {
	input, err := ast.InterfaceToValue(obj.Content)
	if err != nil {
		return nil, fmt.Errorf("%s: document %d: %w", obj.File, obj.Doc, err)
	}
	rs, err := query.Eval(ctx, rego.EvalParsedInput(input))
	if err != nil {
		return nil, fmt.Errorf("%s: document %d: evaluating %s/%s: %w", obj.File, obj.Doc, obj.Kind, obj.Name, err)
	}
	ref := ObjectRef{APIVersion: obj.APIVersion, Kind: obj.Kind, Namespace: obj.Namespace, Name: obj.Name}
	exempt := exemptions(obj)
	findings := make([]Finding, 0, len(rs))
	for _, r := range rs {
		pkg, _ := r.Bindings["rule"].(string)
		rule, ok := e.byPackage[policy.RulesPackage+"."+pkg]
		if !ok || !e.reporters[obj.Kind][rule.ID] {
			continue
		}
		body, _ := r.Bindings["finding"].(map[string]any)
		msg, _ := body["msg"].(string)
		container, _ := body["container"].(string)
		findings = append(findings, Finding{
			Rule:        rule.ID,
			Severity:    rule.Severity,
			Enforcement: rule.Severity.Enforcement(),
			Message:     msg,
			Remediation: rule.Remediation,
			Object:      ref,
			Container:   container,
			File:        obj.File,
			Line:        obj.Line,
			Exempted:    exempt["*"] || exempt[rule.ID],
		})
	}
	return findings, nil
}

// ExemptAnnotation lists the rules an object opts out of ("rule-a,rule-b" or "*").
const ExemptAnnotation = "prodready.dev/exempt"

func exemptions(obj *manifest.Object) map[string]bool {
	meta, _ := obj.Content["metadata"].(map[string]any)
	annotations, _ := meta["annotations"].(map[string]any)
	list, _ := annotations[ExemptAnnotation].(string)
	if list == "" {
		return nil
	}
	out := map[string]bool{}
	for _, id := range strings.Split(list, ",") {
		out[strings.TrimSpace(id)] = true
	}
	return out
}

func sortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		return a.Container < b.Container
	})
}
