// Package policy loads prodready's Rego modules and reads the rule catalogue
// from their METADATA annotations: ID, severity, profile, version,
// parameters with defaults and remediation. Nothing about a rule is written
// down in Go; the annotations are the catalogue. A team's own library
// (LoadTeam) follows the same contract, and Merge adds it to the built-in
// one, its rules replacing the built-in rules of the same ID.
package policy

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/prodready/prodready/policies"
)

// RulesPackage is the package every rule lives under: data.prodready.rules.<name>.
const RulesPackage = "prodready.rules"

// Severity orders findings; its enforcement follows from it.
type Severity string

// Severities, most severe first.
const (
	Critical Severity = "critical"
	High     Severity = "high"
	Medium   Severity = "medium"
	Low      Severity = "low"
)

var severityRank = map[Severity]int{Critical: 4, High: 3, Medium: 2, Low: 1}

// ParseSeverity accepts critical, high, medium or low.
func ParseSeverity(s string) (Severity, error) {
	sev := Severity(strings.ToLower(s))
	if _, ok := severityRank[sev]; !ok {
		return "", fmt.Errorf("unknown severity %q (want critical, high, medium or low)", s)
	}
	return sev, nil
}

// AtLeast reports whether s is as severe as threshold or more.
func (s Severity) AtLeast(threshold Severity) bool {
	return severityRank[s] >= severityRank[threshold]
}

// Enforcement is deny for critical and high, warn otherwise: the default
// action everywhere (SDK, Gatekeeper enforcementAction, Conftest rule).
func (s Severity) Enforcement() string {
	if s.AtLeast(High) {
		return "deny"
	}
	return "warn"
}

// Profile selects rules: baseline is on by default, strict adds the noisier ones.
type Profile string

// Profiles.
const (
	Baseline Profile = "baseline"
	Strict   Profile = "strict"
)

// ParseProfile accepts baseline or strict.
func ParseProfile(s string) (Profile, error) {
	switch p := Profile(strings.ToLower(s)); p {
	case Baseline, Strict:
		return p, nil
	}
	return "", fmt.Errorf("unknown profile %q (want baseline or strict)", s)
}

// Includes reports whether a rule of profile r runs under profile p.
func (p Profile) Includes(r Profile) bool {
	return r == Baseline || p == Strict
}

// Parameter is one parameter a team may override.
type Parameter struct {
	Name        string `json:"name"`
	Type        string `json:"type"`
	Description string `json:"description,omitempty"`
	Default     any    `json:"default"`
	// Items is the schema of an array's elements, e.g. {type: string}:
	// Gatekeeper's constraint CRDs need it for every array.
	Items map[string]any `json:"items,omitempty"`
}

// Rule is one rule of the catalogue, as its METADATA declares it.
type Rule struct {
	ID          string      `json:"id"`
	Title       string      `json:"title"`
	Description string      `json:"description"`
	Severity    Severity    `json:"severity"`
	Profile     Profile     `json:"profile"`
	Version     string      `json:"version"`
	Remediation string      `json:"remediation"`
	Parameters  []Parameter `json:"parameters,omitempty"`
	// Kinds are the kinds of object the rule reports on (whatever their
	// apiVersion): Gatekeeper Constraints match them, and the SDK skips
	// objects of other kinds.
	Kinds []string `json:"kinds"`
	// Package is the rule's Rego package, e.g. prodready.rules.memory_request_missing.
	Package string `json:"package"`
	// File is the rule's module file name in its Set: its path within the
	// built-in library, or, for a team rule, within its source (a team
	// rule's file starts with its source, e.g. team/policy/foo.rego).
	File string `json:"file"`
	// Source is where the rule comes from: BuiltinSource, or the source
	// name a team library was loaded with (LoadTeam), e.g. its directory.
	Source string `json:"source"`
	// CrossObject is set by the engine (engine.Engine.Rules) on a rule
	// that reads other objects (data.inventory): it judges an object
	// against the rest of its input, so on an object alone, as an
	// admission review holds it, it sees none of them.
	CrossObject bool `json:"crossObject,omitempty"`
}

