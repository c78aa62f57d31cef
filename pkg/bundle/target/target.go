// Package target builds the policy library for an engine named by the
// target the CLI, the release and the OCI packer all speak of: opa,
// gatekeeper or conftest.
package target

import (
	"fmt"

	"github.com/prodready/prodready/pkg/bundle"
	"github.com/prodready/prodready/pkg/bundle/conftest"
	"github.com/prodready/prodready/pkg/bundle/gatekeeper"
	"github.com/prodready/prodready/pkg/bundle/opabundle"
)

// Names are the targets, in the order a release pushes them.
var Names = []string{"opa", "conftest", "gatekeeper"}

// Extras are the options that only one target takes.
type Extras struct {
	// Signing signs the OPA bundle; nil leaves it unsigned.
	Signing *opabundle.Signing
	// GatekeeperVersion is the oldest Gatekeeper the templates must work
	// with; "" means 3.19 and later.
	GatekeeperVersion string
}

// Build builds the named target.
func Build(name string, opts bundle.Options, x Extras) (bundle.Files, error) {
	if x.Signing != nil && name != "opa" {
		return nil, fmt.Errorf("signing applies to the opa target only, not %s", name)
	}
	if x.GatekeeperVersion != "" && name != "gatekeeper" {
		return nil, fmt.Errorf("a Gatekeeper version applies to the gatekeeper target only, not %s", name)
	}
	switch name {
	case "opa":
		return opabundle.Build(opts, x.Signing)
	case "gatekeeper":
		return gatekeeper.Build(opts, x.GatekeeperVersion)
	case "conftest":
		return conftest.Build(opts)
	}
	return nil, fmt.Errorf("unknown target %q (want opa, gatekeeper or conftest)", name)
}
