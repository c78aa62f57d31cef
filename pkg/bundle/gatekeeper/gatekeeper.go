// Package gatekeeper builds prodready's rules for OPA Gatekeeper. Every rule
// becomes a ConstraintTemplate that carries the rule's own Rego, unchanged,
// with the lib modules it imports and a violation rule over its findings; a
// Constraint that enforces it (deny or warn, from its severity) on its kinds
// with its default parameters; and a gator suite that proves it on the
// rule's examples. A SyncSet replicates the kinds the cross-object rules
// look up into data.inventory.
//
// The bundle's layout:
//
//	templates/<rule-id>.yaml    ConstraintTemplates (apply first)
//	constraints/<rule-id>.yaml  Constraints (once their templates are ready)
//	sync/syncset.yaml           SyncSet for data.inventory
//	sync-config/config.yaml     the same sync list as a Config, for clusters that sync with it
//	suites/<rule-id>/suite.yaml gator verify suites, their objects under suites/examples/
package gatekeeper

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"go.yaml.in/yaml/v3"

	"github.com/prodready/prodready/examples"
	"github.com/prodready/prodready/internal/docs"
	"github.com/prodready/prodready/internal/lookup"
	"github.com/prodready/prodready/pkg/bundle"
	"github.com/prodready/prodready/pkg/config"
	"github.com/prodready/prodready/pkg/engine"
	"github.com/prodready/prodready/pkg/manifest"
	"github.com/prodready/prodready/pkg/policy"
)

// The API versions of what the bundle holds.
const (
	TemplateAPIVersion   = "templates.gatekeeper.sh/v1"
	ConstraintAPIVersion = "constraints.gatekeeper.sh/v1beta1"
	SyncSetAPIVersion    = "syncset.gatekeeper.sh/v1alpha1"
	ConfigAPIVersion     = "config.gatekeeper.sh/v1alpha1"
	SuiteAPIVersion      = "test.gatekeeper.sh/v1alpha1"
	// Target is the Gatekeeper target that reviews Kubernetes objects.
	Target = "admission.k8s.gatekeeper.sh"
)

// Annotations of the templates besides Gatekeeper's own metadata ones.
const (
	RuleIDAnnotation   = "prodready.dev/rule-id"
	SeverityAnnotation = "prodready.dev/severity"
	RevisionAnnotation = "prodready.dev/revision"
	// SyncAnnotation declares the kinds a template needs synced, for
	// `gator sync test` and the people who install it.
	SyncAnnotation = "metadata.gatekeeper.sh/requires-sync-data"
)

// Kind is the constraint kind of a rule: "Prodready" and the rule ID in
// CamelCase, e.g. ProdreadyMemoryRequestMissing. Its template is named
// the same in lowercase, as Gatekeeper requires.
func Kind(ruleID string) string {
	var b strings.Builder
	b.WriteString("Prodready")
	for _, word := range strings.Split(ruleID, "-") {
		if word != "" {
			b.WriteString(strings.ToUpper(word[:1]) + word[1:])
		}
	}
	return b.String()
}

// Build returns the Gatekeeper bundle of the rules opts selects, for
// Gatekeeper 3.19 and later when gatekeeperVersion is "". An older version
// ("3.15" to "3.18") gets templates in Rego v0 syntax (the same rules),
// and before 3.17, which has no scoped enforcement actions, one
// action per rule: the admission one (warn for rules that read other
// objects), in audit too.
func Build(opts bundle.Options, gatekeeperVersion string) (bundle.Files, error) {
	opts, err := opts.Normalize()
	if err != nil {
		return nil, err
	}
	compat, err := compatFor(gatekeeperVersion)
	if err != nil {
		return nil, err
	}
	lookups, err := lookup.ByRule(opts.Set)
	if err != nil {
		return nil, err
	}
	eng, err := engine.New(engine.WithPolicies(opts.Set), engine.WithProfile(opts.Profile), engine.WithConfig(opts.Config))
	if err != nil {
		return nil, err
	}
	b := builder{opts: opts, compat: compat, eng: eng, files: bundle.Files{}, libs: libPackages(opts.Set), examples: map[string]*example{}, crossObject: map[string]bool{}}
	for _, r := range eng.Rules() {
		b.crossObject[r.ID] = r.CrossObject
	}
	synced := map[string]bool{}
	for _, r := range opts.Rules() {
		for _, kind := range lookups[r.ID] {
			synced[kind] = true
		}
		if err := b.rule(r, lookups[r.ID]); err != nil {
			return nil, fmt.Errorf("%s: %w", r.ID, err)
		}
	}
	gvks, err := syncGVKs(slices.Sorted(maps.Keys(synced)))
	if err != nil {
		return nil, err
	}
	if b.files["sync/syncset.yaml"], err = syncSetFor(gvks, opts.Revision); err != nil {
		return nil, err
	}
	if b.files["sync-config/config.yaml"], err = configFor(gvks, opts.Revision); err != nil {
		return nil, err
	}
	b.files["README.md"] = []byte(fmt.Sprintf(readme, compat.needs()))
	for _, dir := range []string{"templates", "constraints", "sync"} {
		if b.files[dir+"/kustomization.yaml"], err = kustomization(b.files, dir); err != nil {
			return nil, err
		}
	}
	return b.files, nil
}

