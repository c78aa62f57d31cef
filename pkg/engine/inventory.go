package engine

import (
	"context"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/prodready/prodready/pkg/manifest"
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
	addString := func(t *ast.Term) {
		if kind, ok := t.Value.(ast.String); ok {
			kinds[string(kind)] = true
		}
	}
	if rs, err := rego.New(rego.ParsedQuery(ast.NewBody(ast.NewExpr(ast.NewTerm(lookedUpKindsRule)))), rego.Compiler(compiler)).Eval(context.Background()); err == nil {
		for _, r := range rs {
			for _, e := range r.Expressions {
				if list, ok := e.Value.([]any); ok {
					for _, k := range list {
						if kind, ok := k.(string); ok {
							kinds[kind] = true
						}
					}
				}
			}
		}
	}
	for _, mod := range compiler.Modules {
		ast.WalkExprs(mod, func(expr *ast.Expr) bool {
			for _, call := range callsOf(expr) {
				if arg, ok := inventoryLookups[call[0].String()]; ok && len(call) > arg {
					addString(call[arg])
				}
			}
			return false
		})
	}
	return kinds
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

// clusterScoped are the kinds Gatekeeper files under data.inventory.cluster.
var clusterScoped = map[string]bool{
	"Namespace": true, "Node": true, "PersistentVolume": true, "ClusterRole": true,
	"ClusterRoleBinding": true, "CustomResourceDefinition": true, "StorageClass": true,
	"PriorityClass": true, "IngressClass": true, "RuntimeClass": true, "APIService": true,
	"MutatingWebhookConfiguration": true, "ValidatingWebhookConfiguration": true,
	"ValidatingAdmissionPolicy": true, "ValidatingAdmissionPolicyBinding": true,
	"CSIDriver": true, "VolumeSnapshotClass": true, "ClusterIssuer": true,
}

// inventory files the objects of the given kinds the way Gatekeeper syncs them:
// namespace[ns][apiVersion][kind][name] and cluster[apiVersion][kind][name].
// A namespaced object without metadata.namespace is filed under "", where
// the rules look it up by its own (empty) namespace.
func inventory(objs []*manifest.Object, kinds map[string]bool) map[string]any {
	namespaced := map[string]any{}
	cluster := map[string]any{}
	for _, obj := range objs {
		if !kinds[obj.Kind] {
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
