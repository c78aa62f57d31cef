// Command teamrule runs a team's own rule shipped inside the program: an
// embed.FS of Rego that replaces the built-in single-replica rule by its ID
// (Acme asks one replica per zone of a critical workload), and an embedded
// .prodready.yaml that sets the team rule's zones parameter.
//
// Both go to one engine.New: it loads the team's rules first, then checks
// the configuration against every rule, so a configuration may tune a
// parameter that only the team's rule declares.
//
//	teamrule PATH...
package main

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"os"

	"github.com/prodready/prodready/pkg/engine"
	"github.com/prodready/prodready/pkg/manifest"
)

// rules holds the team's policy directory; its _test.rego files come along
// and are never run by a check.
//
//go:embed policy/*.rego
var rules embed.FS

// config is the team's .prodready.yaml: the region has three zones.
var config = []byte(`rules:
  single-replica:
    parameters:
      zones: 3
`)

// newEngine is the built-in library with the team's rules and configuration.
func newEngine() (*engine.Engine, error) {
	// fs.Sub so that file names in errors and Rules() read acme/x.rego,
	// not acme/policy/x.rego.
	policy, err := fs.Sub(rules, "policy")
	if err != nil {
		return nil, err
	}
	return engine.New(
		engine.WithPolicyFS("acme", policy),
		engine.WithConfigYAML(".prodready.yaml", config),
	)
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: teamrule PATH...")
		os.Exit(2)
	}
	eng, err := newEngine()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	res, err := eng.Check(context.Background(), os.Args[1:], manifest.Options{})
	for _, f := range res.Findings {
		fmt.Printf("%s:%d %s %s (%s): %s\n", f.File, f.Line, f.Object, f.Rule, f.Severity, f.Message)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
}
