package manifest

import (
	"sync"
	"sync/atomic"

	"github.com/open-policy-agent/opa/v1/ast"
)

// Mapping keys repeat across every object of a kind (metadata, name,
// containers, resources...), and so do many short values (TCP, Always,
// label values), so their terms are shared rather than allocated per use:
// OPA never changes a term it is given. The table is bounded so that input
// with endless distinct strings cannot grow it without end.
var interned struct {
	terms sync.Map // string -> *ast.Term
	count atomic.Int64
}

const (
	maxInterned    = 1 << 16
	maxInternedLen = 64
)

func stringTerm(k string) *ast.Term {
	if t, ok := interned.terms.Load(k); ok {
		return t.(*ast.Term)
	}
	t := ast.StringTerm(k)
	if len(k) <= maxInternedLen && interned.count.Load() < maxInterned {
		if prev, loaded := interned.terms.LoadOrStore(k, t); loaded {
			return prev.(*ast.Term)
		}
		interned.count.Add(1)
	}
	return t
}