// kustomization lists the files of dir, so that each step of the install
// is one kubectl apply -k, as gatekeeper-library's directories are.
func kustomization(files bundle.Files, dir string) ([]byte, error) {
	var resources []string
	for _, p := range files.Paths() {
		if rest, ok := strings.CutPrefix(p, dir+"/"); ok && !strings.Contains(rest, "/") {
			resources = append(resources, rest)
		}
	}
	return marshal(map[string]any{
		"apiVersion": "kustomize.config.k8s.io/v1beta1",
		"kind":       "Kustomization",
		"resources":  resources,
	})
}

type builder struct {
	opts   bundle.Options
	compat compat
	eng    *engine.Engine
	files  bundle.Files
	// libs maps every lib package path (data.lib...) to its module's file.
	libs map[string]string
	// examples are the example files read so far, parsed, with the
	// findings the SDK reports on them; each is evaluated once.
	examples map[string]*example
	// crossObject are the rules that read other objects, by ID.
	crossObject map[string]bool
}

func (b *builder) rule(r policy.Rule, lookedUp []string) error {
	tmpl, err := b.template(r, lookedUp)
	if err != nil {
		return err
	}
	b.files["templates/"+r.ID+".yaml"] = tmpl
	c, err := constraint(r, b.opts, b.compat, b.crossObject[r.ID])
	if err != nil {
		return err
	}
	if b.files["constraints/"+r.ID+".yaml"], err = marshal(c); err != nil {
		return err
	}
	return b.suite(r)
}

// resource is the frame of every Kubernetes object the bundle holds.
type resource struct {
	APIVersion string   `yaml:"apiVersion"`
	Kind       string   `yaml:"kind"`
	Metadata   metadata `yaml:"metadata"`
	Spec       any      `yaml:"spec"`
}

type metadata struct {
	Name        string            `yaml:"name"`
	Namespace   string            `yaml:"namespace,omitempty"`
	Labels      map[string]string `yaml:"labels,omitempty"`
	Annotations map[string]string `yaml:"annotations,omitempty"`
}

// PartOfLabel marks every template, constraint and SyncSet of the bundle
// (app.kubernetes.io/part-of: prodready), to wait for, list or delete them
// at once.
const PartOfLabel = "app.kubernetes.io/part-of"

// labels are the labels of the bundle's resources.
func labels() map[string]string { return map[string]string{PartOfLabel: "prodready"} }

type templateSpec struct {
	CRD struct {
		Spec struct {
			Names struct {
				Kind string `yaml:"kind"`
			} `yaml:"names"`
			Validation *validation `yaml:"validation,omitempty"`
		} `yaml:"spec"`
	} `yaml:"crd"`
	Targets []target `yaml:"targets"`
}

type validation struct {
	OpenAPIV3Schema schema `yaml:"openAPIV3Schema"`
}

type schema struct {
	Type        string            `yaml:"type"`
	Description string            `yaml:"description,omitempty"`
	Items       map[string]any    `yaml:"items,omitempty"`
	Properties  map[string]schema `yaml:"properties,omitempty"`
}

// ExemptionsParameter is the constraint parameter that carries a team's
// exemptions of the rule to lib.prodready.exemption, which reads it in
// place of data.lib.exemptions under Gatekeeper. Every template of a
// bundle built with a configuration declares it.
const ExemptionsParameter = "prodreadyExemptions"

