// Package gatekeeper builds prodready's rules for OPA Gatekeeper: one
// ConstraintTemplate that carries every rule's own Rego as a lib module
// (unchanged but for its package, lib.prodready.rules.<rule>), the lib
// modules they import and a violation rule over their findings; a
// Constraint per enforcement action (deny, warn, or warn at admission and
// deny in audit) listing the rules it enforces with their parameters; and
// a gator suite per rule that proves it on the rule's examples. A SyncSet
// replicates the kinds the cross-object rules look up into data.inventory.
//
// One template, not one per rule, because Gatekeeper's constraint
// framework evaluates each template of a review as a query of its own:
// with a template per rule a Deployment's review paid that fixed cost 23
// times and evaluated the shared libraries as often, about five times
// gatekeeper-library's latency for the same practices (docs/performance.md).
//
// The bundle's layout:
//
//	templates/prodready.yaml        the ConstraintTemplate (apply first)
//	constraints/<action>.yaml       Constraints (once the template is ready)
//	sync/syncset.yaml               SyncSet for data.inventory
//	sync-config/config.yaml         the same sync list as a Config, for clusters that sync with it
//	suites/<rule-id>/suite.yaml     gator verify suites, each with a constraint of its rule alone,
//	                                their objects under suites/examples/
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

// Annotations of the template besides Gatekeeper's own metadata ones.
const (
	// RulesAnnotation lists the IDs of the rules the template carries,
	// comma-separated.
	RulesAnnotation    = "prodready.dev/rules"
	RevisionAnnotation = "prodready.dev/revision"
	// SyncAnnotation declares the kinds the template needs synced, for
	// `gator sync test` and the people who install it.
	SyncAnnotation = "metadata.gatekeeper.sh/requires-sync-data"
)

// Kind is the kind of the bundle's constraints. Its template is named the
// same in lowercase, as Gatekeeper requires: `kubectl get prodready` lists
// the constraints.
const Kind = "Prodready"

// templateFile is the template's path in the bundle.
const templateFile = "templates/prodready.yaml"

// RulesParameter is the constraint parameter that lists the rules a
// constraint enforces, each with its parameters: {rule ID: {name: value}}.
// lib.prodready.review hands a rule its own under Gatekeeper.
const RulesParameter = "rules"

// RulePackage is the package a rule's module has in the template,
// lib.prodready.rules.<rule ID in snake_case>: Gatekeeper loads a
// template's other modules only as libs, under data.lib.
func RulePackage(ruleID string) string {
	return "lib.prodready.rules." + strings.ReplaceAll(ruleID, "-", "_")
}

