package mdterm_test

import (
	"strings"
	"testing"

	"github.com/prodready/prodready/examples"
	"github.com/prodready/prodready/internal/docs"
	"github.com/prodready/prodready/internal/mdterm"
	"github.com/prodready/prodready/pkg/policy"
)

const page = "# pdb-missing\n\n**PodDisruptionBudget missing**\n\n" +
	"| severity | enforcement |\n|---|---|\n| high | deny |\n\n" +
	"## How to fix it\n\nAdd a `PodDisruptionBudget` whose\nselector matches, with **maxUnavailable: 1** for every workload.\n\n" +
	"```yaml\nmetadata:\n  annotations:\n```\n"

func render(t *testing.T, opts mdterm.Options) string {
	t.Helper()
	var b strings.Builder
	if err := mdterm.Render(&b, page, opts); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// Without colour the markup goes and the layout stays: tables aligned,
// paragraphs joined and wrapped, code indented.
func TestPlainLayout(t *testing.T) {
	want := `pdb-missing

PodDisruptionBudget missing

severity  enforcement
high      deny

How to fix it

Add a PodDisruptionBudget whose selector
matches, with maxUnavailable: 1 for every
workload.

    metadata:
      annotations:
`
	if got := render(t, mdterm.Options{Width: 42}); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestStyles(t *testing.T) {
	got := render(t, mdterm.Options{Color: true})
	for _, want := range []string{
		"\x1b[1;4mpdb-missing\x1b[0m\n",
		"\x1b[1;36mHow to fix it\x1b[0m\n",
		"Add a \x1b[36mPodDisruptionBudget\x1b[0m whose selector matches, with \x1b[1mmaxUnavailable: 1\x1b[0m for every workload.\n",
		"\x1b[1mseverity\x1b[0m  \x1b[1menforcement\x1b[0m\n",
		"    \x1b[2m  annotations:\x1b[0m\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%q", want, got)
		}
	}
	if strings.Contains(got, "`") || strings.Contains(got, "**") || strings.Contains(got, "|") {
		t.Errorf("markup left:\n%s", got)
	}
}

// TestEveryRulePage: each rule's explain page renders with no markup left
// and, but for code and tables, within the width.
func TestEveryRulePage(t *testing.T) {
	set, err := policy.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range set.Rules {
		var b strings.Builder
		if err := mdterm.Render(&b, string(docs.Render(r, examples.FS)), mdterm.Options{Width: 80}); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		if strings.Contains(out, "**") || strings.Contains(out, "```") || strings.Contains(out, "|---") || strings.Contains(out, "## ") {
			t.Errorf("%s: markup left:\n%s", r.ID, out)
		}
		for line := range strings.SplitSeq(out, "\n") {
			if len(line) > 80 && !strings.HasPrefix(line, "    ") && !strings.Contains(line, "  ") {
				t.Errorf("%s: %d columns: %q", r.ID, len(line), line)
			}
		}
	}
}
