// Package policies embeds prodready's Rego: one rule per file under
// <area>/, each with its _test.rego beside it, and the helpers every rule
// shares under lib/. Rego is the single source of truth; Go only loads it.
package policies

import "embed"

// FS holds every .rego file of the library, tests included.
//
//go:embed */*.rego
var FS embed.FS
