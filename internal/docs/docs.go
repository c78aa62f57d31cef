// Package docs renders a rule's documentation from its METADATA and its
// example manifest: the kinds it applies to, what it checks and why, how to
// fix it, its parameters, how to exempt an object, and the example.
// docs/rules/<id>.md and `prodready explain` print the same text.
package docs

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/prodready/prodready/pkg/policy"
)

// ExamplePath is where a rule's example manifest lives in the examples tree:
// <area>/<id>.yaml, the area being the rule file's folder.
func ExamplePath(r policy.Rule) string {
	return path.Join(path.Dir(r.File), r.ID+".yaml")
}

// Render writes the rule's documentation as Markdown. examples is the
// examples tree (examples.FS); a rule without an example file gets none,
// and so does a team rule, which says where it comes from instead.
func Render(r policy.Rule, examples fs.FS) []byte {
	var b bytes.Buffer
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("# %s\n\n", r.ID)
	p("**%s**\n\n", r.Title)
	p("| severity | enforcement | profile | version | area |\n|---|---|---|---|---|\n")
	p("| %s | %s | %s | %s | %s |\n\n", r.Severity, r.Severity.Enforcement(), r.Profile, r.Version, path.Dir(r.File))
	p("Applies to: %s\n\n", strings.Join(r.Kinds, ", "))
	team := r.Source != policy.BuiltinSource
	if team {
		p("A team rule from `%s` (`%s`).\n\n", r.Source, r.File)
	}
	p("## What it checks, and why\n\n%s\n\n", r.Description)
	p("## How to fix it\n\n%s\n\n", r.Remediation)
	p("## Parameters\n\n")
	if len(r.Parameters) == 0 {
		p("None.\n\n")
	} else {
		p("| name | type | default | description |\n|---|---|---|---|\n")
		for _, prm := range r.Parameters {
			def, _ := json.Marshal(prm.Default)
			p("| `%s` | %s | `%s` | %s |\n", prm.Name, prm.Type, def, oneLine(prm.Description))
		}
		p("\n")
	}
	p("## Exempting an object\n\n")
	p("Annotate the object (the workload, PodDisruptionBudget, autoscaler or RBAC object the finding names):\n\n")
	p("```yaml\nmetadata:\n  annotations:\n    prodready.dev/exempt: \"%s\"\n    prodready.dev/exempt-reason: \"why this object is the exception\"\n```\n\n", r.ID)
	p("Exempted findings are counted in the summary, never failed on.\n\n")
	if src, err := fs.ReadFile(examples, ExamplePath(r)); err == nil && !team {
		p("## Example\n\n")
		p("`examples/%s` breaks the rule (its `# expect:` lines say where) and holds near misses that must not fire. ", ExamplePath(r))
		p("The configurations in `examples/good/` pass every rule.\n\n")
		p("```yaml\n%s```\n", strings.TrimRight(string(src), "\n")+"\n")
	}
	// One newline at the end, whichever section came last.
	return append(bytes.TrimRight(b.Bytes(), "\n"), '\n')
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
