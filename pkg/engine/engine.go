// Package engine evaluates prodready's Rego rules on Kubernetes objects.
//
// An Engine compiles the policy library once (New, with Options checked
// there); Check then reads files and evaluates them in one pass, and
// Evaluate runs every enabled rule on objects a program holds (made with
// manifest.FromMap, manifest.Decode or package kubeobject), in parallel
// across cores. Both return Results: the findings to act on, the exempted
// ones apart, Failing at a threshold, and warnings about the input as a
// whole (an object defined twice: see Warning). An Engine is safe for
// concurrent use, and objects are only read: never changed or released.
// An object that cannot be evaluated is an error (ErrNotEvaluable), never
// a silent nothing.
//
// Cross-object rules read the other objects of the same run from
// data.inventory, which the engine builds in the shape Gatekeeper syncs.
// Teams add or replace rules with WithPolicyFS and tune them with
// WithConfigFile; every rule runs without network and runtime builtins
// and under a deadline per object (WithTimeout).
package engine

import (
	"errors"
	"fmt"
	"io/fs"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/prodready/prodready/internal/lookup"
	"github.com/prodready/prodready/internal/sandbox"
	"github.com/prodready/prodready/pkg/config"
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
	return o.Kind + "/" + o.QualifiedName()
}

// QualifiedName is namespace/name, or the name alone without a namespace.
func (o ObjectRef) QualifiedName() string {
	if o.Namespace == "" {
		return o.Name
	}
	return o.Namespace + "/" + o.Name
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
	// Field is the field the finding is about, when the rule names one,
	// as a path for people: spec.template.spec.containers[app].resources.
	Field string `json:"field,omitempty"`
	File  string `json:"file"`
	// Line is where Field is written in File (or, when it is not written
	// out, the deepest part of it that is); without a Field, ObjectLine.
	Line int `json:"line"`
	// ObjectLine is where the object starts (a List item: where the item does).
	ObjectLine int `json:"objectLine"`
	// Exempted is set when an exemption that applies covers the finding
	// (the object's prodready.dev/exempt annotation, or WithExemptions):
	// reported, never failing.
	Exempted bool `json:"exempted,omitempty"`
	// Exemption is the exemption that covers the finding, whether or not
	// it still applies: an expired one leaves the finding failing.
	Exemption *Exemption `json:"exemption,omitempty"`
}

// Engine holds a compiled policy set. It is safe for concurrent use.
type Engine struct {
	compiler  *ast.Compiler
	rules     []policy.Rule
	byPackage map[string]policy.Rule
	// indexed are the kinds filed in data.inventory; nil: every kind.
	indexed map[string]bool
	// byKind are, by object kind, the enabled rules that report on that
	// kind (their METADATA kinds), by the pass they run in.
	byKind  map[string]kindRules
	workers int
	timeout time.Duration
	// exemptions are the configuration's and WithExemptions', in order.
	exemptions []config.Exemption
	// lib is data.lib: the rules' parameters and the exemptions as the
	// Rego reads them.
	lib      ast.Value
	clock    func() time.Time
	progress func(done, total int)
	// auditing: WithExemptionAudit.
	auditing bool
}

// kindRules are the enabled rules that report on a kind: alone, those that
// judge an object by itself, run as soon as it is read; across, those that
// look up other objects in data.inventory, run once every object is filed.
type kindRules struct {
	alone, across ruleList
}

// ruleList is rules and the key of their query, joined once rather than
// for every object.
type ruleList struct {
	rules []policy.Rule
	ids   string // their IDs, comma-separated
}

func (l *ruleList) add(r policy.Rule) {
	l.rules = append(l.rules, r)
	l.ids = strings.TrimPrefix(l.ids+","+r.ID, ",")
}

type options struct {
	profile policy.Profile
	workers int
	set     *policy.Set
	teams   []teamPolicy
	timeout time.Duration
	// config and rules are WithConfig's and WithRule's; configFile
	// reads WithConfigFile's or WithConfigYAML's.
	config     *config.Config
	configFile func() (name string, data []byte, err error)
	rules      map[string]config.Rule

	exemptions []config.Exemption
	clock      func() time.Time
	progress   func(done, total int)
	audit      bool
	// invalid are options given wrong, for New to report.
	invalid []error
}

// teamPolicy is a WithPolicyFS library.
type teamPolicy struct {
	source string
	fsys   fs.FS
}