// exemptionsSchema declares ExemptionsParameter: the configuration's
// exemptions as they are written there, selectors included.
var exemptionsSchema = schema{
	Type:        "array",
	Description: "The team's exemptions from this rule (.prodready.yaml's exemptions): rules, namespace, name, selector, reason, expires.",
	Items:       map[string]any{"type": "object", "x-kubernetes-preserve-unknown-fields": true},
}

// target holds the Rego in code (Rego v1) or, for Gatekeepers that read
// only Rego v0 there, in rego and libs.
type target struct {
	Target string   `yaml:"target"`
	Code   []code   `yaml:"code,omitempty"`
	Rego   string   `yaml:"rego,omitempty"`
	Libs   []string `yaml:"libs,omitempty"`
}

type code struct {
	Engine string `yaml:"engine"`
	Source source `yaml:"source"`
}

type source struct {
	Version string   `yaml:"version"`
	Rego    string   `yaml:"rego"`
	Libs    []string `yaml:"libs,omitempty"`
}

// violationRule turns the rule's findings into Gatekeeper violations: one
// per finding, its message naming the rule (the finding's own names the
// container) and its details the rule, severity, fix and container,
// unless an exemption covers the object, as the SDK decides it.
const violationRule = `
# Gatekeeper reports violation, one per finding, except on objects an
# exemption covers (their annotation, or the constraint's prodreadyExemptions).
violation contains {"msg": msg, "details": details} if {
	some finding in findings
	not data.lib.prodready.exemption.exempt(%[1]s)
	msg := sprintf("%%s: %%s", [%[1]s, finding.msg])
	details := object.union({"rule": %[1]s, "severity": %[2]s, "remediation": %[3]s}, object.filter(finding, {"container"}))
}
`

func (b *builder) template(r policy.Rule, lookedUp []string) ([]byte, error) {
	src, ok := b.opts.Set.Sources[r.File]
	if !ok {
		return nil, fmt.Errorf("no source for %s", r.File)
	}
	id, _ := json.Marshal(r.ID)
	severity, _ := json.Marshal(r.Severity)
	remediation, _ := json.Marshal(strings.TrimSpace(r.Remediation))
	rego := strings.TrimRight(src, "\n") + "\n" + fmt.Sprintf(violationRule, id, severity, remediation)
	exemption, ok := b.libs[exemptionLib]
	if !ok {
		return nil, fmt.Errorf("the policy set has no %s, which every template calls", exemptionLib)
	}
	var libs []string
	for _, file := range b.libsOf(r.File, exemption) {
		libs = append(libs, b.opts.Set.Sources[file])
	}

	var spec templateSpec
	spec.CRD.Spec.Names.Kind = Kind(r.ID)
	props := map[string]schema{}
	for _, p := range r.Parameters {
		if p.Type == "array" && p.Items == nil {
			return nil, fmt.Errorf("parameter %s is an array without items in METADATA: Gatekeeper's constraint schema needs its element type", p.Name)
		}
		if p.Name == ExemptionsParameter {
			return nil, fmt.Errorf("parameter %s is reserved for the team's exemptions", p.Name)
		}
		props[p.Name] = schema{Type: p.Type, Description: p.Description, Items: p.Items}
	}
	if b.opts.Config != nil {
		props[ExemptionsParameter] = exemptionsSchema
	}
	if len(props) > 0 {
		spec.CRD.Spec.Validation = &validation{OpenAPIV3Schema: schema{Type: "object", Properties: props}}
	}
	if b.compat.regoV1 {
		spec.Targets = []target{{Target: Target, Code: []code{{Engine: "Rego", Source: source{Version: "v1", Rego: rego, Libs: libs}}}}}
	} else {
		t := target{Target: Target}
		var err error
		if t.Rego, err = regoV0(r.File, rego); err != nil {
			return nil, err
		}
		for i, lib := range libs {
			src, err := regoV0(fmt.Sprintf("%s lib %d", r.File, i), lib)
			if err != nil {
				return nil, err
			}
			t.Libs = append(t.Libs, src)
		}
		spec.Targets = []target{t}
	}

	annotations := map[string]string{
		"metadata.gatekeeper.sh/title":   r.Title,
		"metadata.gatekeeper.sh/version": r.Version,
		"description":                    r.Description,
		RuleIDAnnotation:                 r.ID,
		SeverityAnnotation:               string(r.Severity),
		RevisionAnnotation:               b.opts.Revision,
	}
	if len(lookedUp) > 0 {
		req, err := syncRequirements(lookedUp)
		if err != nil {
			return nil, err
		}
		annotations[SyncAnnotation] = req
	}
	return marshal(resource{
		APIVersion: TemplateAPIVersion,
		Kind:       "ConstraintTemplate",
		Metadata:   metadata{Name: strings.ToLower(Kind(r.ID)), Labels: labels(), Annotations: annotations},
		Spec:       spec,
	})
}

