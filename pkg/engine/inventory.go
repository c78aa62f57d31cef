package engine

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/util"

	"github.com/prodready/prodready/pkg/manifest"
	"github.com/prodready/prodready/pkg/policy"
)

// inventoryLookups are the helpers rules call to read other objects, with
// the position of their kind argument: namespaced(ns, "Kind") and cluster("Kind").
// (Compiled, a call may carry its output as one more term.)
var inventoryLookups = map[string]int{
	"data.lib.prodready.inventory.namespaced": 2,
	"data.lib.prodready.inventory.cluster":    1,
}

// lookedUpKindsRule lists the kinds lib helpers look up with a kind held in a variable.
var lookedUpKindsRule = ast.MustParseRef("data.lib.prodready.inventory.looked_up_kinds")

// lookedUpKinds are the kinds the compiled rules look up in the inventory.
// Only those are indexed: the inventory then costs nothing for the kinds
// (CRDs, ConfigMaps...) that no rule reads.
func lookedUpKinds(compiler *ast.Compiler) map[string]bool {
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

// Lookups returns, for every rule of set that reads other objects, the
// kinds it looks up in data.inventory, sorted; a rule absent from the map
// judges its object alone. Bundle builders use it: Conftest needs --combine
// and Gatekeeper needs these kinds synced for the rules listed.
func Lookups(set *policy.Set) (map[string][]string, error) {
	compiler := ast.NewCompiler().WithCapabilities(sandboxCapabilities())
	if compiler.Compile(set.Modules); compiler.Failed() {
		return nil, fmt.Errorf("compiling policies: %w", compiler.Errors)
	}
	variable := variableKinds(compiler)
	out := map[string][]string{}
	for _, rule := range set.Rules {
		mod, ok := compiler.Modules[rule.File]
		if !ok {
			continue
		}
		kinds := map[string]bool{}
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
			for kind := range literalLookups(r) {
				if kind != "" {
					kinds[kind] = true
					continue
				}
				for _, k := range variable {
					kinds[k] = true
				}
			}
			for dep := range compiler.Graph.Dependencies(r) {
				queue = append(queue, dep)
			}
		}
		if len(kinds) > 0 {
			out[rule.ID] = slices.Sorted(maps.Keys(kinds))
		}
	}
	return out, nil
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

// Inventory is the data.inventory document the cross-object rules read,
// holding every object of objs: what to PUT to an OPA server running the
// bundle (PUT /v1/data/inventory) so that it judges as the SDK does.
func Inventory(objs []*manifest.Object) map[string]any {
	return inventory(objs, nil)
}

// inventory files the objects of the given kinds (nil: every kind) the way
// Gatekeeper syncs them: namespace[ns][apiVersion][kind][name] and
// cluster[apiVersion][kind][name]. A namespaced object without
// metadata.namespace is filed under "", where the rules look it up by its
// own (empty) namespace.
func inventory(objs []*manifest.Object, kinds map[string]bool) map[string]any {
	namespaced := map[string]any{}
	cluster := map[string]any{}
	for _, obj := range objs {
		if kinds != nil && !kinds[obj.Kind] {
			continue
		}
		root := cluster
		if !clusterScoped[obj.Kind] {
			root = child(namespaced, obj.Namespace)
		}
		child(child(root, obj.APIVersion), obj.Kind)[obj.Name] = obj.Content
	}
	return map[string]any{"namespace": namespaced, "cluster": cluster}
}

func child(m map[string]any, key string) map[string]any {
	c, ok := m[key].(map[string]any)
	if !ok {
		c = map[string]any{}
		m[key] = c
	}
	return c
}
