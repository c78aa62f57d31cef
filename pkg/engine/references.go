package engine

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/prodready/prodready/internal/suggest"
)

// libRoot is the library the rules build on.
var libRoot = ast.MustParseRef("data.lib.prodready")

// undefinedReferences are the references of the compiled modules into
// data.lib.prodready that no rule or function of the library defines, as
// compile errors at their file and line. OPA leaves such a reference
// undefined (only an undefined function call is a compile error), so a
// rule built on a mistyped helper (workload.every_container) would load
// and never fire. A reference through a variable key is left alone.
func undefinedReferences(c *ast.Compiler) ast.Errors {
	var errs ast.Errors
	for _, name := range slices.Sorted(maps.Keys(c.Modules)) {
		ast.WalkRefs(c.Modules[name], func(ref ast.Ref) bool {
			if !ref.HasPrefix(libRoot) {
				return false
			}
			if missing, known := undefined(c.RuleTree, ref); missing >= 0 {
				name := strings.Trim(ref[missing].String(), `"`)
				msg := fmt.Sprintf("%s is not defined: %s has no rule, function or package %s%s",
					ref[:missing+1], strings.TrimPrefix(ref[:missing].String(), "data."), name, suggest.DidYouMean(name, known))
				errs = append(errs, ast.NewError(ast.CompileErr, ref[0].Location, "%s", msg))
			}
			return false
		})
	}
	return errs
}

// undefined is the index of the first term of ref that the rule tree does
// not have, and the names it has there; -1 when ref reaches a rule (the
// rest indexes its value) or a variable key.
func undefined(tree *ast.TreeNode, ref ast.Ref) (int, []string) {
	node := tree.Child(ref[0].Value) // data
	for i, term := range ref[1:] {
		i++
		if len(node.Values) > 0 || !term.IsGround() {
			return -1, nil
		}
		child := node.Child(term.Value)
		if child == nil {
			var known []string
			for _, k := range node.Sorted {
				if s, ok := k.(ast.String); ok {
					known = append(known, string(s))
				}
			}
			return i, known
		}
		node = child
	}
	return -1, nil
}