// BuiltinSource is the Source of the rules of the library a Set starts
// from: the embedded one, or whatever Load or LoadFiles read.
const BuiltinSource = "built-in"

// Defaults returns the rule's parameters with their default values.
func (r Rule) Defaults() map[string]any {
	d := make(map[string]any, len(r.Parameters))
	for _, p := range r.Parameters {
		d[p.Name] = p.Default
	}
	return d
}

// Set is a parsed policy library: its modules and the rules they declare.
type Set struct {
	// Modules are every non-test module, by file name.
	Modules map[string]*ast.Module
	// Sources are the text of Modules, by file name: what bundles ship.
	Sources map[string]string
	// Tests are the text of the _test.rego files, by file name. They are
	// parsed only to run them (ParseTests): checking manifests never reads
	// them, and they are most of the library's text.
	Tests map[string]string
	// Rules are sorted by ID.
	Rules []Rule
	// verified are the modules Builtin parsed from the embedded library,
	// which its tests compile with every check of the compiler.
	verified map[*ast.Module]bool
}

// Builtin parses the policies embedded in prodready.
func Builtin() (*Set, error) {
	set, err := Load(policies.FS)
	if err != nil {
		return nil, err
	}
	set.verified = make(map[*ast.Module]bool, len(set.Modules))
	for _, mod := range set.Modules {
		set.verified[mod] = true
	}
	return set, nil
}

// Verified reports whether mod is a module of the embedded library as
// Builtin parsed it: one that passes every check of the compiler, which
// prodready's tests run (a team's module, or one parsed from elsewhere,
// is not).
func (s *Set) Verified(mod *ast.Module) bool {
	return s.verified[mod]
}

// Load parses every .rego file of fsys.
func Load(fsys fs.FS) (*Set, error) {
	files, err := readFiles(fsys, "")
	if err != nil {
		return nil, err
	}
	return LoadFiles(files)
}

// LoadFiles parses Rego sources given by slash-separated file name, as
// Load does for the files of a file system: bundles are read this way.
func LoadFiles(files map[string]string) (*Set, error) {
	return parse(files, BuiltinSource)
}

// LoadTeam parses a team's library: the .rego files of fsys, under the
// METADATA contract of the built-in rules. source names it (the CLI gives
// the --policy directory): its rules' Source, and the prefix of its file
// names, so that they do not collide with another source's and errors
// show the user's path (team/policy/foo.rego:12: ...). Merge adds it to
// the built-in library.
func LoadTeam(source string, fsys fs.FS) (*Set, error) {
	source = path.Clean(source)
	files, err := readFiles(fsys, source)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", source, err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%s: no .rego files", source)
	}
	return parse(files, source)
}

// readFiles reads the .rego files of fsys by name, prefixed with prefix.
func readFiles(fsys fs.FS, prefix string) (map[string]string, error) {
	files := map[string]string{}
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(name) != ".rego" {
			return err
		}
		src, err := fs.ReadFile(fsys, name)
		files[path.Join(prefix, name)] = string(src)
		return err
	})
	return files, err
}

func parse(files map[string]string, source string) (*Set, error) {
	set := &Set{Modules: map[string]*ast.Module{}, Sources: map[string]string{}, Tests: map[string]string{}}
	var names []string
	for name, src := range files {
		if strings.HasSuffix(name, "_test.rego") {
			set.Tests[name] = src
			continue
		}
		names = append(names, name)
	}
	// In name order, so that errors are the same from run to run.
	slices.Sort(names)
	mods, err := parseAll(names, files)
	if err != nil {
		return nil, err
	}
	for i, name := range names {
		src, mod := files[name], mods[i]
		set.Modules[name] = mod
		set.Sources[name] = src
		rule, ok, err := ruleOf(name, mod)
		if err != nil {
			return nil, err
		}
		if ok {
			rule.Source = source
			set.Rules = append(set.Rules, rule)
		}
	}
	sort.Slice(set.Rules, func(i, j int) bool { return set.Rules[i].ID < set.Rules[j].ID })
	for i := 1; i < len(set.Rules); i++ {
		if set.Rules[i].ID == set.Rules[i-1].ID {
			return nil, fmt.Errorf("rule ID %q is declared by both %s and %s", set.Rules[i].ID, set.Rules[i-1].File, set.Rules[i].File)
		}
	}
	packages := map[string]string{}
	for _, r := range set.Rules {
		if other, taken := packages[r.Package]; taken {
			return nil, fmt.Errorf("%s and %s both declare package %s: a rule is one package", other, r.File, r.Package)
		}
		packages[r.Package] = r.File
	}
	return set, nil
}