// libPackages maps the package path of every lib module to its file.
func libPackages(set *policy.Set) map[string]string {
	libs := map[string]string{}
	for file, mod := range set.Modules {
		if pkg := mod.Package.Path.String(); strings.HasPrefix(pkg, "data.lib.") {
			libs[pkg] = file
		}
	}
	return libs
}

// exemptionLib is the package of the exemption lib the violation rule calls.
const exemptionLib = "data.lib.prodready.exemption"

// libsOf returns the files of the lib modules the module in file imports or
// refers to, directly or through other libs, and the lib files also with
// theirs, sorted: what its template must carry, and nothing more.
func (b *builder) libsOf(file string, also ...string) []string {
	seen := map[string]bool{}
	var visit func(file string)
	visit = func(file string) {
		ast.WalkRefs(b.opts.Set.Modules[file], func(ref ast.Ref) bool {
			for i := len(ref); i >= 2; i-- {
				if lib, ok := b.libs[ref[:i].String()]; ok && !seen[lib] && lib != file {
					seen[lib] = true
					visit(lib)
				}
			}
			return false
		})
	}
	visit(file)
	for _, lib := range also {
		seen[lib] = true
		visit(lib)
	}
	delete(seen, file)
	libs := make([]string, 0, len(seen))
	for lib := range seen {
		libs = append(libs, lib)
	}
	sort.Strings(libs)
	return libs
}

type constraintSpec struct {
	EnforcementAction        string         `yaml:"enforcementAction"`
	ScopedEnforcementActions []scopedAction `yaml:"scopedEnforcementActions,omitempty"`
	Match                    *match         `yaml:"match,omitempty"`
	Parameters               map[string]any `yaml:"parameters,omitempty"`
}

// scopedAction is one action of a constraint whose enforcementAction is
// scoped, at the enforcement points it names.
type scopedAction struct {
	Action            string             `yaml:"action"`
	EnforcementPoints []enforcementPoint `yaml:"enforcementPoints"`
}

type enforcementPoint struct {
	Name string `yaml:"name"`
}

// The enforcement points of Gatekeeper (3.17 and later) a constraint may
// scope its actions to.
const (
	WebhookPoint = "validation.gatekeeper.sh"
	AuditPoint   = "audit.gatekeeper.sh"
	GatorPoint   = "gator.gatekeeper.sh"
)

// enforcement sets spec's actions for rule r: its severity's (deny or
// warn) in audit and gator, and at admission the configuration's Admission
// if it names one, else warn for a rule that reads other objects, else the
// severity's. The webhook judges an object against Gatekeeper's sync cache
// as it is at that moment: an application's PodDisruptionBudget applied
// after its Deployment (kubectl apply -f app/ goes in file name order), or
// a second before and not synced yet, is not there, so a cross-object rule
// that denied would refuse a good apply. Audit sees the synced state.
// A Gatekeeper without scoped actions (compat) gets the admission action
// everywhere.
func enforcement(spec *constraintSpec, r policy.Rule, opts bundle.Options, compat compat, crossObject bool) {
	severity := r.Severity.Enforcement()
	admission := severity
	if crossObject {
		admission = config.AdmissionWarn
	}
	if opts.Config != nil && opts.Config.Rules[r.ID].Admission != "" {
		admission = opts.Config.Rules[r.ID].Admission
	}
	if admission == severity || !compat.scoped {
		spec.EnforcementAction = admission
		return
	}
	spec.EnforcementAction = "scoped"
	spec.ScopedEnforcementActions = []scopedAction{
		{Action: admission, EnforcementPoints: []enforcementPoint{{WebhookPoint}}},
		{Action: severity, EnforcementPoints: []enforcementPoint{{AuditPoint}, {GatorPoint}}},
	}
}

type match struct {
	Kinds              []kindMatch           `yaml:"kinds,omitempty"`
	ExcludedNamespaces []string              `yaml:"excludedNamespaces,omitempty"`
	LabelSelector      *config.LabelSelector `yaml:"labelSelector,omitempty"`
}

