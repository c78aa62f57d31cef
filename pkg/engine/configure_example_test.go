package engine_test

import (
	"context"
	"fmt"

	"github.com/prodready/prodready/pkg/config"
	"github.com/prodready/prodready/pkg/engine"
	"github.com/prodready/prodready/pkg/manifest"
	"github.com/prodready/prodready/pkg/policy"
)

// A team's .prodready.yaml, applied to the same manifests: pdb-missing
// only warns, single-replica wants three replicas, and one workload is
// exempt from the probe rules for a reason.
func ExampleWithConfig() {
	set, err := policy.Builtin()
	if err != nil {
		panic(err)
	}
	cfg, err := config.Parse(".prodready.yaml", []byte(`
rules:
  pdb-missing:
    severity: medium
  single-replica:
    parameters:
      minReplicas: 3
  cpu-limit-latency-sensitive:
    enabled: false
exemptions:
  - rules: [readiness-probe-missing, slow-start-without-startup-probe]
    name: recommendations
    reason: Batch scoring behind a queue; nothing routes to it.
`), set)
	if err != nil {
		panic(err) // every mistake, each as .prodready.yaml:LINE: path: problem
	}
	eng, err := engine.New(engine.WithPolicies(set), engine.WithConfig(cfg))
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	loaded := manifest.Load(ctx, []string{"../../examples/demo"}, manifest.Options{})
	out, err := eng.Evaluate(ctx, loaded.Objects)
	findings := out.All()
	if err != nil {
		panic(err)
	}
	for _, f := range findings {
		if !f.Exempted {
			fmt.Printf("%-6s %s %s (%s)\n", f.Severity, f.Rule, f.Object, f.Enforcement)
		}
	}
	// Output:
	// high   liveness-checks-dependencies Deployment/demo/checkout-api (deny)
	// medium liveness-too-aggressive Deployment/demo/checkout-api (warn)
	// medium memory-limit-no-headroom Deployment/demo/checkout-api (warn)
	// medium pdb-missing Deployment/demo/checkout-api (warn)
	// medium pod-spread-missing Deployment/demo/checkout-api (warn)
	// medium cpu-request-missing Deployment/demo/recommendations (warn)
	// medium memory-limit-missing Deployment/demo/recommendations (warn)
	// high   memory-request-missing Deployment/demo/recommendations (deny)
	// medium pdb-missing Deployment/demo/recommendations (warn)
	// medium pod-spread-missing Deployment/demo/recommendations (warn)
	// medium single-replica Deployment/demo/recommendations (warn)
}
