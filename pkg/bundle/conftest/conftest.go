// Package conftest builds prodready's Conftest bundle: a policy directory
// that `conftest test --all-namespaces --combine` uses as it is, and a data
// file with the rules' parameters.
//
// The policy directory holds the Rego of the lib modules and of the enabled
// rules, byte for byte and under their paths in policies/, and one
// generated module, main.rego (package main, Conftest's default namespace).
// It turns Conftest's input into what the SDK gives the rules: every
// Kubernetes object of the input (List items expanded) as input, and, with
// --combine, the objects the cross-object rules look up as data.inventory.
// Each finding becomes a deny (critical, high) or warn (medium, low) result
// that names the rule and the object, with the rule, severity, object and
// container as metadata. Without --combine Conftest hands over one document
// at a time, so only the rules that judge an object alone run.
package conftest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path"
	"strings"
	"text/template"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/format"
	"sigs.k8s.io/yaml"

	"github.com/prodready/prodready/internal/lookup"
	"github.com/prodready/prodready/pkg/bundle"
	"github.com/prodready/prodready/pkg/policy"
)

// Paths of the bundle, relative to its directory.
const (
	PolicyDir      = "policy"
	DataDir        = "data"
	WrapperFile    = PolicyDir + "/main.rego"
	ParametersFile = DataDir + "/parameters.yaml"
	// ExemptionsFile holds a configuration's exemptions, data.lib.exemptions.
	ExemptionsFile = DataDir + "/exemptions.yaml"
	ReadmeFile     = "README.md"
)

// Build produces the bundle's files for opts.
func Build(opts bundle.Options) (bundle.Files, error) {
	opts, err := opts.Normalize()
	if err != nil {
		return nil, err
	}
	rules := opts.Rules()
	lookups, err := lookup.ByRule(opts.Set)
	if err != nil {
		return nil, err
	}

	shipped, err := opts.Modules()
	if err != nil {
		return nil, err
	}
	files := bundle.Files{}
	for _, m := range shipped {
		files[path.Join(PolicyDir, m.Path)] = []byte(m.Source)
	}
	if _, taken := files[WrapperFile]; taken {
		return nil, fmt.Errorf("the policy library has a module %s, where the generated wrapper goes", strings.TrimPrefix(WrapperFile, PolicyDir+"/"))
	}
	if files[WrapperFile], err = wrapper(opts, rules, lookups); err != nil {
		return nil, err
	}
	if files[ParametersFile], err = parameters(rules, opts.Config != nil); err != nil {
		return nil, err
	}
	if opts.Config != nil {
		if files[ExemptionsFile], err = exemptions(opts); err != nil {
			return nil, err
		}
	}
	if files[ReadmeFile], err = readme(opts, rules, lookups, packages(opts.Set, shipped)); err != nil {
		return nil, err
	}
	return files, nil
}

// packages counts the Rego packages the bundle ships, Conftest's
// namespaces: those of the shipped modules and main.
func packages(set *policy.Set, shipped []bundle.Module) int {
	seen := map[string]bool{"data.main": true}
	for _, m := range shipped {
		seen[set.Modules[m.File].Package.Path.String()] = true
	}
	return len(seen)
}

// ruleEntry is what the wrapper knows of a rule.
type ruleEntry struct {
	ID          string   `json:"id"`
	Severity    string   `json:"severity"`
	Enforcement string   `json:"enforcement"`
	LooksUp     []string `json:"looks_up"`
}

