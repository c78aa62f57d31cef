package engine_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/prodready/prodready/pkg/engine"
	"github.com/prodready/prodready/pkg/manifest"
)

// Load manifests, evaluate them, act on the findings.
func Example() {
	ctx := context.Background()
	eng, err := engine.New() // compiles the embedded policies once
	if err != nil {
		panic(err)
	}
	loaded := manifest.Load(ctx, []string{"../../examples/resources/memory-request-missing.yaml"}, manifest.Options{})
	findings, err := eng.Evaluate(ctx, loaded.Objects)
	if err != nil {
		panic(err)
	}
	for _, f := range findings {
		if f.Rule == "memory-request-missing" {
			fmt.Printf("%s %s %s container=%s line=%d\n", f.Severity, f.Rule, f.Object, f.Container, f.Line)
			fmt.Println(strings.Contains(f.Message, "BestEffort"))
		}
	}
}