// Option configures an Engine.
type Option func(*options)

// WithProfile selects the rules to run: baseline or strict, in any case
// (default: the WithConfig configuration's profile, else baseline). New
// fails on any other profile, as the CLI's --profile does.
func WithProfile(p policy.Profile) Option {
	return func(o *options) { o.profile = p }
}

// WithWorkers sets how many objects are evaluated at once (default:
// GOMAXPROCS); New fails on less than 1.
func WithWorkers(n int) Option {
	return func(o *options) {
		if n < 1 {
			o.invalid = append(o.invalid, fmt.Errorf("workers %d: want at least 1", n))
		}
		o.workers = n
	}
}

// WithProgress has Evaluate and Check call progress with the number of
// objects whose rules have all run and the number of objects: Evaluate
// from the start, Check once every object is read (until then, the
// loader's progress says how far it is). Calls come one at a time from the
// evaluating goroutines: keep it cheap.
func WithProgress(progress func(done, total int)) Option {
	return func(o *options) { o.progress = progress }
}

// WithPolicies replaces the embedded policy library.
func WithPolicies(set *policy.Set) Option {
	return func(o *options) { o.set = set }
}

// WithPolicyFS adds a team's rules, the .rego files of fsys, to the
// embedded library (or the WithPolicies one); repeat it for several.
// source names them: the rules' Source in Rules(), and the prefix of their
// file names in errors (source/file.rego:12: ...). A team rule whose ID is
// a built-in rule's replaces it; see policy.Merge for the rest. Team rules
// run in the same sandbox as the built-in ones.
func WithPolicyFS(source string, fsys fs.FS) Option {
	return func(o *options) {
		if fsys == nil {
			o.invalid = append(o.invalid, fmt.Errorf("team rules %q: no file system", source))
			return
		}
		o.teams = append(o.teams, teamPolicy{source, fsys})
	}
}

// New compiles the policy library.
func New(opts ...Option) (*Engine, error) {
	o := options{workers: runtime.GOMAXPROCS(0), timeout: DefaultTimeout, clock: time.Now}
	for _, opt := range opts {
		opt(&o)
	}
	if err := errors.Join(o.invalid...); err != nil {
		return nil, err
	}
	if o.profile != "" {
		p, err := policy.ParseProfile(string(o.profile))
		if err != nil {
			return nil, err
		}
		o.profile = p
	}
	if o.set == nil {
		set, err := policy.Builtin()
		if err != nil {
			return nil, fmt.Errorf("loading policies: %w", err)
		}
		o.set = set
	}
	if len(o.teams) > 0 {
		teams := make([]*policy.Set, len(o.teams))
		for i, t := range o.teams {
			set, err := policy.LoadTeam(t.source, t.fsys)
			if err != nil {
				return nil, err
			}
			teams[i] = set
		}
		set, err := policy.Merge(o.set, teams...)
		if err != nil {
			return nil, err
		}
		o.set = set
	}
	if err := o.loadConfig(); err != nil {
		return nil, err
	}
	cfg := o.configuration()
	if err := cfg.Validate(o.set); err != nil {
		return nil, fmt.Errorf("configuration: %w", err)
	}
	if cfg != nil {
		o.exemptions = cfg.Exemptions
	}
	e := &Engine{byPackage: map[string]policy.Rule{}, workers: o.workers, timeout: o.timeout,
		exemptions: o.exemptions, clock: o.clock, progress: o.progress, auditing: o.audit}
	exemptions, err := config.ExemptionsData(o.exemptions)
	if err != nil {
		return nil, err
	}
	parameters := map[string]any{}
	// ruleFiles maps every rule's file to whether the rule runs; the
	// other modules (lib/) are always compiled.
	ruleFiles := map[string]bool{}
	for _, r := range o.set.Rules {
		ruleFiles[r.File] = false
	}
	for _, r := range config.Effective(o.set, cfg, o.profile) {
		ruleFiles[r.File] = true
		e.rules = append(e.rules, r)
		e.byPackage[r.Package] = r
		parameters[r.ID] = r.Defaults()
	}
	if e.lib, err = ast.InterfaceToValue(map[string]any{"parameters": parameters, "exemptions": exemptions}); err != nil {
		return nil, err
	}
	modules := map[string]*ast.Module{}
	for name, m := range o.set.Modules {
		if enabled, isRule := ruleFiles[name]; isRule && !enabled {
			continue
		}
		modules[name] = m
	}
	e.compiler = ast.NewCompiler().WithCapabilities(sandbox.Capabilities())
	// The embedded library passes every check (TestEmbeddedLibraryPassesEveryCheck):
	// only other modules pay for them.
	checked := !verified(o.set, modules)
	if !checked {
		e.compiler = e.compiler.WithSkipStages(checkStages...)
	}
	if e.compiler.Compile(modules); e.compiler.Failed() {
		return nil, fmt.Errorf("compiling policies: %w", sandbox.Errors(e.compiler.Errors))
	}
	if checked {
		if errs := undefinedReferences(e.compiler); len(errs) > 0 {
			return nil, fmt.Errorf("compiling policies: %w", sandbox.Errors(errs))
		}
	}
	e.indexed = lookup.Kinds(e.compiler)
	across := lookup.Across(e.compiler, e.rules)
	for i, r := range e.rules {
		e.rules[i].CrossObject = across.Rules[r.ID]
		e.byPackage[r.Package] = e.rules[i]
	}
	if across.WholeInventory {
		e.indexed = nil
	}
	e.byKind = map[string]kindRules{}
	for _, r := range e.rules {
		for _, kind := range r.Kinds {
			k := e.byKind[kind]
			if r.CrossObject {
				k.across.add(r)
			} else {
				k.alone.add(r)
			}
			e.byKind[kind] = k
		}
	}
	return e, nil
}

