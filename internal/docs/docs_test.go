package docs_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prodready/prodready/examples"
	"github.com/prodready/prodready/internal/docs"
	"github.com/prodready/prodready/pkg/policy"
)

// docsDir holds the generated docs/rules/<id>.md; `make docs` rewrites it.
const docsDir = "../../docs/rules"

// TestRuleDocsAreUpToDate fails when docs/rules is stale; run `make docs`
// (UPDATE_DOCS=1) to regenerate it.
func TestRuleDocsAreUpToDate(t *testing.T) {
	set, err := policy.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	update := os.Getenv("UPDATE_DOCS") == "1"
	want := map[string]bool{}
	for _, r := range set.Rules {
		name := r.ID + ".md"
		want[name] = true
		got := docs.Render(r, examples.FS)
		file := filepath.Join(docsDir, name)
		if update {
			if err := os.MkdirAll(docsDir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(file, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		onDisk, err := os.ReadFile(file)
		if err != nil || !bytes.Equal(onDisk, got) {
			t.Errorf("%s is stale or missing: run `make docs`", file)
		}
	}
	entries, _ := os.ReadDir(docsDir)
	for _, e := range entries {
		if !want[e.Name()] && strings.HasSuffix(e.Name(), ".md") && e.Name() != "README.md" {
			if update {
				os.Remove(filepath.Join(docsDir, e.Name()))
			} else {
				t.Errorf("%s documents no rule: run `make docs`", e.Name())
			}
		}
	}
}

func TestEveryRuleHasAnExample(t *testing.T) {
	set, err := policy.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range set.Rules {
		if !bytes.Contains(docs.Render(r, examples.FS), []byte("## Example")) {
			t.Errorf("%s has no examples/%s", r.ID, docs.ExamplePath(r))
		}
	}
}

func TestRenderHasEverySection(t *testing.T) {
	set, err := policy.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	r, ok := set.Rule("memory-limit-no-headroom")
	if !ok {
		t.Fatal("rule missing")
	}
	out := string(docs.Render(r, examples.FS))
	for _, want := range []string{"# memory-limit-no-headroom", "Applies to: Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, Rollout\n", "## What it checks, and why", "## How to fix it", "| `minRatio` | number | `1.5` |",
		"prodready.dev/exempt: \"memory-limit-no-headroom\"", "# expect: memory-limit-no-headroom"} {
		if !strings.Contains(out, want) {
			t.Errorf("docs lack %q", want)
		}
	}
}

func TestTeamRuleHasNoExample(t *testing.T) {
	base, err := policy.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	r, _ := base.Rule("memory-request-missing")
	// A team's replacement in a folder named like the built-in's area:
	// the built-in example is not the team rule's.
	r.Source, r.File = "resources", "resources/memory_request_missing.rego"
	out := string(docs.Render(r, examples.FS))
	if strings.Contains(out, "## Example") {
		t.Error("a team rule rendered with the built-in rule's example")
	}
	if !strings.HasSuffix(out, "\n") || strings.HasSuffix(out, "\n\n") {
		t.Errorf("team rule docs do not end with one newline: %q", out[len(out)-40:])
	}
	for _, want := range []string{"# memory-request-missing", "A team rule from `resources` (`resources/memory_request_missing.rego`).", "## How to fix it", "prodready.dev/exempt: \"memory-request-missing\""} {
		if !strings.Contains(out, want) {
			t.Errorf("team rule docs lack %q:\n%s", want, out)
		}
	}
}
