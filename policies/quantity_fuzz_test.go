package policies_test

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/open-policy-agent/opa/v1/rego"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/prodready/prodready/pkg/policy"
)

// quantityQuery is lib.prodready.quantity.parse, compiled once for every
// fuzz input.
var quantityQuery = sync.OnceValues(func() (rego.PreparedEvalQuery, error) {
	set, err := policy.Builtin()
	if err != nil {
		return rego.PreparedEvalQuery{}, err
	}
	opts := []func(*rego.Rego){
		rego.Query("q := data.lib.prodready.quantity.parse(input)"),
		// A builtin error is a bug unless it is the documented one: a
		// number beyond float64's range (see beyond).
		rego.StrictBuiltinErrors(true),
	}
	for _, m := range set.Modules {
		opts = append(opts, rego.ParsedModule(m))
	}
	return rego.New(opts...).PrepareForEval(context.Background())
})

// regoQuantity is what the Rego helper makes of in: its value, or ok
// false when it is undefined.
func regoQuantity(t *testing.T, query rego.PreparedEvalQuery, in any) (value float64, ok bool, err error) {
	t.Helper()
	rs, err := query.Eval(context.Background(), rego.EvalInput(in))
	if err != nil || len(rs) == 0 {
		return 0, false, err
	}
	n, isNumber := rs[0].Bindings["q"].(json.Number)
	if !isNumber {
		t.Fatalf("parse(%q) = %#v, not a number", in, rs[0].Bindings["q"])
	}
	f, _, perr := big.ParseFloat(string(n), 10, 64, big.ToNearestEven)
	if perr != nil {
		t.Fatalf("parse(%q) = %s: %v", in, n, perr)
	}
	value, _ = f.Float64() // beyond float64: ±Inf, as ParseQuantity's approximation
	return value, true, nil
}

// shape cuts a quantity into sign, number, and exponent digits without
// leading zeros, as the Rego helper's bounds count them.
var shape = regexp.MustCompile(`^([+-]?)([0-9]*(?:\.[0-9]*)?)([eE][+-]?0*([0-9]*))?`)

// beyond says whether quantity s is beyond the Rego helper's bounds, where
// it is undefined though Kubernetes may take s (see quantity.rego), and
// whether it is so for being beyond float64's range, which to_number
// reports as an error (undefined, unless builtin errors are strict).
func beyond(s string) (beyond, overflow bool) {
	m := shape.FindStringSubmatch(s)
	if len(m[2]) > 100 || len(m[4]) > 3 {
		return true, false
	}
	_, err := strconv.ParseFloat(m[1]+"0"+m[2]+m[3], 64)
	overflow = errors.Is(err, strconv.ErrRange)
	return overflow, overflow
}

// FuzzQuantity checks lib.prodready.quantity.parse against the API
// server's own parser, resource.ParseQuantity, on the trimmed string as
// Quantity.UnmarshalJSON reads it: within the helper's bounds, both accept
// the same strings and give the same value in base units. ParseQuantity
// rounds away from zero to whole nano units, hence the absolute 1e-9
// allowed besides float precision. A string that is also a JSON number is
// checked as a number too, as a manifest's unquoted quantity reaches the
// rules.
func FuzzQuantity(f *testing.F) {
	query, err := quantityQuery()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		s = strings.TrimSpace(s)
		if beyond, overflow := beyond(s); beyond {
			got, ok, err := regoQuantity(t, query, s)
			if ok || err != nil && !overflow {
				t.Fatalf("parse(%q) beyond the bounds: %v, %v, %v", s, got, ok, err)
			}
			return
		}
		q, kerr := resource.ParseQuantity(s)
		inputs := []any{s}
		if json.Valid([]byte(s)) && s != "" && (s[0] == '-' || s[0] >= '0' && s[0] <= '9') {
			inputs = append(inputs, json.Number(s))
		}
		for _, in := range inputs {
			got, ok, err := regoQuantity(t, query, in)
			switch {
			case err != nil:
				t.Fatalf("parse(%#v): %v", in, err)
			case ok != (kerr == nil):
				t.Fatalf("parse(%#v) defined: %v (%v); ParseQuantity: %v", in, ok, got, kerr)
			case ok && !sameQuantity(got, kubeValue(t, q)):
				t.Fatalf("parse(%#v) = %v; ParseQuantity: %v (%v)", in, got, kubeValue(t, q), q.String())
			}
		}
	})
}

// kubeValue is q as a float64, exactly rounded: q.AsApproximateFloat64
// makes 0e700 NaN.
func kubeValue(t *testing.T, q resource.Quantity) float64 {
	f, _, err := big.ParseFloat(q.AsDec().String(), 10, 64, big.ToNearestEven)
	if err != nil {
		t.Fatalf("%v: %v", q.String(), err)
	}
	v, _ := f.Float64()
	return v
}

// sameQuantity says whether a and b are the same quantity up to float precision
// and ParseQuantity's rounding to nano units.
func sameQuantity(a, b float64) bool {
	if math.IsInf(a, 0) || math.IsInf(b, 0) {
		return a == b
	}
	return math.Abs(a-b) <= 1e-9+1e-9*math.Max(math.Abs(a), math.Abs(b))
}