// checkStages are the compiler's stages that only check modules, and
// change nothing evaluation reads: for the embedded library, which the
// tests compile with all of them, they are a third of the compile time
// every start pays (docs/performance.md).
var checkStages = []ast.StageID{
	ast.StageCheckUnusedImports, ast.StageCheckKeywordOverrides, ast.StageCheckDuplicateImports,
	ast.StageCheckVoidCalls, ast.StageCheckRuleConflicts, ast.StageCheckUndefinedFuncs,
	ast.StageCheckSafetyRuleHeads, ast.StageCheckRecursion, ast.StageCheckTypes,
	ast.StageCheckUnsafeBuiltins, ast.StageCheckDeprecatedBuiltins, ast.StageBuildRequiredCapabilities,
}

// verified says whether every module is one of the embedded library's.
func verified(set *policy.Set, modules map[string]*ast.Module) bool {
	for _, mod := range modules {
		if !set.Verified(mod) {
			return false
		}
	}
	return true
}

// Rules returns the rules the engine runs, sorted by ID, as the
// configuration tunes them (severity, parameter values as defaults).
func (e *Engine) Rules() []policy.Rule {
	return append([]policy.Rule(nil), e.rules...)
}

// findings turns the results of a findings query on obj into findings.
func (e *Engine) findings(obj *manifest.Object, rs rego.ResultSet) []Finding {
	ref := refOf(obj)
	loc := &locator{obj: obj}
	findings := make([]Finding, 0, len(rs))
	for _, r := range rs {
		pkg, _ := r.Bindings["rule"].(string)
		rule, ok := e.byPackage[policy.RulesPackage+"."+pkg]
		if !ok {
			continue
		}
		body, _ := r.Bindings["finding"].(map[string]any)
		msg, _ := body["msg"].(string)
		container, _ := body["container"].(string)
		field, line, note := loc.locate(body)
		if note != "" {
			msg = fmt.Sprintf("%s (%s: from %s)", msg, field, note)
		}
		findings = append(findings, Finding{
			Rule:        rule.ID,
			Severity:    rule.Severity,
			Enforcement: rule.Severity.Enforcement(),
			Message:     msg,
			Remediation: rule.Remediation,
			Object:      ref,
			Container:   container,
			Field:       field,
			File:        obj.File,
			Line:        line,
			ObjectLine:  obj.Line,
		})
	}
	e.exempt(findings, entries(rs))
	return findings
}

func refOf(obj *manifest.Object) ObjectRef {
	return ObjectRef{APIVersion: obj.APIVersion, Kind: obj.Kind, Namespace: obj.Namespace, Name: obj.Name}
}

func sortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.ObjectLine != b.ObjectLine {
			return a.ObjectLine < b.ObjectLine
		}
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		if a.Container != b.Container {
			return a.Container < b.Container
		}
		return a.Line < b.Line
	})
}
