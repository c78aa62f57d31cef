package main

import (
	"github.com/spf13/cobra"

	"github.com/prodready/prodready/pkg/manifest"
	"github.com/prodready/prodready/render"
)

// renderFlags are check's settings for the charts and overlays it renders.
type renderFlags struct {
	off  bool
	helm render.HelmOptions
}

func (r *renderFlags) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.BoolVar(&r.off, "no-render", false, "read charts and kustomize overlays as plain files instead of rendering them")
	f.StringVar(&r.helm.ReleaseName, "release-name", "", "Helm: the release name charts are rendered with (default \"release-name\", as helm template)")
	f.StringVarP(&r.helm.Namespace, "namespace", "n", "", "Helm: the namespace charts are rendered in (default \"default\")")
	f.StringArrayVarP(&r.helm.ValueFiles, "values", "f", nil, "Helm: a values file for the charts (repeatable; a later one wins)")
	f.StringArrayVar(&r.helm.Values, "set", nil, "Helm: values on the command line, key=value (comma-separated or repeated)")
	f.StringVar(&r.helm.KubeVersion, "kube-version", "", "Helm: the Kubernetes version of .Capabilities.KubeVersion (default: Helm's)")
	f.StringSliceVarP(&r.helm.APIVersions, "api-versions", "a", nil, "Helm: API versions added to .Capabilities.APIVersions (monitoring.coreos.com/v1)")
}

// renderer renders charts and overlays, unless --no-render.
func (r *renderFlags) renderer() manifest.Renderer {
	if r.off {
		return nil
	}
	return render.Renderer{Helm: r.helm}
}