// parseAll parses the named files on every core: parsing is most of the
// time a process takes to start checking.
func parseAll(names []string, files map[string]string) ([]*ast.Module, error) {
	mods := make([]*ast.Module, len(names))
	errs := make([]error, len(names))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(names)) {
		wg.Go(func() {
			for i := range next {
				mods[i], errs[i] = parseModule(names[i], files[names[i]])
			}
		})
	}
	for i := range names {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err // the first by name
		}
	}
	return mods, nil
}

func parseModule(name, src string) (*ast.Module, error) {
	mod, err := ast.ParseModuleWithOpts(name, src, ast.ParserOptions{ProcessAnnotation: true, RegoVersion: ast.RegoV1})
	if err != nil {
		return nil, RegoError(err)
	}
	return mod, nil
}

// ParseTests parses the set's tests, by file name.
func (s *Set) ParseTests() (map[string]*ast.Module, error) {
	tests := make(map[string]*ast.Module, len(s.Tests))
	for _, name := range slices.Sorted(maps.Keys(s.Tests)) {
		mod, err := parseModule(name, s.Tests[name])
		if err != nil {
			return nil, err
		}
		tests[name] = mod
	}
	return tests, nil
}

// RegoError lists OPA's parse or compile errors one per line, each as
// file:line: code: message, without OPA's "N errors occurred" header.
// Other errors are returned as they are.
func RegoError(err error) error {
	var list ast.Errors
	if !errors.As(err, &list) || len(list) == 0 {
		return err
	}
	list.Sort()
	errs := make([]error, len(list))
	for i, e := range list {
		errs[i] = e
	}
	return errors.Join(errs...)
}

// Rule returns the rule with the given ID.
func (s *Set) Rule(id string) (Rule, bool) {
	i := sort.Search(len(s.Rules), func(i int) bool { return s.Rules[i].ID >= id })
	if i < len(s.Rules) && s.Rules[i].ID == id {
		return s.Rules[i], true
	}
	return Rule{}, false
}

// Enabled returns the rules profile p runs, sorted by ID.
func (s *Set) Enabled(p Profile) []Rule {
	var rules []Rule
	for _, r := range s.Rules {
		if p.Includes(r.Profile) {
			rules = append(rules, r)
		}
	}
	return rules
}

// Parameters returns every rule's default parameters by rule ID: the
// data.lib.parameters document the rules read outside Gatekeeper.
func (s *Set) Parameters() map[string]any {
	params := make(map[string]any, len(s.Rules))
	for _, r := range s.Rules {
		params[r.ID] = r.Defaults()
	}
	return params
}