type kindMatch struct {
	APIGroups []string `yaml:"apiGroups"`
	Kinds     []string `yaml:"kinds"`
}

// constraint enforces rule r with its parameters, as the configuration sets
// them (else their defaults), and with its enforcement (see enforcement): Gatekeeper hands a
// rule input.parameters only, so the defaults its METADATA declares must be
// spelled out here. A rule without kinds is matched on every kind. The
// configuration's exemptions of the rule are in its match where Gatekeeper
// can say the same (see exclusions), else in ExemptionsParameter.
func constraint(r policy.Rule, opts bundle.Options, compat compat, crossObject bool) (resource, error) {
	var spec constraintSpec
	enforcement(&spec, r, opts, compat, crossObject)
	if len(r.Kinds) > 0 {
		spec.Match = &match{Kinds: []kindMatch{{APIGroups: []string{"*"}, Kinds: r.Kinds}}}
	}
	if len(r.Parameters) > 0 {
		spec.Parameters = r.Defaults()
	}
	if opts.Config != nil {
		ex := exclusions(r, opts.Config.Exemptions)
		if len(ex.namespaces) > 0 || ex.selector != nil {
			if spec.Match == nil {
				spec.Match = &match{}
			}
			spec.Match.ExcludedNamespaces = ex.namespaces
			spec.Match.LabelSelector = ex.selector
		}
		if len(ex.rest) > 0 {
			data, err := config.ExemptionsData(ex.rest)
			if err != nil {
				return resource{}, err
			}
			if spec.Parameters == nil {
				spec.Parameters = map[string]any{}
			}
			spec.Parameters[ExemptionsParameter] = data
		}
	}
	return resource{
		APIVersion: ConstraintAPIVersion,
		Kind:       Kind(r.ID),
		Metadata:   metadata{Name: r.ID, Labels: labels(), Annotations: map[string]string{RevisionAnnotation: opts.Revision}},
		Spec:       spec,
	}, nil
}

// exclusion is how a constraint carries the exemptions of its rule.
type exclusion struct {
	// namespaces are match.excludedNamespaces, sorted.
	namespaces []string
	// selector is match.labelSelector: the negation of every label exemption.
	selector *config.LabelSelector
	// rest are left to the Rego, as ExemptionsParameter.
	rest []config.Exemption
}

// Namespace patterns match.excludedNamespaces means as the exemption's glob
// does: a name, or a prefix or suffix wildcard. A lone "*" is left to the
// Rego, where it also matches cluster-scoped objects.
var (
	exactNamespace  = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)
	prefixNamespace = regexp.MustCompile(`^[a-z0-9][-a-z0-9]*\*$`)
	suffixNamespace = regexp.MustCompile(`^\*[-a-z0-9]*[a-z0-9]$`)
)

// negated are the matchExpressions operators that select exactly the
// objects a one-term selector does not.
var negated = map[string]string{"In": "NotIn", "NotIn": "In", "Exists": "DoesNotExist", "DoesNotExist": "Exists"}

// exclusions sorts the exemptions that cover rule r (listing it or "*")
// into what the constraint's match can say and the rest. Gatekeeper then
// does not review the objects excluded, where the SDK reports their
// findings exempted: the failing findings are the same. A match cannot
// expire, so a dated exemption stays in the Rego. One covering only a
// namespace goes to excludedNamespaces (unless the rule is about
// Namespaces, which Gatekeeper matches by their own name). One covering
// only the objects a one-term label selector selects becomes that term
// negated in labelSelector, whose terms must all hold: the constraint
// applies to the objects none of them exempts. Anything more (a name, a
// namespace and labels, a selector of two terms) stays in the Rego.
func exclusions(r policy.Rule, exemptions []config.Exemption) exclusion {
	var ex exclusion
	byNamespace := len(r.Kinds) > 0 && !slices.Contains(r.Kinds, "Namespace")
	for _, x := range exemptions {
		if !slices.Contains(x.Rules, r.ID) && !slices.Contains(x.Rules, "*") {
			continue
		}
		plain := x.Expires == "" && x.Name == ""
		switch term, ok := negation(x.Selector); {
		case plain && byNamespace && x.Selector == nil && (exactNamespace.MatchString(x.Namespace) || prefixNamespace.MatchString(x.Namespace) || suffixNamespace.MatchString(x.Namespace)):
			if !slices.Contains(ex.namespaces, x.Namespace) {
				ex.namespaces = append(ex.namespaces, x.Namespace)
			}
		case plain && x.Namespace == "" && ok:
			if ex.selector == nil {
				ex.selector = &config.LabelSelector{}
			}
			if !slices.ContainsFunc(ex.selector.MatchExpressions, func(t config.Requirement) bool { return reflect.DeepEqual(t, term) }) {
				ex.selector.MatchExpressions = append(ex.selector.MatchExpressions, term)
			}
		default:
			ex.rest = append(ex.rest, x)
		}
	}
	slices.Sort(ex.namespaces)
	return ex
}

