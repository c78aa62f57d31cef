package engine_test

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/prodready/prodready/pkg/engine"
	"github.com/prodready/prodready/pkg/manifest"
	"github.com/prodready/prodready/pkg/policy"
)

// TestAtMostOneFindingPerRuleObjectAndContainer holds every rule to the
// catalogue's promise: several causes on one object (two probes, two
// volumes, two RBAC rules) are one finding, whose message names them all.
func TestAtMostOneFindingPerRuleObjectAndContainer(t *testing.T) {
	paths := append([]string{"../../examples"}, corpora...)
	eng, err := engine.New(engine.WithProfile(policy.Strict))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	checked := 0
	for _, p := range paths {
		if _, err := os.Stat(p); err != nil {
			continue
		}
		out, _ := eng.Check(ctx, []string{p}, manifest.Options{})
		findings := out.All()
		seen := map[string]engine.Finding{}
		for _, f := range findings {
			key := fmt.Sprintf("%s %s:%d %s %q", f.Rule, f.File, f.ObjectLine, f.Object, f.Container)
			if first, ok := seen[key]; ok {
				t.Errorf("%s: two findings:\n  %s\n  %s", key, first.Message, f.Message)
			}
			seen[key] = f
		}
		checked += len(findings)
	}
	if checked == 0 {
		t.Fatal("no findings to check")
	}
}