// ruleOf reads the rule a module declares; modules outside RulesPackage
// (the helpers of lib/) declare none. Its errors start with file:line.
//
// A module that means to be a rule and would never run is an error, not
// a silent skip: one whose METADATA gives a rule ID (custom.id) in a
// package outside RulesPackage, and a rule with no findings rule.
func ruleOf(file string, mod *ast.Module) (Rule, bool, error) {
	pkg := packageOf(mod)
	var ann *ast.Annotations
	for _, a := range mod.Annotations {
		if a.Scope == "package" {
			ann = a
		}
	}
	if !strings.HasPrefix(pkg, RulesPackage+".") {
		if ann != nil && str(ann.Custom["id"]) != "" {
			return Rule{}, false, fmt.Errorf("%s:%d: package %s declares the rule %s (custom.id) but is not under %s, so it would never run: name it %s.<name>", file, mod.Package.Location.Row, pkg, str(ann.Custom["id"]), RulesPackage, RulesPackage)
		}
		return Rule{}, false, nil
	}
	if ann == nil {
		return Rule{}, false, fmt.Errorf("%s:%d: package %s has no METADATA annotation", file, mod.Package.Location.Row, pkg)
	}
	rule, err := ruleFrom(file, pkg, ann)
	if err != nil {
		return Rule{}, false, fmt.Errorf("%s:%d: %w", file, ann.Location.Row, err)
	}
	if !slices.ContainsFunc(mod.Rules, func(r *ast.Rule) bool { return r.Head.Ref().String() == "findings" }) {
		return Rule{}, false, fmt.Errorf("%s:%d: package %s has no findings rule, so the rule %s could never report: write findings contains {\"msg\": ...} if { ... }", file, mod.Package.Location.Row, pkg, rule.ID)
	}
	return rule, true, nil
}

// packageOf is mod's package without the data. prefix, e.g. lib.prodready.review.
func packageOf(mod *ast.Module) string {
	return strings.TrimPrefix(mod.Package.Path.String(), "data.")
}

func ruleFrom(file, pkg string, ann *ast.Annotations) (Rule, error) {
	custom := ann.Custom
	rule := Rule{
		ID:          str(custom["id"]),
		Title:       ann.Title,
		Description: strings.TrimSpace(ann.Description),
		Severity:    Severity(str(custom["severity"])),
		Profile:     Profile(str(custom["profile"])),
		Version:     str(custom["version"]),
		Remediation: strings.TrimSpace(str(custom["remediation"])),
		Package:     pkg,
		File:        file,
	}
	params, err := parametersOf(custom["parameters"])
	if err != nil {
		return Rule{}, err
	}
	rule.Parameters = params
	for _, k := range list(custom["kinds"]) {
		rule.Kinds = append(rule.Kinds, str(k))
	}
	return rule, rule.validate()
}

func (r Rule) validate() error {
	var missing []string
	for field, v := range map[string]string{"title": r.Title, "description": r.Description, "custom.id": r.ID, "custom.version": r.Version, "custom.remediation": r.Remediation} {
		if v == "" {
			missing = append(missing, field)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return fmt.Errorf("METADATA lacks %s", strings.Join(missing, ", "))
	}
	if _, err := ParseSeverity(string(r.Severity)); err != nil {
		return err
	}
	if _, err := ParseProfile(string(r.Profile)); err != nil {
		return err
	}
	if name, ok := strings.CutPrefix(r.Package, RulesPackage+"."); !ok || strings.Contains(name, ".") {
		return fmt.Errorf("package %s: a rule's package is %s.<name>, one level below", r.Package, RulesPackage)
	}
	if len(r.Kinds) == 0 {
		return fmt.Errorf("METADATA lacks custom.kinds, the list of kinds the rule reports on")
	}
	for _, k := range r.Kinds {
		if k == "" || strings.Contains(k, "/") {
			return fmt.Errorf("custom.kinds: %q is not a bare kind name such as Deployment", k)
		}
	}
	return nil
}

// parametersOf reads custom.parameters: a map of name to {type, default, description}.
func parametersOf(v any) ([]Parameter, error) {
	if v == nil {
		return nil, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("custom.parameters must be a map of name to {type, default, description}")
	}
	params := make([]Parameter, 0, len(m))
	for name, spec := range m {
		s, ok := spec.(map[string]any)
		if !ok || s["type"] == nil || s["default"] == nil {
			return nil, fmt.Errorf("parameter %q needs a type and a default", name)
		}
		params = append(params, Parameter{Name: name, Type: str(s["type"]), Description: strings.TrimSpace(str(s["description"])), Default: s["default"], Items: object(s["items"])})
	}
	sort.Slice(params, func(i, j int) bool { return params[i].Name < params[j].Name })
	return params, nil
}

func object(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func list(v any) []any {
	l, _ := v.([]any)
	return l
}

func str(v any) string {
	s, _ := v.(string)
	return s
}