// negation is the one term of selector, negated; false when the selector
// has none or several.
func negation(selector *config.LabelSelector) (config.Requirement, bool) {
	if selector == nil || len(selector.MatchLabels)+len(selector.MatchExpressions) != 1 {
		return config.Requirement{}, false
	}
	for key, value := range selector.MatchLabels {
		return config.Requirement{Key: key, Operator: "NotIn", Values: []string{value}}, true
	}
	term := selector.MatchExpressions[0]
	op, ok := negated[term.Operator]
	return config.Requirement{Key: term.Key, Operator: op, Values: slices.Clone(term.Values)}, ok
}

// Suite layout: the example files (the inventory of their cases) and one
// file per object under test, shared by the suites of every rule.
const examplesDir = "suites/examples"

type suite struct {
	APIVersion string      `yaml:"apiVersion"`
	Kind       string      `yaml:"kind"`
	Metadata   metadata    `yaml:"metadata"`
	Tests      []suiteTest `yaml:"tests"`
}

type suiteTest struct {
	Name       string      `yaml:"name"`
	Template   string      `yaml:"template"`
	Constraint string      `yaml:"constraint"`
	Cases      []suiteCase `yaml:"cases"`
}

type suiteCase struct {
	Name       string      `yaml:"name"`
	Object     string      `yaml:"object"`
	Inventory  []string    `yaml:"inventory"`
	Assertions []assertion `yaml:"assertions"`
}

type assertion struct {
	Violations int `yaml:"violations"`
}

// suite writes the gator suite of rule r: one case per object of the
// rule's example file and of examples/good/ that its constraint matches,
// expecting as many violations as the SDK reports findings (exempted ones
// left out). The inventory is the whole file, the object included, which
// is what the SDK sees and what an audit of a cluster holding them sees.
func (b *builder) suite(r policy.Rule) error {
	files := []string{docs.ExamplePath(r)}
	good, err := fs.Glob(examples.FS, "good/*.yaml")
	if err != nil {
		return err
	}
	files = append(files, good...)
	var cases []suiteCase
	for _, file := range files {
		ex, err := b.example(file)
		if err != nil {
			return err
		}
		if ex == nil {
			continue // a rule of a custom library may have no example
		}
		for i, obj := range ex.objects {
			if !matches(r, obj.Kind) {
				continue
			}
			objPath, err := b.objectFile(file, i, obj)
			if err != nil {
				return err
			}
			cases = append(cases, suiteCase{
				Name:       strings.TrimSuffix(file, ".yaml") + " " + engine.ObjectRef{Kind: obj.Kind, Namespace: obj.Namespace, Name: obj.Name}.String(),
				Object:     fromSuite(objPath),
				Inventory:  []string{fromSuite(path.Join(examplesDir, file))},
				Assertions: []assertion{{Violations: ex.findings[findingKey{r.ID, obj.Line}]}},
			})
		}
	}
	out, err := marshal(suite{
		APIVersion: SuiteAPIVersion,
		Kind:       "Suite",
		Metadata:   metadata{Name: r.ID},
		Tests: []suiteTest{{
			Name:       r.ID,
			Template:   fromSuite("templates/" + r.ID + ".yaml"),
			Constraint: fromSuite("constraints/" + r.ID + ".yaml"),
			Cases:      cases,
		}},
	})
	b.files["suites/"+r.ID+"/suite.yaml"] = out
	return err
}

// fromSuite is the path of a bundle file relative to a suite, as gator
// verify resolves the paths of a suite.
func fromSuite(p string) string {
	if rest, ok := strings.CutPrefix(p, "suites/"); ok {
		return "../" + rest
	}
	return "../../" + p
}

// matches reports whether rule r's constraint matches objects of kind.
func matches(r policy.Rule, kind string) bool {
	return len(r.Kinds) == 0 || slices.Contains(r.Kinds, kind)
}

