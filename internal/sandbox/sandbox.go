// Package sandbox is what rules may not do: reach the network or the
// runtime. The engine compiles every rule, built-in or a team's, with its
// capabilities, and explains the errors of a rule that tries.
package sandbox

import (
	"fmt"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/prodready/prodready/pkg/policy"
)

// deniedBuiltins reach outside the evaluation: the network and the runtime.
var deniedBuiltins = []string{"http.send", "net.", "opa.runtime"}

// Capabilities are OPA's, without the builtins that reach outside the
// evaluation.
func Capabilities() *ast.Capabilities {
	caps := ast.CapabilitiesForThisVersion()
	kept := caps.Builtins[:0]
	for _, b := range caps.Builtins {
		if !denied(b.Name) {
			kept = append(kept, b)
		}
	}
	caps.Builtins = kept
	caps.AllowNet = []string{}
	return caps
}

func denied(name string) bool {
	for _, d := range deniedBuiltins {
		if name == d || (strings.HasSuffix(d, ".") && strings.HasPrefix(name, d)) {
			return true
		}
	}
	return false
}

// Errors lists compile errors one per line with file and line, and
// says why a denied builtin is undefined rather than leaving "undefined
// function http.send" to puzzle the rule's author.
func Errors(errs ast.Errors) error {
	var names []string
	for _, d := range deniedBuiltins {
		if strings.HasSuffix(d, ".") {
			d += "*"
		}
		names = append(names, d)
	}
	for _, e := range errs {
		name, ok := strings.CutPrefix(e.Message, "undefined function ")
		if ok && denied(name) {
			e.Message = fmt.Sprintf("%s is not available to prodready rules, which run without network and runtime builtins (%s)", name, strings.Join(names, ", "))
		}
	}
	return policy.RegoError(errs)
}
