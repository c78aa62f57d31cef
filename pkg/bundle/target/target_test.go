package target_test

import (
	"strings"
	"testing"

	"github.com/prodready/prodready/pkg/bundle"
	"github.com/prodready/prodready/pkg/bundle/opabundle"
	"github.com/prodready/prodready/pkg/bundle/target"
)

func TestEveryTargetBuilds(t *testing.T) {
	for _, name := range target.Names {
		files, err := target.Build(name, bundle.Options{}, target.Extras{})
		if err != nil || len(files) == 0 {
			t.Errorf("%s: %d files, %v", name, len(files), err)
		}
	}
}

func TestMisappliedOptionsAreRefused(t *testing.T) {
	for _, tc := range []struct {
		name string
		x    target.Extras
		want string
	}{
		{"kyverno", target.Extras{}, `unknown target "kyverno"`},
		{"conftest", target.Extras{Signing: &opabundle.Signing{}}, "signing applies to the opa target only"},
		{"opa", target.Extras{GatekeeperVersion: "3.16"}, "applies to the gatekeeper target only"},
	} {
		if _, err := target.Build(tc.name, bundle.Options{}, tc.x); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s %+v: %v, want %q", tc.name, tc.x, err, tc.want)
		}
	}
}
