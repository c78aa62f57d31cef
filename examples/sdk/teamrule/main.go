// Command teamrule runs a team's own rule, shipped inside the program with
// embed.FS: it overrides the built-in single-replica rule by its ID, and
// the team's configuration (embedded too) sets the parameter the team's
// rule declares. Both go to one engine.New, which loads the rules before it
// checks the configuration against them.
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

//go:embed policy/*.rego
var rules embed.FS

// config is the team's .prodready.yaml: three zones in its region.
var config = []byte(`
rules:
  single-replica:
    parameters:
      zones: 3
`)

// newEngine is the built-in library with the team's rules and configuration.
func newEngine() (*engine.Engine, error) {
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
	eng, err := newEngine()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	res, err := eng.Check(context.Background(), os.Args[1:], manifest.Options{})
	for _, f := range res.Findings {
		fmt.Printf("%s:%d %s %s: %s\n", f.File, f.Line, f.Rule, f.Object, f.Message)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
}
