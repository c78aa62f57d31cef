package engine

import (
	"cmp"
	"fmt"
	"maps"
	"slices"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/prodready/prodready/internal/lookup"
	"github.com/prodready/prodready/pkg/manifest"
)

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
	if !lookup.ClusterScoped(obj.Kind) {
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
	if !lookup.ClusterScoped(obj.Kind) {
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
