package engine_test

import (
	"context"
	"fmt"

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
	loaded := manifest.Load(ctx, []string{"../../examples/demo"}, manifest.Options{})
	findings, err := eng.Evaluate(ctx, loaded.Objects) // in parallel; honours ctx
	if err != nil {
		panic(err)
	}
	for _, f := range findings {
		fmt.Printf("%-6s %s %s container=%s line=%d (%s)\n", f.Severity, f.Rule, f.Object, f.Container, f.Line, f.Enforcement)
	}
	// Output:
	// low    cpu-limit-latency-sensitive Deployment/shop/checkout-api container=api line=12 (warn)
	// high   liveness-checks-dependencies Deployment/shop/checkout-api container=api line=12 (deny)
	// medium liveness-too-aggressive Deployment/shop/checkout-api container=api line=12 (warn)
	// medium memory-limit-no-headroom Deployment/shop/checkout-api container=api line=12 (warn)
	// medium cpu-request-missing Deployment/shop/recommendations container=model line=52 (warn)
	// medium memory-limit-missing Deployment/shop/recommendations container=model line=52 (warn)
	// high   memory-request-missing Deployment/shop/recommendations container=model line=52 (deny)
	// high   readiness-probe-missing Deployment/shop/recommendations container=model line=52 (deny)
	// medium slow-start-without-startup-probe Deployment/shop/recommendations container=model line=52 (warn)
}
