// Package lookup finds what the rules read of other objects: the kinds
// they look up in data.inventory, and which rules read it at all. The
// engine indexes only those kinds and runs only those rules once every
// object is read; the bundle builders tell Conftest to --combine and
// Gatekeeper which kinds to sync.
package lookup

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/util"

	"github.com/prodready/prodready/internal/sandbox"
	"github.com/prodready/prodready/pkg/policy"
)

// inventoryLookups are the helpers rules call to read other objects, with
// the position of their kind argument: namespaced(ns, "Kind"),
// named(ns, "Kind", name), cluster("Kind") and cluster_named("Kind", name).
// (Compiled, a call may carry its output as one more term.)
var inventoryLookups = map[string]int{
	"data.lib.prodready.inventory.namespaced":    2,
	"data.lib.prodready.inventory.named":         2,
	"data.lib.prodready.inventory.cluster":       1,
	"data.lib.prodready.inventory.cluster_named": 1,
}

// lookedUpKindsRule lists the kinds lib helpers look up with a kind held in a variable.
var lookedUpKindsRule = ast.MustParseRef("data.lib.prodready.inventory.looked_up_kinds")

// Kinds are the kinds the compiled rules look up in the inventory.
// Only those are indexed: the inventory then costs nothing for the kinds
// (CRDs, ConfigMaps...) that no rule reads.
func Kinds(compiler *ast.Compiler) map[string]bool {
	kinds := map[string]bool{}
	for _, kind := range variableKinds(compiler) {
		kinds[kind] = true
	}
	for _, mod := range compiler.Modules {
		for _, r := range mod.Rules {
			for kind := range literalLookups(r) {
				kinds[kind] = kind != ""
			}
		}
	}
	delete(kinds, "")
	return kinds
}

// variableKinds evaluates inventory.looked_up_kinds.
func variableKinds(compiler *ast.Compiler) []string {
	var kinds []string
	rs, err := rego.New(rego.ParsedQuery(ast.NewBody(ast.NewExpr(ast.NewTerm(lookedUpKindsRule)))), rego.Compiler(compiler)).Eval(context.Background())
	if err != nil {
		return nil
	}
	for _, r := range rs {
		for _, e := range r.Expressions {
			list, _ := e.Value.([]any)
			for _, k := range list {
				if kind, ok := k.(string); ok {
					kinds = append(kinds, kind)
				}
			}
		}
	}
	return kinds
}

// literalLookups returns the inventory lookups in rule r: the kind of
// each namespaced/cluster call, "" for a kind held in a variable.
func literalLookups(r *ast.Rule) map[string]bool {
	kinds := map[string]bool{}
	ast.WalkExprs(r, func(expr *ast.Expr) bool {
		for _, call := range callsOf(expr) {
			arg, ok := inventoryLookups[call[0].String()]
			if !ok || len(call) <= arg {
				continue
			}
			kind, _ := call[arg].Value.(ast.String)
			kinds[string(kind)] = true
		}
		return false
	})
	return kinds
}

// ByRule returns, for every rule of set that reads other objects, the
// kinds it looks up in data.inventory, sorted; a rule absent from the map
// judges its object alone. Bundle builders use it: Conftest needs --combine
// and Gatekeeper needs these kinds synced for the rules listed.
func ByRule(set *policy.Set) (map[string][]string, error) {
	compiler := ast.NewCompiler().WithCapabilities(sandbox.Capabilities())
	if compiler.Compile(set.Modules); compiler.Failed() {
		return nil, fmt.Errorf("compiling policies: %w", compiler.Errors)
	}
	variable := variableKinds(compiler)
	out := map[string][]string{}
	for _, rule := range set.Rules {
		kinds := map[string]bool{}
		for _, r := range closure(compiler, rule) {
			for kind := range literalLookups(r) {
				if kind != "" {
					kinds[kind] = true
					continue
				}
				for _, k := range variable {
					kinds[k] = true
				}
			}
		}
		if len(kinds) > 0 {
			out[rule.ID] = slices.Sorted(maps.Keys(kinds))
		}
	}
	return out, nil
}