func wrapper(opts bundle.Options, rules []policy.Rule, lookups map[string][]string) ([]byte, error) {
	table := map[string]ruleEntry{}
	reporters := map[string][]string{}
	for _, r := range rules {
		pkg, ok := strings.CutPrefix(r.Package, policy.RulesPackage+".")
		if !ok || strings.Contains(pkg, ".") {
			return nil, fmt.Errorf("rule %s: package %s is not directly under %s", r.ID, r.Package, policy.RulesPackage)
		}
		table[pkg] = ruleEntry{
			ID:          r.ID,
			Severity:    string(r.Severity),
			Enforcement: r.Severity.Enforcement(),
			LooksUp:     nonNil(lookups[r.ID]),
		}
		for _, kind := range r.Kinds {
			reporters[kind] = append(reporters[kind], pkg)
		}
	}
	// encoding/json sorts map keys; Rego reads JSON as literals.
	rulesJSON, err := json.MarshalIndent(table, "", "\t")
	if err != nil {
		return nil, err
	}
	reportersJSON, err := json.Marshal(reporters)
	if err != nil {
		return nil, err
	}
	clusterJSON, err := json.Marshal(lookup.ClusterScopedKinds())
	if err != nil {
		return nil, err
	}
	var src bytes.Buffer
	err = wrapperTemplate.Execute(&src, map[string]any{
		"Revision":  opts.Revision,
		"Profile":   opts.Profile,
		"Rules":     string(rulesJSON),
		"Reporters": string(reportersJSON),
		"Cluster":   string(clusterJSON),
	})
	if err != nil {
		return nil, err
	}
	// Formatting makes the module read as `opa fmt` writes Rego, and parses it.
	out, err := format.SourceWithOpts(WrapperFile, src.Bytes(), format.Opts{RegoVersion: ast.RegoV1})
	if err != nil {
		return nil, fmt.Errorf("generated %s: %w", WrapperFile, err)
	}
	return out, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

var wrapperTemplate = template.Must(template.New("main.rego").Parse(`# METADATA
# title: prodready rules for Conftest
# description: |
#   Generated by prodready (revision {{.Revision}}, profile {{.Profile}}): do not edit.
#   Runs the rules of data.prodready.rules unchanged on every Kubernetes
#   object of the input, as the prodready SDK does, and reports their
#   findings as deny (critical, high) or warn (medium, low) results.
#   With --combine the input is every document of every file, and the
#   cross-object rules read the objects they look up from data.inventory;
#   without it each document comes alone and only the other rules run.
#   The rules read their parameters from data.lib.parameters, which
#   data/parameters.yaml holds (conftest --data).
package main

import data.lib.prodready.exemption
import data.lib.prodready.inventory

# rules are the enabled rules by package name under data.prodready.rules:
# their ID, severity and enforcement, and the kinds they look up in
# data.inventory (none: the rule judges an object alone).
rules := {{.Rules}}

# reporters are, by kind, the packages of the rules that report on it.
reporters := {{.Reporters}}

# cluster_scoped_kinds are filed under data.inventory.cluster, the other
# kinds under data.inventory.namespace, as the SDK and Gatekeeper file them.
cluster_scoped_kinds := {{.Cluster}}

deny contains result if {
	some result in results("deny")
}

warn contains result if {
	some result in results("warn")
}

# Without the data file the rules that read a parameter would say nothing.
deny contains {"msg": "prodready: the rules' parameters are not loaded: run conftest with --data <bundle>/data"} if {
	not data.lib.parameters
}

# combined is true under --combine: the input is then a list of
# {"path", "contents"}, one per document of every file. Without it, input
# is one document, which may be a list (a bare sequence of objects).
combined if {
	is_array(input)
	every entry in input {
		is_object(entry)
		object.keys(entry) == {"path", "contents"}
	}
}

documents := [entry.contents | some entry in input] if {
	combined
} else := [input]

# paths are the files of the documents, in the same order ("" without --combine).
paths := [entry.path | some entry in input] if {
	combined
} else := [""]

# objects are the Kubernetes objects of the input, in input order, List
# items in place of their List, as the SDK reads them.
objects := [obj | some [_, obj] in sourced]

# sourced are the objects of the input, each with the path of its file.
sourced := [[paths[d], obj] |
	some d, doc in documents
	some obj in items(doc)
	kubernetes_object(obj)
]

# items(doc) are the objects a document holds: the items of a List (or of
# a bare sequence, as in a JSON array), not expanded further; else itself.
items(doc) := doc if {
	is_array(doc)
} else := doc.items if {
	is_string(doc.kind)
	endswith(doc.kind, "List")
	is_array(doc.items)
} else := [] if {
	doc.kind == "List"
} else := [doc]

kubernetes_object(obj) if {
	is_string(obj.apiVersion)
	obj.apiVersion != ""
	is_string(obj.kind)
	obj.kind != ""
}

# runnable(rule) is true when the input shows the rule all it needs.
runnable(_) if combined

runnable(rule) if count(rule.looks_up) == 0

# results(enforcement) are the results of the rules with that enforcement.
# All the rules an object meets run under one "with", not one each, so
# that they share the lib helpers' results on it.
results(enforcement) := {report(rules[pkg], obj, finding) |
	some obj in objects
	pkgs := {pkg |
		some pkg in reporters[obj.kind]
		rules[pkg].enforcement == enforcement
		runnable(rules[pkg])
	}
	found := findings(pkgs) with input as obj with data.inventory as object_inventory
	some [pkg, finding] in found
}

# findings(pkgs) are the findings of the rules of packages pkgs on the
# input, but for the rules the input opts out of.
findings(pkgs) := {[pkg, finding] |
	some pkg in pkgs
	not exemption.exempt(rules[pkg].id)
	some finding in data.prodready.rules[pkg].findings
}

report(rule, obj, finding) := object.union(summary(rule, obj, finding), {"container": finding.container}) if {
	is_string(finding.container)
	finding.container != ""
} else := summary(rule, obj, finding)

summary(rule, obj, finding) := {
	"msg": sprintf("%s: %s: %s", [rule.id, reference(obj), finding.msg]),
	"rule": rule.id,
	"severity": rule.severity,
	"object": {
		"apiVersion": obj.apiVersion,
		"kind": obj.kind,
		"namespace": inventory.namespace_of(obj),
		"name": name_of(obj),
	},
}

# reference(obj) names an object Kind/namespace/name, or Kind/name outside a namespace.
reference(obj) := sprintf("%s/%s", [obj.kind, name_of(obj)]) if {
	inventory.namespace_of(obj) == ""
} else := sprintf("%s/%s/%s", [obj.kind, inventory.namespace_of(obj), name_of(obj)])

name_of(obj) := obj.metadata.name if {
	is_string(obj.metadata.name)
} else := ""

# object_inventory is data.inventory for the cross-object rules: the objects
# of the kinds they look up, namespace[ns][apiVersion][kind][name] and
# cluster[apiVersion][kind][name]; namespaced objects without a namespace
# are filed under "".
object_inventory := {"namespace": namespaced, "cluster": cluster}

looked_up_kinds := {kind |
	some rule in rules
	some kind in rule.looks_up
}

# identities are the positions in objects of the objects to file, by
# identity: what the API server knows an object by, its kind, namespace
# (none for a cluster-scoped kind) and name, whatever its apiVersion.
identities[[obj.kind, scope_of(obj), name_of(obj)]] contains i if {
	some i, obj in objects
	obj.kind in looked_up_kinds
}

scope_of(obj) := "" if {
	obj.kind in cluster_scoped_kinds
} else := inventory.namespace_of(obj)

# filed are the objects to file, each with its place, as the SDK files
# them: of the objects of one identity (an input may define an object
# twice), the first in the SDK's order (the path of its file, then its
# position in the file) is filed under its name and the others under
# "<name>/duplicate-2", "<name>/duplicate-3"..., so that the rules that go
# through the objects of a kind see them all and a lookup by name finds
# the first.
filed contains [place_of(objects[i], key_of(name, n)), objects[i]] if {
	some [_, _, name], positions in identities
	ordered := [i | some [_, i] in sort({[sourced[i][0], i] | some i in positions})]
	some n, i in ordered
}

key_of(name, 0) := name

key_of(name, n) := sprintf("%s/duplicate-%d", [name, n + 1]) if n > 0

place_of(obj, key) := ["cluster", obj.apiVersion, obj.kind, key] if {
	obj.kind in cluster_scoped_kinds
} else := ["namespace", inventory.namespace_of(obj), obj.apiVersion, obj.kind, key]

namespaced[ns][api_version][kind][key] := obj if {
	some [["namespace", ns, api_version, kind, key], obj] in filed
}

cluster[api_version][kind][key] := obj if {
	some [["cluster", api_version, kind, key], obj] in filed
}
`))

// parameters is the data file: every enabled rule's default parameters
// under lib.parameters[rule id]. Conftest puts a data file given by name, or
// found directly in a directory given to --data, at the root of data.
func parameters(rules []policy.Rule, configured bool) ([]byte, error) {
	params := map[string]any{}
	for _, r := range rules {
		params[r.ID] = r.Defaults()
	}
	body, err := yaml.Marshal(map[string]any{"lib": map[string]any{"parameters": params}})
	if err != nil {
		return nil, err
	}
	header := "# Parameters of the prodready rules, by rule ID: data.lib.parameters.\n" +
		"# Generated with each rule's default; change a value to tune the rule.\n"
	if configured {
		header = "# Parameters of the prodready rules, by rule ID: data.lib.parameters.\n" +
			"# Generated from the configuration, else each rule's default.\n"
	}
	return append([]byte(header), body...), nil
}

// exemptions is the data file of the configuration's exemptions, under
// lib.exemptions, as the SDK hands them to the rules.
func exemptions(opts bundle.Options) ([]byte, error) {
	data, err := opts.Exemptions()
	if err != nil {
		return nil, err
	}
	body, err := yaml.Marshal(map[string]any{"lib": map[string]any{"exemptions": data}})
	if err != nil {
		return nil, err
	}
	header := "# The team's exemptions (.prodready.yaml): data.lib.exemptions.\n"
	return append([]byte(header), body...), nil
}

func readme(opts bundle.Options, rules []policy.Rule, lookups map[string][]string, packages int) ([]byte, error) {
	type row struct {
		ID, Severity, Result, Combine string
	}
	var rows []row
	crossObject := 0
	for _, r := range rules {
		combine := ""
		if kinds := lookups[r.ID]; len(kinds) > 0 {
			combine = "yes: reads " + strings.Join(kinds, ", ")
			crossObject++
		}
		rows = append(rows, row{r.ID, string(r.Severity), r.Severity.Enforcement(), combine})
	}
	var out bytes.Buffer
	err := readmeTemplate.Execute(&out, map[string]any{
		"Revision":    opts.Revision,
		"Profile":     opts.Profile,
		"Rules":       rows,
		"CrossObject": crossObject,
		"Single":      len(rules) - crossObject,
		"Packages":    packages,
		"Configured":  opts.Config != nil,
	})
	return out.Bytes(), err
}

// readmeTemplate is Markdown with ~ for the backquote.
var readmeTemplate = template.Must(template.New("README.md").Parse(strings.ReplaceAll(`# prodready for Conftest

Generated by prodready (revision {{.Revision}}, profile {{.Profile}}): do not edit,
rebuild with ~prodready bundle --target conftest --out <dir>~.

- ~policy/~: the prodready rules, unchanged, the lib modules they use, and
  ~main.rego~ (package ~main~), which runs them on Conftest's input.
{{if .Configured}}- ~data/parameters.yaml~: the rules' parameters (~data.lib.parameters[rule id]~),
  as the configuration sets them, else at their defaults.
- ~data/exemptions.yaml~: the configuration's exemptions (~data.lib.exemptions~).
{{else}}- ~data/parameters.yaml~: the rules' parameters (~data.lib.parameters[rule id]~),
  at their defaults; edit a value to tune a rule.
{{end}}
## Run

With ~BUNDLE~ the directory of this file:

~~~sh
conftest test --combine --policy "$BUNDLE/policy" --data "$BUNDLE/data" deploy/
helm template my-chart | conftest test --combine --policy "$BUNDLE/policy" --data "$BUNDLE/data" -
conftest test --combine --policy "$BUNDLE/policy" --data "$BUNDLE/data" --output json deploy/
~~~

~--combine~ evaluates every document of every file together, as the SDK
does: the {{.CrossObject}} cross-object rules need it (a PodDisruptionBudget
selecting a workload, an autoscaler targeting it...), so give them a whole
release at once. Without ~--combine~ Conftest hands over one document at a
time, and only the {{.Single}} rules that judge an object alone run.

Every result comes from package ~main~, Conftest's default namespace.
~--all-namespaces~ gives the same results, more slowly: Conftest then
converts the whole input once for each of the {{.Packages}} packages of the bundle.

Without ~--data~ the run fails with a message saying so, since the rules
that read a parameter would say nothing.

## Results

Critical and high findings are failures (~deny~: Conftest exits 1), medium
and low ones warnings (~warn~; add ~--fail-on-warn~ to fail on them too).
Each message reads ~rule-id: Kind/namespace/name: what is wrong~. With
~--output json~ every result also carries ~metadata~: ~rule~, ~severity~,
~object~ (~apiVersion~, ~kind~, ~namespace~, ~name~) and, when the finding
is about one, ~container~.

An object opts out of rules with the annotation
~prodready.dev/exempt: "rule-a,rule-b"~ (or ~"*"~): Conftest reports nothing
of those rules on it, until the end of the day (UTC) in
~prodready.dev/exempt-until: YYYY-MM-DD~, if it has one.{{if .Configured}} The
configuration's exemptions in ~data/exemptions.yaml~ apply the same way.{{end}}

## Rules

| Rule | Severity | Result | Needs --combine |
|------|----------|--------|-----------------|
{{range .Rules}}| {{.ID}} | {{.Severity}} | {{.Result}} | {{.Combine}} |
{{end}}`, "~", "`")))
