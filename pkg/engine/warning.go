package engine

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/prodready/prodready/internal/lookup"
	"github.com/prodready/prodready/pkg/manifest"
)

// The Codes of warnings.
const (
	// WarningDuplicateObject is about objects of one identity.
	WarningDuplicateObject = "duplicate-object"
	// WarningExemptionWithoutReason is about an object whose
	// prodready.dev/exempt annotation exempts findings without a
	// prodready.dev/exempt-reason.
	WarningExemptionWithoutReason = "exemption-without-reason"
)

// A Warning is about the input as a whole, not about one object: no rule
// makes it, it is no finding and no error. Every object was still
// evaluated and the findings stand; a warning says the input may not be
// what its author meant. Evaluate, Check and Session.Finish return the
// warnings of a run beside its findings, and the report renders them in
// every output format without changing the exit code.
//
// WarningDuplicateObject: two or more objects of the input have one
// identity (kind, namespace and name), so the API server would hold one
// object where the input has several, and applying them all keeps the one
// applied last.
//
// WarningExemptionWithoutReason: an object's exemption annotation exempts
// findings and gives no reason, which a configured exemption must. The
// exemption applies; the warning asks for the reason every run, so that
// the next reader knows why the rule does not hold here.
type Warning struct {
	// Code names what the warning is about: WarningDuplicateObject.
	Code    string `json:"code"`
	Message string `json:"message"`
	// Object is the object the warning is about, as the first of Places
	// names it.
	Object ObjectRef `json:"object"`
	// Places are where the input defines it, every one, in the order
	// findings are sorted (file, then document and List item).
	Places []Place `json:"places"`
}

// Place is where an object is written in the input.
type Place struct {
	File string `json:"file"`
	// Document is the YAML document within File, from 1; Item the
	// position within a List's items, from 1 (0: not a List item).
	Document int `json:"document"`
	Item     int `json:"item,omitempty"`
	// Line is where the object starts.
	Line int `json:"line"`
	// APIVersion is the object's here: objects of one identity may be
	// written with different versions of their kind's API.
	APIVersion string `json:"apiVersion"`
}

func (p Place) String() string {
	s := fmt.Sprintf("%s:%d (document %d", p.File, p.Line, p.Document)
	if p.Item > 0 {
		s += fmt.Sprintf(", item %d", p.Item)
	}
	return s + ")"
}

func placeOf(obj *manifest.Object) Place {
	return Place{File: obj.File, Document: obj.Doc, Item: obj.Item, Line: obj.Line, APIVersion: obj.APIVersion}
}

// objectID is what the API server knows an object by: its kind, its
// namespace and its name. Not its apiVersion: an apps/v1 and an
// extensions/v1beta1 Deployment of one name are one object, served at
// both versions. A namespaced object without metadata.namespace has ""
// (the namespace it is applied to decides, so it is one object with
// another of "" too); a cluster-scoped object has "" whatever its
// metadata says, as the API server ignores it.
type objectID struct {
	kind, namespace, name string
}

func idOf(obj *manifest.Object) objectID {
	if lookup.ClusterScoped(obj.Kind) {
		return objectID{obj.Kind, "", obj.Name}
	}
	return objectID{obj.Kind, obj.Namespace, obj.Name}
}

// duplicate is an identity met more than once: its objects, and for each
// the value to file in the inventory (nil: its kind is not filed).
type duplicate struct {
	objs   []*manifest.Object
	terms  []*ast.Term
	sorted bool
}

// same is t, or the term of an object of d with an equal value. An
// identical copy then costs no memory once its object is released: rules
// read values, and the lookups give sets, where two equal values are one
// anyway.
func (d *duplicate) same(t *ast.Term) *ast.Term {
	if t == nil {
		return nil
	}
	for _, u := range d.terms {
		if u != nil && u.Value.Hash() == t.Value.Hash() && u.Value.Compare(t.Value) == 0 {
			return u
		}
	}
	return t
}

// sort puts the objects in the order findings are sorted: the first is the
// one the inventory files under the name, whatever the order objects were
// read in (files and documents are decoded in parallel).
func (d *duplicate) sort() {
	if d.sorted {
		return
	}
	d.sorted = true
	order := make([]int, len(d.objs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(i, j int) int {
		a, b := d.objs[i], d.objs[j]
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Doc, b.Doc), cmp.Compare(a.Item, b.Item), cmp.Compare(a.Line, b.Line))
	})
	objs, terms := make([]*manifest.Object, len(order)), make([]*ast.Term, len(order))
	for i, o := range order {
		objs[i], terms[i] = d.objs[o], d.terms[o]
	}
	d.objs, d.terms = objs, terms
}

