package render_test

import (
	"context"
	"fmt"

	"github.com/prodready/prodready/pkg/engine"
	"github.com/prodready/prodready/pkg/manifest"
	"github.com/prodready/prodready/render"
)

// The SDK checks a chart as the CLI does: manifest.Options.Renderer renders
// the charts and overlays among the paths.
func ExampleRenderer() {
	eng, err := engine.New()
	if err != nil {
		panic(err)
	}
	opts := manifest.Options{Renderer: render.Renderer{Helm: render.HelmOptions{Values: []string{"replicas=1"}}}}
	res, err := eng.Check(context.Background(), []string{"testdata/web"}, opts)
	if err != nil {
		panic(err)
	}
	seen := map[string]bool{}
	for _, f := range res.Findings {
		if key := f.Object.String() + " " + f.File; !seen[key] {
			seen[key] = true
			fmt.Println(key)
		}
	}
	// Output:
	// Deployment/release-name-web testdata/web/templates/deployment.yaml
	// Job/default/release-name-migrate testdata/web/templates/migrate.yaml
}
