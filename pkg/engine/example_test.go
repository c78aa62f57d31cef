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
	out, err := eng.Evaluate(ctx, loaded.Objects) // in parallel; honours ctx
	findings, warnings := out.All(), out.Warnings
	if err != nil {
		panic(err)
	}
	for _, w := range warnings { // about the input as a whole: an object defined twice
		fmt.Println("warning:", w.Message)
	}
	for _, f := range findings {
		fmt.Printf("%-6s %s %s line=%d field=%s (%s)\n", f.Severity, f.Rule, f.Object, f.Line, f.Field, f.Enforcement)
	}
	// Output:
	// low    cpu-limit-latency-sensitive Deployment/demo/checkout-api line=42 field=spec.template.spec.containers[api].resources.limits.cpu (warn)
	// high   liveness-checks-dependencies Deployment/demo/checkout-api line=49 field=spec.template.spec.containers[api].livenessProbe (deny)
	// medium liveness-too-aggressive Deployment/demo/checkout-api line=49 field=spec.template.spec.containers[api].livenessProbe (warn)
	// medium memory-limit-no-headroom Deployment/demo/checkout-api line=43 field=spec.template.spec.containers[api].resources.limits.memory (warn)
	// high   pdb-missing Deployment/demo/checkout-api line=16 field= (deny)
	// medium pod-spread-missing Deployment/demo/checkout-api line=16 field= (warn)
	// medium cpu-request-missing Deployment/demo/recommendations line=72 field=spec.template.spec.containers[model].resources (warn)
	// medium memory-limit-missing Deployment/demo/recommendations line=72 field=spec.template.spec.containers[model].resources (warn)
	// high   memory-request-missing Deployment/demo/recommendations line=72 field=spec.template.spec.containers[model].resources (deny)
	// high   pdb-missing Deployment/demo/recommendations line=56 field= (deny)
	// medium pod-spread-missing Deployment/demo/recommendations line=56 field= (warn)
	// high   readiness-probe-missing Deployment/demo/recommendations line=72 field=spec.template.spec.containers[model] (deny)
	// medium slow-start-without-startup-probe Deployment/demo/recommendations line=72 field=spec.template.spec.containers[model] (warn)
}
