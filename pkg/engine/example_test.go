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
	// low    cpu-limit-latency-sensitive Deployment/demo/checkout-api container=api line=16 (warn)
	// high   liveness-checks-dependencies Deployment/demo/checkout-api container=api line=16 (deny)
	// medium liveness-too-aggressive Deployment/demo/checkout-api container=api line=16 (warn)
	// medium memory-limit-no-headroom Deployment/demo/checkout-api container=api line=16 (warn)
	// high   pdb-missing Deployment/demo/checkout-api container= line=16 (deny)
	// medium pod-spread-missing Deployment/demo/checkout-api container= line=16 (warn)
	// medium cpu-request-missing Deployment/demo/recommendations container=model line=56 (warn)
	// medium memory-limit-missing Deployment/demo/recommendations container=model line=56 (warn)
	// high   memory-request-missing Deployment/demo/recommendations container=model line=56 (deny)
	// high   pdb-missing Deployment/demo/recommendations container= line=56 (deny)
	// medium pod-spread-missing Deployment/demo/recommendations container= line=56 (warn)
	// high   readiness-probe-missing Deployment/demo/recommendations container=model line=56 (deny)
	// medium slow-start-without-startup-probe Deployment/demo/recommendations container=model line=56 (warn)
}