// closure is every Rego rule rule's module depends on, its own included.
func closure(compiler *ast.Compiler, rule policy.Rule) []*ast.Rule {
	mod, ok := compiler.Modules[rule.File]
	if !ok {
		return nil
	}
	var rules []*ast.Rule
	seen := map[util.T]bool{}
	var queue []util.T
	for _, r := range mod.Rules {
		queue = append(queue, r)
	}
	for len(queue) > 0 {
		node := queue[0]
		queue = queue[1:]
		if seen[node] {
			continue
		}
		seen[node] = true
		r, ok := node.(*ast.Rule)
		if !ok {
			continue
		}
		rules = append(rules, r)
		for dep := range compiler.Graph.Dependencies(r) {
			queue = append(queue, dep)
		}
	}
	return rules
}

var (
	inventoryRef     = ast.MustParseRef("data.inventory")
	inventoryPackage = ast.MustParseRef("data.lib.prodready.inventory")
)

// Reading says which rules read data.inventory.
type Reading struct {
	Rules map[string]bool // by ID
	// WholeInventory is set when a rule reads data.inventory other than
	// through lib.prodready.inventory's lookups (a team's rule may), so
	// that every kind must be filed, not only the kinds looked up.
	WholeInventory bool
}

// Across finds the rules that read other objects: those whose module
// or the rules it depends on refer to data.inventory. Only they wait for
// every object to be read.
func Across(compiler *ast.Compiler, rules []policy.Rule) Reading {
	a := Reading{Rules: map[string]bool{}}
	for _, rule := range rules {
		for _, r := range closure(compiler, rule) {
			if !readsInventory(r) {
				continue
			}
			a.Rules[rule.ID] = true
			if !r.Module.Package.Path.HasPrefix(inventoryPackage) {
				a.WholeInventory = true
			}
		}
	}
	return a
}

// readsInventory reports whether r refers to data.inventory, or to data as
// a whole (data[x]), which holds it.
func readsInventory(r *ast.Rule) bool {
	found := false
	ast.WalkRefs(r, func(ref ast.Ref) bool {
		if ref.HasPrefix(inventoryRef) || (len(ref) > 1 && ref[0].Equal(ast.DefaultRootDocument) && !ref[1].IsGround()) {
			found = true
		}
		return found
	})
	return found
}

// callsOf returns the function calls in expr, nested ones included.
func callsOf(expr *ast.Expr) [][]*ast.Term {
	var calls [][]*ast.Term
	ast.WalkTerms(expr, func(t *ast.Term) bool {
		if call, ok := t.Value.(ast.Call); ok {
			calls = append(calls, call)
		}
		return false
	})
	if expr.IsCall() {
		if terms, ok := expr.Terms.([]*ast.Term); ok {
			calls = append(calls, terms)
		}
	}
	return calls
}

// ClusterScoped reports whether kind is filed under data.inventory.cluster.
func ClusterScoped(kind string) bool { return clusterScoped[kind] }

// ClusterScopedKinds are the kinds filed under data.inventory.cluster, as
// Gatekeeper files them, sorted; every other kind is namespaced. Bundles
// that build the inventory in Rego (Conftest) use the same list.
func ClusterScopedKinds() []string {
	return slices.Sorted(maps.Keys(clusterScoped))
}

var clusterScoped = map[string]bool{
	"Namespace": true, "Node": true, "PersistentVolume": true, "ClusterRole": true,
	"ClusterRoleBinding": true, "CustomResourceDefinition": true, "StorageClass": true,
	"PriorityClass": true, "IngressClass": true, "RuntimeClass": true, "APIService": true,
	"MutatingWebhookConfiguration": true, "ValidatingWebhookConfiguration": true,
	"ValidatingAdmissionPolicy": true, "ValidatingAdmissionPolicyBinding": true,
	"CSIDriver": true, "VolumeSnapshotClass": true, "ClusterIssuer": true,
}
