package gatekeeper

import (
	"fmt"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/format"
	"k8s.io/apimachinery/pkg/util/version"
)

// The Gatekeeper versions builds differ for.
var (
	// regoV1Version is the first Gatekeeper that reads templates in Rego v1
	// (code: [{engine: Rego, source: {version: v1}}]): the default build.
	regoV1Version = version.MajorMinor(3, 19)
	// scopedVersion is the first with scoped enforcement actions.
	scopedVersion = version.MajorMinor(3, 17)
	// oldestVersion is the oldest Gatekeeper any build works with: the
	// oldest with a SyncSet, and its OPA (oldestOPA) has every builtin and
	// keyword the rules use.
	oldestVersion = version.MajorMinor(3, 15)
	oldestOPA     = "v0.60.0"
)

// compat is what a build may use of the Gatekeeper it is for.
type compat struct {
	// regoV1 writes the templates in Rego v1; otherwise in Rego v0 with
	// the future keywords it uses imported, which means the same.
	regoV1 bool
	// scoped lets a rule's action differ between admission and audit;
	// otherwise a rule has one action everywhere, the admission one.
	scoped bool
}

// needs says, for the bundle's README, which Gatekeeper the build is for.
func (c compat) needs() string {
	switch {
	case c.regoV1:
		return `It needs Gatekeeper 3.19 or later: the templates hold Rego v1 (code with
source version v1), which Gatekeeper reads from 3.19 on, and the
constraints of cross-object rules scope their actions to enforcement
points, which it reads from 3.17 on.`
	case c.scoped:
		return `It is built for Gatekeeper 3.17 and 3.18 (--gatekeeper-version): the
templates hold the rules' Rego in v0 syntax with future.keywords, and the
constraints of cross-object rules scope their actions to enforcement points.`
	default:
		return `It is built for Gatekeeper 3.15 and 3.16 (--gatekeeper-version): the
templates hold the rules' Rego in v0 syntax with future.keywords, and
without scoped enforcement actions the rules that read other objects warn
everywhere, in audit too (their admission action, see below).`
	}
}

// compatFor is the build for Gatekeeper v ("3.16", "v3.16.2"); "" is the
// default build, for regoV1Version and later.
func compatFor(v string) (compat, error) {
	if v == "" {
		return compat{regoV1: true, scoped: true}, nil
	}
	parsed, err := version.ParseGeneric(v)
	if err != nil {
		return compat{}, fmt.Errorf("Gatekeeper version %q: %w", v, err)
	}
	if !parsed.AtLeast(oldestVersion) {
		return compat{}, fmt.Errorf("Gatekeeper %s: the oldest Gatekeeper a bundle is built for is %s", v, oldestVersion)
	}
	return compat{regoV1: parsed.AtLeast(regoV1Version), scoped: parsed.AtLeast(scopedVersion)}, nil
}

// regoV0 rewrites a Rego v1 module in the syntax older Gatekeepers read:
// Rego v0 importing future.keywords (if, contains, in, every), which reads
// as Rego v1 does. Their constraint framework refuses `import rego.v1`: it
// allows only future.* and data.lib imports.
func regoV0(name, src string) (string, error) {
	m, err := ast.ParseModuleWithOpts(name, src, ast.ParserOptions{RegoVersion: ast.RegoV1, ProcessAnnotation: true})
	if err != nil {
		return "", err
	}
	m.Imports = append([]*ast.Import{{Path: ast.MustParseTerm("future.keywords")}}, m.Imports...)
	out, err := format.AstWithOpts(m, format.Opts{RegoVersion: ast.RegoV0})
	return string(out), err
}