// Build returns the Gatekeeper bundle of the rules opts selects, for
// Gatekeeper 3.19 and later when gatekeeperVersion is "". An older version
// ("3.15" to "3.18") gets a template in Rego v0 syntax (the same rules),
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
	rules := opts.Rules()
	synced := map[string]bool{}
	for _, r := range rules {
		for _, kind := range lookups[r.ID] {
			synced[kind] = true
		}
	}
	if b.files[templateFile], err = b.template(rules, slices.Sorted(maps.Keys(synced))); err != nil {
		return nil, err
	}
	if err := b.constraints(rules); err != nil {
		return nil, err
	}
	for _, r := range rules {
		if err := b.suite(r); err != nil {
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

// ExemptionsParameter is the constraint parameter that carries the team's
// exemptions of the constraint's rules to lib.prodready.exemption, which
// reads it in place of data.lib.exemptions under Gatekeeper. The template
// of a bundle built with a configuration declares it.
const ExemptionsParameter = "prodreadyExemptions"

// exemptionsSchema declares ExemptionsParameter: the configuration's
// exemptions as they are written there, selectors included.
var exemptionsSchema = schema{
	Type:        "array",
	Description: "The team's exemptions from these rules (.prodready.yaml's exemptions): rules, namespace, name, selector, reason, expires.",
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

// templateRego is the template's own module: the table of the rules it
// carries and the violation rule over their findings. Each constraint
// lists its rules in input.parameters.rules; one query evaluates them all,
// so what they share (the object's containers, its exemptions) is
// evaluated once a constraint, not once a rule.
const templateRego = `package prodready

import data.lib.prodready.exemption
import data.lib.prodready.review

# modules are the rules' modules, by package. Imported, not referred to as
# data.lib.prodready.rules[...]: the constraint framework moves the libs
# under data.libs and rewrites imports, but not a reference with a
# variable in it.
import data.lib.prodready.rules as modules

# rules are the rules the template carries, by ID: their module (its package
# under data.lib.prodready.rules), the kinds they report on (none: every kind),
# their severity and their fix.
rules := %s

# violation: one per finding of each rule the constraint lists, on objects of
# the rule's kinds, except where an exemption covers the object (its
# annotation, or the constraint's prodreadyExemptions). The message names the
# rule (the finding's own names the container); the details name the rule,
# its severity, its fix and the container.
violation contains {"msg": msg, "details": details} if {
	some id, _ in input.parameters.rules
	rule := rules[id]
	reports_on(rule.kinds)
	some finding in modules[rule.module].findings
	not exemption.exempt(id)
	msg := sprintf("%%s: %%s", [id, finding.msg])
	details := object.union({"rule": id, "severity": rule.severity, "remediation": rule.remediation}, object.filter(finding, {"container"}))
}

reports_on(kinds) if count(kinds) == 0

reports_on(kinds) if review.kind in kinds
`

// ruleEntry is a rule's row in templateRego's table.
type ruleEntry struct {
	Module      string   `json:"module"`
	Kinds       []string `json:"kinds"`
	Severity    string   `json:"severity"`
	Remediation string   `json:"remediation"`
}

// template is the bundle's ConstraintTemplate: every rule's module as a lib
// in its package under lib.prodready.rules, the lib modules they and the
// exemption lib import, and templateRego over them. Its schema declares
// each rule's parameters under RulesParameter.
func (b *builder) template(rules []policy.Rule, synced []string) ([]byte, error) {
	if _, ok := b.libs[exemptionLib]; !ok {
		return nil, fmt.Errorf("the policy set has no %s, which the template calls", exemptionLib)
	}
	table := map[string]ruleEntry{}
	ruleSchemas := map[string]schema{}
	var ids, ruleModules []string
	var mods []*ast.Module
	for _, r := range rules {
		src, err := b.asLib(r)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", r.ID, err)
		}
		ruleModules = append(ruleModules, src)
		mods = append(mods, b.opts.Set.Modules[r.File])
		ids = append(ids, r.ID)
		table[r.ID] = ruleEntry{
			Module:      strings.TrimPrefix(RulePackage(r.ID), "lib.prodready.rules."),
			Kinds:       append([]string{}, r.Kinds...),
			Severity:    string(r.Severity),
			Remediation: strings.TrimSpace(r.Remediation),
		}
		params := map[string]schema{}
		for _, p := range r.Parameters {
			if p.Type == "array" && p.Items == nil {
				return nil, fmt.Errorf("%s: parameter %s is an array without items in METADATA: Gatekeeper's constraint schema needs its element type", r.ID, p.Name)
			}
			params[p.Name] = schema{Type: p.Type, Description: p.Description, Items: p.Items}
		}
		ruleSchemas[r.ID] = schema{Type: "object", Description: r.Title, Properties: params}
	}
	tableRego, err := json.MarshalIndent(table, "", "\t")
	if err != nil {
		return nil, err
	}
	rego := fmt.Sprintf(templateRego, tableRego)
	own, err := ast.ParseModuleWithOpts(templateFile, rego, ast.ParserOptions{RegoVersion: ast.RegoV1})
	if err != nil {
		return nil, err
	}
	var libs []string
	for _, file := range b.libsOf(append(mods, own)...) {
		libs = append(libs, b.opts.Set.Sources[file])
	}
	libs = append(libs, ruleModules...)

	var spec templateSpec
	spec.CRD.Spec.Names.Kind = Kind
	props := map[string]schema{RulesParameter: {
		Type:        "object",
		Description: "The rules this constraint enforces, by ID, each with its parameters.",
		Properties:  ruleSchemas,
	}}
	if b.opts.Config != nil {
		props[ExemptionsParameter] = exemptionsSchema
	}
	spec.CRD.Spec.Validation = &validation{OpenAPIV3Schema: schema{Type: "object", Properties: props}}
	if b.compat.regoV1 {
		spec.Targets = []target{{Target: Target, Code: []code{{Engine: "Rego", Source: source{Version: "v1", Rego: rego, Libs: libs}}}}}
	} else {
		t := target{Target: Target}
		if t.Rego, err = regoV0(templateFile, rego); err != nil {
			return nil, err
		}
		for i, lib := range libs {
			src, err := regoV0(fmt.Sprintf("%s lib %d", templateFile, i), lib)
			if err != nil {
				return nil, err
			}
			t.Libs = append(t.Libs, src)
		}
		spec.Targets = []target{t}
	}

	annotations := map[string]string{
		"metadata.gatekeeper.sh/title":   "prodready",
		"metadata.gatekeeper.sh/version": b.opts.Revision,
		"description":                    "prodready's rules for running Kubernetes workloads in production: requests and limits, probes, disruption budgets, autoscaling, spreading, RBAC. Each constraint lists the rules it enforces.",
		RulesAnnotation:                  strings.Join(ids, ","),
		RevisionAnnotation:               b.opts.Revision,
	}
	if len(synced) > 0 {
		req, err := syncRequirements(synced)
		if err != nil {
			return nil, err
		}
		annotations[SyncAnnotation] = req
	}
	return marshal(resource{
		APIVersion: TemplateAPIVersion,
		Kind:       "ConstraintTemplate",
		Metadata:   metadata{Name: strings.ToLower(Kind), Labels: labels(), Annotations: annotations},
		Spec:       spec,
	})
}

// asLib is rule r's module with its package renamed RulePackage(r.ID),
// every other line as the rule has it.
func (b *builder) asLib(r policy.Rule) (string, error) {
	mod, ok := b.opts.Set.Modules[r.File]
	if !ok || mod.Package == nil || mod.Package.Location == nil {
		return "", fmt.Errorf("no module for %s", r.File)
	}
	lines := strings.Split(b.opts.Set.Sources[r.File], "\n")
	row := mod.Package.Location.Row - 1
	if row < 0 || row >= len(lines) || !strings.HasPrefix(lines[row], "package ") {
		return "", fmt.Errorf("%s: no package line at line %d", r.File, row+1)
	}
	lines[row] = "package " + RulePackage(r.ID)
	return strings.Join(lines, "\n"), nil
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

// libsOf returns the files of the lib modules that mods import or refer
// to, directly or through other libs, sorted: what the template must
// carry, and nothing more.
func (b *builder) libsOf(mods ...*ast.Module) []string {
	seen := map[string]bool{}
	var visit func(mod *ast.Module)
	visit = func(mod *ast.Module) {
		ast.WalkRefs(mod, func(ref ast.Ref) bool {
			for i := len(ref); i >= 2; i-- {
				if lib, ok := b.libs[ref[:i].String()]; ok && !seen[lib] {
					seen[lib] = true
					visit(b.opts.Set.Modules[lib])
				}
			}
			return false
		})
	}
	for _, mod := range mods {
		visit(mod)
	}
	return slices.Sorted(maps.Keys(seen))
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

// enforcement is where and how a rule is enforced: its action in the
// webhook and in audit and gator.
type enforcement struct{ admission, audit string }

// enforcementOf is rule r's enforcement: its severity's action (deny or
// warn) in audit and gator, and at admission the configuration's Admission
// if it names one, else warn for a rule that reads other objects, else the
// severity's. The webhook judges an object against Gatekeeper's sync cache
// as it is at that moment: an application's PodDisruptionBudget applied
// after its Deployment (kubectl apply -f app/ goes in file name order), or
// a second before and not synced yet, is not there, so a cross-object rule
// that denied would refuse a good apply. Audit sees the synced state.
// A Gatekeeper without scoped actions (compat) gets the admission action
// everywhere.
func (b *builder) enforcementOf(r policy.Rule) enforcement {
	severity := r.Severity.Enforcement()
	admission := severity
	if b.crossObject[r.ID] {
		admission = config.AdmissionWarn
	}
	if b.opts.Config != nil && b.opts.Config.Rules[r.ID].Admission != "" {
		admission = b.opts.Config.Rules[r.ID].Admission
	}
	if !b.compat.scoped {
		return enforcement{admission, admission}
	}
	return enforcement{admission, severity}
}

// name is the name of the constraint that enforces rules so: the action
// ("deny"), or the audit one and the admission one ("deny-warn-at-admission").
func (e enforcement) name() string {
	if e.admission == e.audit {
		return e.audit
	}
	return e.audit + "-" + e.admission + "-at-admission"
}

// set writes the actions into spec: scoped to the enforcement points when
// they differ.
func (e enforcement) set(spec *constraintSpec) {
	if e.admission == e.audit {
		spec.EnforcementAction = e.audit
		return
	}
	spec.EnforcementAction = "scoped"
	spec.ScopedEnforcementActions = []scopedAction{
		{Action: e.admission, EnforcementPoints: []enforcementPoint{{WebhookPoint}}},
		{Action: e.audit, EnforcementPoints: []enforcementPoint{{AuditPoint}, {GatorPoint}}},
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

// constraints writes one constraint per enforcement the rules have, named
// after it (see enforcement.name), each enforcing its rules.
func (b *builder) constraints(rules []policy.Rule) error {
	byEnforcement := map[enforcement][]policy.Rule{}
	for _, r := range rules {
		e := b.enforcementOf(r)
		byEnforcement[e] = append(byEnforcement[e], r)
	}
	for e, rules := range byEnforcement {
		c, err := b.constraint(e.name(), e, rules)
		if err != nil {
			return err
		}
		if b.files["constraints/"+e.name()+".yaml"], err = marshal(c); err != nil {
			return err
		}
	}
	return nil
}

// constraint enforces rules with e, each with its parameters as the
// configuration sets them (else their defaults) in RulesParameter:
// Gatekeeper hands the template input.parameters only, so the defaults
// the rules' METADATA declare must be spelled out here. It matches the
// rules' kinds, or every kind if one of them has none (the template
// evaluates each rule on its own kinds). The configuration's exemptions of
// the rules are in its match where Gatekeeper can say the same (see
// exclusions), else in ExemptionsParameter.
func (b *builder) constraint(name string, e enforcement, rules []policy.Rule) (resource, error) {
	var spec constraintSpec
	e.set(&spec)
	kinds := map[string]bool{}
	params := map[string]any{}
	for _, r := range rules {
		for _, k := range r.Kinds {
			kinds[k] = true
		}
		params[r.ID] = r.Defaults()
	}
	spec.Parameters = map[string]any{RulesParameter: params}
	if !slices.ContainsFunc(rules, func(r policy.Rule) bool { return len(r.Kinds) == 0 }) {
		spec.Match = &match{Kinds: []kindMatch{{APIGroups: []string{"*"}, Kinds: slices.Sorted(maps.Keys(kinds))}}}
	}
	if b.opts.Config != nil {
		ex := exclusions(rules, b.opts.Config.Exemptions)
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
			spec.Parameters[ExemptionsParameter] = data
		}
	}
	return resource{
		APIVersion: ConstraintAPIVersion,
		Kind:       Kind,
		Metadata:   metadata{Name: name, Labels: labels(), Annotations: map[string]string{RevisionAnnotation: b.opts.Revision}},
		Spec:       spec,
	}, nil
}

// exclusion is how a constraint carries the exemptions of its rules.
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

// exclusions sorts the exemptions that cover any of rules (listing it or
// "*") into what the constraint's match can say and the rest. Gatekeeper
// then does not review the objects excluded, where the SDK reports their
// findings exempted: the failing findings are the same. Only an exemption
// that covers every rule of the constraint can go to its match, and a
// match cannot expire, so a dated exemption stays in the Rego. One
// covering only a namespace goes to excludedNamespaces (unless a rule is
// about Namespaces, which Gatekeeper matches by their own name, or about
// every kind). One covering only the objects a one-term label selector
// selects becomes that term negated in labelSelector, whose terms must all
// hold: the constraint applies to the objects none of them exempts.
// Anything more (a name, a namespace and labels, a selector of two terms)
// stays in the Rego.
func exclusions(rules []policy.Rule, exemptions []config.Exemption) exclusion {
	var ex exclusion
	byNamespace := !slices.ContainsFunc(rules, func(r policy.Rule) bool {
		return len(r.Kinds) == 0 || slices.Contains(r.Kinds, "Namespace")
	})
	covers := func(x config.Exemption, r policy.Rule) bool {
		return slices.Contains(x.Rules, r.ID) || slices.Contains(x.Rules, "*")
	}
	for _, x := range exemptions {
		if !slices.ContainsFunc(rules, func(r policy.Rule) bool { return covers(x, r) }) {
			continue
		}
		all := !slices.ContainsFunc(rules, func(r policy.Rule) bool { return !covers(x, r) })
		plain := all && x.Expires == "" && x.Name == ""
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

// suite writes the gator suite of rule r with a constraint that enforces r
// alone, as its constraint in the bundle does: one case per object of the
// rule's example file and of examples/good/ that the constraint matches,
// expecting as many violations as the SDK reports findings (exempted ones
// left out). The inventory is the whole file, the object included, which
// is what the SDK sees and what an audit of a cluster holding them sees.
func (b *builder) suite(r policy.Rule) error {
	dir := "suites/" + r.ID
	c, err := b.constraint(r.ID, b.enforcementOf(r), []policy.Rule{r})
	if err != nil {
		return err
	}
	if b.files[dir+"/constraint.yaml"], err = marshal(c); err != nil {
		return err
	}
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
			Template:   fromSuite(templateFile),
			Constraint: "constraint.yaml",
			Cases:      cases,
		}},
	})
	b.files[dir+"/suite.yaml"] = out
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

%s Apply the template first, then, once
Gatekeeper has created its constraint kind, the SyncSet and the
constraints (each directory is a kustomization, as in gatekeeper-library;
the template holds every rule, too large for kubectl's client-side apply,
hence --server-side):

` + "```sh" + `
kubectl apply --server-side -k templates/
kubectl wait --for=jsonpath='{.status.created}'=true constrainttemplates -l app.kubernetes.io/part-of=prodready
kubectl apply -k sync/
kubectl apply -k constraints/
` + "```" + `

templates/prodready.yaml is one ConstraintTemplate, kind Prodready: every
rule's Rego as prodready ships it (as a lib module, in its package under
lib.prodready.rules), the lib modules they import and a violation rule over
their findings, each violation naming the rule, its severity and its fix in
its details. One template, because Gatekeeper evaluates each template of a
review as a query of its own: one for all rules costs a review a fraction
of one per rule. Objects opt out with the annotation prodready.dev/exempt
(until the date in prodready.dev/exempt-until, if any).

Each constraint lists in spec.parameters.rules the rules it enforces, with
their parameters (the rules' defaults unless .prodready.yaml sets them):
edit a rule's parameters there, or remove its entry to turn it off
(` + "`kubectl get prodready`" + ` lists the constraints). The constraints are
named after their action: deny holds the critical and high severity rules,
warn the others. Admission is the exception: a rule that reads other
objects (pdb-missing: no budget selects these pods) warns in the webhook
whatever its severity, and denies at its severity in audit and gator only
(the constraint deny-warn-at-admission, enforcementAction: scoped). At
admission Gatekeeper judges an object against its sync cache as it is at
that moment: kubectl apply -f app/ applies deployment.yaml before pdb.yaml,
and a budget applied a second earlier may not be synced yet, so denying
there would refuse good applications. A rule's admission entry in
.prodready.yaml (deny, warn or dryrun) sets the webhook's action for that
rule, which moves it to the constraint of that action.

The cross-object rules read other objects from data.inventory (the
template's annotation metadata.gatekeeper.sh/requires-sync-data lists the
kinds): sync/syncset.yaml replicates those kinds. At admission they see
what is synced at that moment; the audit sees the whole cluster. Where the
cluster's Config holds the sync list, merge the syncOnly list of
sync-config/config.yaml into that Config instead (applying it as is would
replace the Config's other settings). The list includes Secrets when a rule
reads them (their annotations): Gatekeeper then caches Secrets, so restrict
who can read its cache accordingly.

suites/ holds a gator suite per rule, built from prodready's examples, each
with a constraint that enforces its rule alone:
` + "`gator verify suites/...`" + ` runs them.
`
