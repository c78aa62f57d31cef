package engine_test

import (
	"context"
	"fmt"
	"os"

	"github.com/prodready/prodready/pkg/config"
	"github.com/prodready/prodready/pkg/engine"
	"github.com/prodready/prodready/pkg/manifest"
	"github.com/prodready/prodready/pkg/policy"
)

// Check a directory as `prodready check` does and act on the findings:
// those that fail at a threshold, the exempted ones apart.
func Example() {
	ctx := context.Background()
	eng, err := engine.New() // compiles the embedded policies once
	if err != nil {
		panic(err)
	}
	res, err := eng.Check(ctx, []string{"../../examples/demo"}, manifest.Options{})
	if err != nil {
		// Input errors (each a *manifest.Error naming the file and
		// document) and evaluation errors; res still holds the findings
		// of everything that could be read.
		fmt.Println("error:", err)
	}
	for _, f := range res.Failing(policy.High) {
		fmt.Printf("%s %s %s:%d\n", f.Rule, f.Object, f.File, f.Line) // and f.Message, f.Remediation
	}
	fmt.Printf("%d objects read, %d findings, %d failing at high, %d exempted\n",
		len(res.Read.Objects), len(res.Findings), len(res.Failing(policy.High)), len(res.Exempted))
	// Output:
	// liveness-checks-dependencies Deployment/demo/checkout-api ../../examples/demo/shop.yaml:49
	// pdb-missing Deployment/demo/checkout-api ../../examples/demo/shop.yaml:16
	// memory-request-missing Deployment/demo/recommendations ../../examples/demo/shop.yaml:72
	// pdb-missing Deployment/demo/recommendations ../../examples/demo/shop.yaml:56
	// readiness-probe-missing Deployment/demo/recommendations ../../examples/demo/shop.yaml:72
	// 2 objects read, 13 findings, 5 failing at high, 0 exempted
}

// Evaluate objects a program holds: built in memory, decoded from an
// admission request, listed from the API server.
func ExampleEngine_Evaluate() {
	eng, err := engine.New(engine.WithProfile("baseline"))
	if err != nil {
		panic(err)
	}
	obj, err := manifest.FromMap(map[string]any{
		"apiVersion": "apps/v1",
		"kind":       "Deployment",
		"metadata":   map[string]any{"name": "api", "namespace": "shop"},
		"spec": map[string]any{
			"replicas": 1,
			"selector": map[string]any{"matchLabels": map[string]any{"app": "api"}},
			"template": map[string]any{
				"metadata": map[string]any{"labels": map[string]any{"app": "api"}},
				"spec": map[string]any{"containers": []any{map[string]any{
					"name": "app", "image": "registry.example/api:1.4.2",
				}}},
			},
		},
	})
	if err != nil {
		panic(err) // a missing apiVersion, kind or name says so
	}
	res, err := eng.Evaluate(context.Background(), []*manifest.Object{obj})
	if err != nil {
		panic(err)
	}
	for _, f := range res.Findings {
		fmt.Println(f.Severity, f.Rule, f.Container)
	}
	// Output:
	// medium cpu-request-missing app
	// medium liveness-probe-missing app
	// medium memory-limit-missing app
	// high memory-request-missing app
	// medium single-replica
}

// A team's rules from a file system (an embed.FS in a program) and the
// configuration that tunes them, composed in one call: the configuration
// may name the team's rules because New reads it after loading them.
func ExampleWithPolicyFS() {
	eng, err := engine.New(
		engine.WithPolicyFS("acme", os.DirFS("../../examples/team-overrides/policy")),
		engine.WithConfigYAML(".prodready.yaml", []byte(`
rules:
  team-label-missing:
    severity: high
    parameters:
      label: acme.dev/owner
`)))
	if err != nil {
		panic(err) // every mistake, each as .prodready.yaml:LINE: path: problem
	}
	for _, r := range eng.Rules() {
		if r.Source != "built-in" {
			fmt.Println(r.ID, r.Severity, "from", r.Source)
		}
	}
	// Output:
	// readiness-probe-missing high from acme
	// team-label-missing high from acme
}

// Options are checked where they are given, with the command line's words.
func ExampleNew_errors() {
	_, err := engine.New(engine.WithProfile("prod"))
	fmt.Println(err)
	_, err = engine.New(engine.WithRule("single-replica", config.Rule{Severity: "urgent"}))
	fmt.Println(err)
	// Output:
	// unknown profile "prod" (want baseline or strict)
	// configuration: rules.single-replica.severity: want one of critical, high, medium or low, got "urgent"
}
