package engine

import (
	"cmp"
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
// the position of their kind argument: namespaced(ns, "Kind"),
// named(ns, "Kind", name) and cluster("Kind").
// (Compiled, a call may carry its output as one more term.)
var inventoryLookups = map[string]int{
	"data.lib.prodready.inventory.namespaced": 2,
	"data.lib.prodready.inventory.named":      2,
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

// across says which rules read data.inventory.
type across struct {
	rules map[string]bool // by ID
	// wholeInventory is set when a rule reads data.inventory other than
	// through lib.prodready.inventory's lookups (a team's rule may), so
	// that every kind must be filed, not only the kinds looked up.
	wholeInventory bool
}

// acrossRules finds the rules that read other objects: those whose module
// or the rules it depends on refer to data.inventory. Only they wait for
// every object to be read.
func acrossRules(compiler *ast.Compiler, rules []policy.Rule) across {
	a := across{rules: map[string]bool{}}
	for _, rule := range rules {
		for _, r := range closure(compiler, rule) {
			if !readsInventory(r) {
				continue
			}
			a.rules[rule.ID] = true
			if !r.Module.Package.Path.HasPrefix(inventoryPackage) {
				a.wholeInventory = true
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
	b := newInventoryBuilder(nil)
	for _, obj := range objs {
		b.add(obj)
	}
	v, _ := ast.JSON(b.value()) // strings, numbers and composites only: never fails
	return v.(map[string]any)
}

// inventoryBuilder files the objects of the given kinds (nil: every kind)
// the way Gatekeeper syncs them: namespace[ns][apiVersion][kind][name] and
// cluster[apiVersion][kind][name]. A namespaced object without
// metadata.namespace is filed under "", where the rules look it up by its
// own (empty) namespace. Objects are filed as the values the rules
// evaluate, not copies. The levels are Go maps until value builds the ast
// objects, bottom up: an ast object's hash is fixed when it is inserted
// into its parent, so a level cannot grow once filed.
//
// It also notes every object's identity (kind, namespace, name; every
// kind, filed or not), to find the objects the input defines more than
// once (warnings) and to file each of them (see resolve).
type inventoryBuilder struct {
	kinds      map[string]bool
	namespaced map[string]map[string]map[string]map[string]*ast.Term // ns, apiVersion, kind, name
	cluster    map[string]map[string]map[string]*ast.Term
	// first is the first object met of each identity; duplicates are the
	// identities met more than once (rare: a map only for them).
	first      map[objectID]*manifest.Object
	duplicates map[objectID]*duplicate
	resolved   bool
}

func newInventoryBuilder(kinds map[string]bool) *inventoryBuilder {
	return &inventoryBuilder{kinds: kinds, namespaced: map[string]map[string]map[string]map[string]*ast.Term{}, cluster: map[string]map[string]map[string]*ast.Term{},
		first: map[objectID]*manifest.Object{}, duplicates: map[objectID]*duplicate{}}
}

func (b *inventoryBuilder) add(obj *manifest.Object) {
	var term *ast.Term
	if (b.kinds == nil || b.kinds[obj.Kind]) && obj.Value != nil {
		term = ast.NewTerm(obj.Value)
	}
	id := idOf(obj)
	first, seen := b.first[id]
	if !seen {
		b.first[id] = obj
		if term != nil {
			b.names(obj)[obj.Name] = term
		}
		return
	}
	// The identity is met again: which object is filed under the name is
	// decided once every object is read (resolve), not by the order they
	// come in.
	d := b.duplicates[id]
	if d == nil {
		d = &duplicate{objs: []*manifest.Object{first}, terms: []*ast.Term{b.take(first)}}
		b.duplicates[id] = d
	}
	d.objs = append(d.objs, obj)
	d.terms = append(d.terms, d.same(term))
}

// names is the level of obj's namespace (or the cluster), apiVersion and
// kind: its objects by name.
func (b *inventoryBuilder) names(obj *manifest.Object) map[string]*ast.Term {
	root := b.cluster
	if !clusterScoped[obj.Kind] {
		root = b.namespaced[obj.Namespace]
		if root == nil {
			root = map[string]map[string]map[string]*ast.Term{}
			b.namespaced[obj.Namespace] = root
		}
	}
	byKind := root[obj.APIVersion]
	if byKind == nil {
		byKind = map[string]map[string]*ast.Term{}
		root[obj.APIVersion] = byKind
	}
	byName := byKind[obj.Kind]
	if byName == nil {
		byName = map[string]*ast.Term{}
		byKind[obj.Kind] = byName
	}
	return byName
}

// take unfiles the first object of an identity met again, and returns
// its value (nil if it was not filed).
func (b *inventoryBuilder) take(obj *manifest.Object) *ast.Term {
	root := b.cluster
	if !clusterScoped[obj.Kind] {
		root = b.namespaced[obj.Namespace]
	}
	byName := root[obj.APIVersion][obj.Kind] // nil maps read as empty
	t := byName[obj.Name]
	delete(byName, obj.Name)
	return t
}

// resolve files the objects of the identities met more than once, all of
// them: the first in the order findings are sorted (file, document, List
// item) under its name, the others under its name with the suffix
// "/duplicate-N", N their place in that order from 2 ("/" is in no
// Kubernetes name; another number if an input names an object so). Keeping only one would leave
// the cross-object rules blind to the others, each of which is evaluated
// and may be the one a budget or an autoscaler means: rules that go
// through the objects of a kind (inventory.namespaced, cluster) see them
// all, and a lookup by name (inventory.named) finds the first, the same
// one whatever the order the input was read in. Identical copies (an
// install manifest and its HA variant share most objects) are filed once
// (see duplicate.same).
func (b *inventoryBuilder) resolve() {
	if b.resolved {
		return
	}
	b.resolved = true
	ids := b.duplicateIDs()
	for _, id := range ids {
		d := b.duplicates[id]
		d.sort()
		if d.terms[0] != nil {
			b.names(d.objs[0])[id.name] = d.terms[0]
		}
	}
	for _, id := range ids {
		d := b.duplicates[id]
		filed := map[*ast.Term]bool{d.terms[0]: true}
		for i, obj := range d.objs[1:] {
			if t := d.terms[i+1]; t == nil || filed[t] {
				continue // not filed, or an identical copy's, filed already
			}
			filed[d.terms[i+1]] = true
			byName := b.names(obj)
			for n := i + 2; ; n++ {
				if key := fmt.Sprintf("%s/duplicate-%d", id.name, n); byName[key] == nil {
					byName[key] = d.terms[i+1]
					break
				}
			}
		}
	}
}

func (b *inventoryBuilder) duplicateIDs() []objectID {
	return slices.SortedFunc(maps.Keys(b.duplicates), func(a, c objectID) int {
		return cmp.Or(cmp.Compare(a.kind, c.kind), cmp.Compare(a.namespace, c.namespace), cmp.Compare(a.name, c.name))
	})
}

// warnings are a WarningDuplicateObject for each identity met more than
// once, by kind, namespace and name. Objects without a name (a
// generateName) are all filed, but they are distinct objects: no warning.
func (b *inventoryBuilder) warnings() []Warning {
	var ws []Warning
	for _, id := range b.duplicateIDs() {
		if id.name == "" {
			continue
		}
		d := b.duplicates[id]
		d.sort()
		ws = append(ws, d.warning())
	}
	return ws
}

// value is data.inventory.
func (b *inventoryBuilder) value() ast.Object {
	b.resolve()
	namespaced := ast.NewObjectWithCapacity(len(b.namespaced))
	for ns, root := range b.namespaced {
		namespaced.Insert(ast.StringTerm(ns), ast.NewTerm(tree(root)))
	}
	return ast.NewObject(
		ast.Item(ast.StringTerm("namespace"), ast.NewTerm(namespaced)),
		ast.Item(ast.StringTerm("cluster"), ast.NewTerm(tree(b.cluster))),
	)
}

// tree is apiVersion -> kind -> name -> object as an ast object.
func tree(root map[string]map[string]map[string]*ast.Term) ast.Object {
	out := ast.NewObjectWithCapacity(len(root))
	for apiVersion, byKind := range root {
		kinds := ast.NewObjectWithCapacity(len(byKind))
		for kind, byName := range byKind {
			if len(byName) == 0 { // its only object was taken (resolve)
				continue
			}
			names := ast.NewObjectWithCapacity(len(byName))
			for name, obj := range byName {
				names.Insert(ast.StringTerm(name), obj)
			}
			kinds.Insert(ast.StringTerm(kind), ast.NewTerm(names))
		}
		out.Insert(ast.StringTerm(apiVersion), ast.NewTerm(kinds))
	}
	return out
}