// warning is the WarningDuplicateObject of d, whose objects are sorted.
func (d *duplicate) warning() Warning {
	w := Warning{Code: WarningDuplicateObject, Object: refOf(d.objs[0])}
	for _, obj := range d.objs {
		w.Places = append(w.Places, placeOf(obj))
	}
	w.Message = duplicateMessage(w.Object, w.Places)
	return w
}

// namedPlaces is how many places a message names: a generated input may
// repeat an object hundreds of times, and the message stays one line.
const namedPlaces = 10

// duplicateMessage says where an object is defined more than once (the
// first namedPlaces places) and what applying the input would do.
//
//	Deployment shop/api is defined twice, at a.yaml:3 (document 1) and
//	b.yaml:12 (document 2): they are one object to the API server, so
//	applying both keeps only the one applied last; both were checked
func duplicateMessage(ref ObjectRef, places []Place) string {
	n := len(places)
	times, both, each := fmt.Sprintf("%d times", n), "them all", "all were checked"
	if n == 2 {
		times, both, each = "twice", "both", "both were checked"
	}
	versions := map[string]bool{}
	for _, p := range places {
		versions[p.APIVersion] = true
	}
	var at []string
	for _, p := range places[:min(n, namedPlaces)] {
		s := p.String()
		if len(versions) > 1 {
			s = strings.TrimSuffix(s, ")") + ", " + p.APIVersion + ")"
		}
		at = append(at, s)
	}
	last := at[len(at)-1]
	if n > namedPlaces {
		last = fmt.Sprintf("%d other places (the warning's places list them all)", n-len(at))
	} else {
		at = at[:len(at)-1]
	}
	where := strings.Join(at, ", ") + " and " + last
	name, one := ref.Name, "they are one object to the API server"
	switch {
	case lookup.ClusterScoped(ref.Kind): // a namespace written is ignored
	case ref.Namespace != "":
		name = ref.Namespace + "/" + ref.Name
	default:
		one = "written without a namespace, they are one object to the API server in whichever namespace they are applied to"
	}
	return fmt.Sprintf("%s %s is defined %s, at %s: %s, so applying %s keeps only the one applied last; %s",
		ref.Kind, name, times, where, one, both, each)
}

// unexplained are the WarningExemptionWithoutReason warnings about the
// objects of exempted (sorted by object): one per object whose annotation
// exempted a finding without a reason.
func unexplained(exempted []Finding) []Warning {
	var ws []Warning
	for i := 0; i < len(exempted); {
		f := exempted[i]
		var rules []string
		for ; i < len(exempted) && sameObject(exempted[i], f); i++ {
			if x := exempted[i].Exemption; x != nil && x.Source == SourceAnnotation && strings.TrimSpace(x.Reason) == "" && !slices.Contains(rules, exempted[i].Rule) {
				rules = append(rules, exempted[i].Rule)
			}
		}
		if len(rules) == 0 {
			continue
		}
		ws = append(ws, Warning{Code: WarningExemptionWithoutReason, Object: f.Object,
			Places: []Place{{File: f.File, Line: f.ObjectLine, APIVersion: f.Object.APIVersion}},
			Message: fmt.Sprintf("%s %s is exempted from %s by its %s annotation without a reason: add %s saying why the rule does not hold here (configured exemptions must give one)",
				f.Object.Kind, f.Object.QualifiedName(), strings.Join(rules, ", "), ExemptAnnotation, ExemptReasonAnnotation)})
	}
	return ws
}

func sameObject(a, b Finding) bool {
	return a.File == b.File && a.ObjectLine == b.ObjectLine && a.Object == b.Object
}

// sortWarnings sorts warnings by kind, namespace and name, then code.
func sortWarnings(ws []Warning) {
	slices.SortStableFunc(ws, func(a, b Warning) int {
		return cmp.Or(cmp.Compare(a.Object.Kind, b.Object.Kind), cmp.Compare(a.Object.Namespace, b.Object.Namespace),
			cmp.Compare(a.Object.Name, b.Object.Name), cmp.Compare(a.Code, b.Code))
	})
}