type example struct {
	objects  []*manifest.Object
	findings map[findingKey]int
}

// findingKey names the findings of one rule on the object at a line of its file.
type findingKey struct {
	rule string
	line int
}

// example reads an example file, copies it into the bundle as the
// inventory of its cases, and counts the SDK's findings on it; nil when
// there is no such file.
func (b *builder) example(file string) (*example, error) {
	if ex, ok := b.examples[file]; ok {
		return ex, nil
	}
	data, err := fs.ReadFile(examples.FS, file)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, err
	}
	parsed := manifest.Parse("examples/"+file, data)
	if len(parsed.Errors) > 0 {
		return nil, parsed.Errors[0]
	}
	res, err := b.eng.Evaluate(context.Background(), parsed.Objects)
	if err != nil {
		return nil, err
	}
	ex := &example{objects: parsed.Objects, findings: map[findingKey]int{}}
	for _, f := range res.Findings {
		ex.findings[findingKey{f.Rule, f.ObjectLine}]++
	}
	b.examples[file] = ex
	b.files[path.Join(examplesDir, file)] = data
	return ex, nil
}

var unsafeName = regexp.MustCompile(`[^a-z0-9.-]+`)

// objectFile writes the i-th object of an example file on its own, as gator
// verify wants the object of a case, and returns its path in the bundle.
func (b *builder) objectFile(file string, i int, obj *manifest.Object) (string, error) {
	name := fmt.Sprintf("%02d-%s-%s.yaml", i+1, strings.ToLower(obj.Kind), unsafeName.ReplaceAllString(strings.ToLower(obj.Name), "-"))
	p := path.Join(examplesDir, strings.TrimSuffix(file, ".yaml"), name)
	if _, done := b.files[p]; done {
		return p, nil
	}
	out, err := marshal(obj.Content())
	b.files[p] = out
	return p, err
}

// marshal writes documents as YAML, Rego as readable literal blocks.
// Strings YAML 1.1 would read as something else ("yes", "0644") are quoted,
// so Kubernetes reads back exactly the values written.
func marshal(docs ...any) ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	for _, d := range docs {
		if err := enc.Encode(d); err != nil {
			return nil, err
		}
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

const readme = `# prodready for Gatekeeper

Generated by ` + "`prodready bundle --target gatekeeper`" + `: do not edit.

%s Apply the templates first, then, once
Gatekeeper has created their constraint kinds, the SyncSet and the
constraints (each directory is a kustomization, as in gatekeeper-library):

` + "```sh" + `
kubectl apply -k templates/
kubectl wait --for=jsonpath='{.status.created}'=true constrainttemplates -l app.kubernetes.io/part-of=prodready
kubectl apply -k sync/
kubectl apply -k constraints/
` + "```" + `

Each template carries one rule's Rego as prodready ships it, the lib
modules it imports and a violation rule over its findings; objects opt out
with the annotation prodready.dev/exempt (until the date in
prodready.dev/exempt-until, if any). Each constraint enforces its rule
on the rule's kinds, deny for critical and high severity and warn otherwise,
with the rule's default parameters: edit spec.parameters to override them.
Admission is the exception: a rule that reads other objects (pdb-missing:
no budget selects these pods) warns in the webhook whatever its severity,
and denies or warns at its severity in audit and gator only
(enforcementAction: scoped). At admission Gatekeeper judges an object
against its sync cache as it is at that moment: kubectl apply -f app/
applies deployment.yaml before pdb.yaml, and a budget applied a second
earlier may not be synced yet, so denying there would refuse good
applications. A rule's admission entry in .prodready.yaml (deny, warn or
dryrun) sets the webhook's action for that rule.

The cross-object rules (those whose template has the annotation
metadata.gatekeeper.sh/requires-sync-data) read other objects from
data.inventory: sync/syncset.yaml replicates those kinds. At admission they
see what is synced at that moment; the audit sees the whole cluster.
Where the cluster's Config holds the sync list,
merge the syncOnly list of sync-config/config.yaml into that Config instead
(applying it as is would replace the Config's other settings). The list
includes Secrets when a rule reads them (their annotations): Gatekeeper then
caches Secrets, so restrict who can read its cache accordingly.

suites/ holds a gator suite per rule, built from prodready's examples:
` + "`gator verify suites/...`" + ` runs them.
`
