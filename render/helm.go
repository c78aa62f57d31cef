package render

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"helm.sh/helm/v4/pkg/chart/common"
	"helm.sh/helm/v4/pkg/chart/common/util"
	chart "helm.sh/helm/v4/pkg/chart/v2"
	"helm.sh/helm/v4/pkg/chart/v2/loader"
	chartutil "helm.sh/helm/v4/pkg/chart/v2/util"
	"helm.sh/helm/v4/pkg/engine"
	hookrelease "helm.sh/helm/v4/pkg/release/v1"
	releaseutil "helm.sh/helm/v4/pkg/release/v1/util"
	"helm.sh/helm/v4/pkg/strvals"
	"sigs.k8s.io/yaml"

	"github.com/prodready/prodready/pkg/manifest"
)

// HelmOptions are `helm template`'s settings that change what a chart
// renders.
type HelmOptions struct {
	// ReleaseName is .Release.Name; "release-name" when empty, as helm template.
	ReleaseName string
	// Namespace is .Release.Namespace; "default" when empty.
	Namespace string
	// ValueFiles are -f/--values files, merged in order over the chart's values.
	ValueFiles []string
	// Values are --set assignments ("image.tag=1.2,replicaCount=3").
	Values []string
	// KubeVersion is .Capabilities.KubeVersion ("1.33.0"); Helm's default when empty.
	KubeVersion string
	// APIVersions are added to .Capabilities.APIVersions ("monitoring.coreos.com/v1").
	APIVersions []string
}

// RenderChart renders the chart at path (a directory or an archive) as
// `helm template` does: its templates and its hooks but the tests, with
// the dependencies in its charts/ directory (an error names a missing
// one: nothing is downloaded). Values files and --set are read here;
// values from URLs are refused.
//
// It does what Helm's install action does for a client-side dry run
// (helm template), with Helm's own loader, values, engine and manifest
// sorter, not the action itself: the action brings Kubernetes clients, a
// registry client and storage drivers that would double prodready's size
// and add a third to its start-up.
func RenderChart(ctx context.Context, path string, opts HelmOptions) ([]manifest.Rendered, error) {
	caps := common.DefaultCapabilities.Copy()
	if opts.KubeVersion != "" {
		v, err := common.ParseKubeVersion(opts.KubeVersion)
		if err != nil {
			return nil, fmt.Errorf("Kubernetes version %q: %w", opts.KubeVersion, err)
		}
		caps.KubeVersion = *v
	}
	caps.APIVersions = append(caps.APIVersions, opts.APIVersions...)
	vals, err := mergeValues(opts)
	if err != nil {
		return nil, err
	}
	ch, err := loader.Load(path)
	if err != nil {
		return nil, &manifest.Error{File: path, Err: fmt.Errorf("loading the chart: %w", err)}
	}
	meta := ch.Metadata
	if meta.Type != "" && meta.Type != "application" {
		return nil, &manifest.Error{File: path, Err: fmt.Errorf("a %s chart renders nothing on its own", meta.Type)}
	}
	if err := checkDependencies(ch); err != nil {
		return nil, &manifest.Error{File: path, Err: fmt.Errorf("%w: put them in its charts/ directory (helm dependency build %s)", err, path)}
	}
	if meta.KubeVersion != "" && !chartutil.IsCompatibleRange(meta.KubeVersion, caps.KubeVersion.String()) {
		return nil, &manifest.Error{File: path, Err: fmt.Errorf("the chart requires kubeVersion %s, not %s (--kube-version)", meta.KubeVersion, caps.KubeVersion.Version)}
	}
	if err := chartutil.ProcessDependencies(ch, vals); err != nil {
		return nil, &manifest.Error{File: path, Err: fmt.Errorf("chart dependencies: %w", err)}
	}
	release := common.ReleaseOptions{Name: cmp.Or(opts.ReleaseName, "release-name"), Namespace: cmp.Or(opts.Namespace, "default"), Revision: 1, IsInstall: true}
	renderValues, err := util.ToRenderValuesWithSchemaValidation(ch, vals, release, caps, false)
	if err != nil {
		return nil, &manifest.Error{File: path, Err: fmt.Errorf("values: %w", err)}
	}
	var eng engine.Engine
	files, err := eng.RenderWithContext(ctx, ch, renderValues)
	if err != nil {
		return nil, templateError(path, ch.Name(), err)
	}
	for name := range files {
		if strings.HasSuffix(name, "NOTES.txt") {
			delete(files, name)
		}
	}
	hooks, manifests, err := releaseutil.SortManifests(files, nil, releaseutil.InstallOrder)
	if err != nil {
		return nil, &manifest.Error{File: path, Err: fmt.Errorf("rendering the chart: %w", err)}
	}
	var out strings.Builder
	for _, m := range manifests {
		fmt.Fprintf(&out, "---\n# Source: %s\n%s\n", m.Name, m.Content)
	}
	for _, h := range hooks {
		if !slices.Contains(h.Events, hookrelease.HookTest) {
			fmt.Fprintf(&out, "---\n# Source: %s\n%s\n", h.Path, h.Manifest)
		}
	}
	return bySource(path, ch.Name(), out.String())
}

// mergeValues merges the values files in order, then the --set
// assignments, as helm's values options do; a file is read from disk, not
// fetched.
func mergeValues(opts HelmOptions) (map[string]any, error) {
	base := map[string]any{}
	for _, file := range opts.ValueFiles {
		data, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("values: %w", err)
		}
		vals, err := loader.LoadValues(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("values: %s: %w", file, err)
		}
		base = loader.MergeMaps(base, vals)
	}
	for _, set := range opts.Values {
		if err := strvals.ParseInto(set, base); err != nil {
			return nil, fmt.Errorf("--set %s: %w", set, err)
		}
	}
	return base, nil
}

// checkDependencies fails on the dependencies Chart.yaml lists that its
// charts/ directory lacks, naming them, as helm template does.
func checkDependencies(ch *chart.Chart) error {
	var missing []string
	for _, dep := range ch.Metadata.Dependencies {
		if !slices.ContainsFunc(ch.Dependencies(), func(c *chart.Chart) bool { return c.Name() == dep.Name }) {
			missing = append(missing, dep.Name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("found in Chart.yaml, but missing in charts/ directory: %s", strings.Join(missing, ", "))
	}
	return nil
}

// templateFailure is where Helm says a template failed:
// "template: chart/templates/deployment.yaml:12:20: executing ..." or
// "execution error at (chart/templates/configmap.yaml:6:13): ...".
var templateFailure = regexp.MustCompile(`(?:template: |execution error at \()([^:\s()]+):(\d+)(?::\d+)?`)

// templateError is a rendering error named by the template file and line
// that failed, when Helm says which.
func templateError(path, name string, err error) error {
	m := templateFailure.FindStringSubmatch(err.Error())
	if m == nil {
		return &manifest.Error{File: path, Err: fmt.Errorf("rendering the chart: %w", err)}
	}
	line, _ := strconv.Atoi(m[2])
	return &manifest.Error{File: chartFile(path, name, m[1]), Line: line, Err: fmt.Errorf("rendering the chart %s: %w", path, err)}
}

// chartFile is the file of the chart at path that Helm names source
// (<chart name>/templates/x.yaml, <chart>/charts/<sub>/templates/y.yaml).
// A chart or subchart packaged as an archive has no file of its own: the
// archive is named.
func chartFile(path, name, source string) string {
	if isArchive(path) {
		return path
	}
	rest, ok := strings.CutPrefix(source, name+"/")
	if !ok {
		return filepath.Join(path, filepath.FromSlash(source))
	}
	parts := strings.Split(rest, "/")
	dir := path
	for i := 0; i+1 < len(parts) && parts[i] == "charts"; i += 2 {
		sub := filepath.Join(dir, "charts", parts[i+1])
		if info, err := os.Stat(sub); err == nil && info.IsDir() {
			dir = sub
			continue
		}
		if archives, _ := filepath.Glob(filepath.Join(dir, "charts", parts[i+1]+"-*.tgz")); len(archives) == 1 {
			return archives[0]
		}
		break
	}
	return filepath.Join(path, filepath.FromSlash(rest))
}

// bySource cuts a rendering into its documents, each named by the template
// of its "# Source:" line and placed on the line of that template where
// the object starts.
func bySource(path, name, rendered string) ([]manifest.Rendered, error) {
	var docs []manifest.Rendered
	seen := map[string]int{} // objects per template and kind so far
	for _, doc := range splitYAML(rendered) {
		source := ""
		body := doc
		if first, rest, ok := strings.Cut(doc, "\n"); ok && strings.HasPrefix(first, "# Source: ") {
			source, body = strings.TrimPrefix(first, "# Source: "), rest
		}
		if strings.TrimSpace(stripComments(body)) == "" {
			continue
		}
		doc := manifest.Rendered{File: path, Data: []byte(body)}
		if source != "" {
			file := chartFile(path, name, source)
			var meta struct {
				Kind     string `yaml:"kind"`
				Metadata struct {
					Name string `yaml:"name"`
				} `yaml:"metadata"`
			}
			_ = yaml.Unmarshal([]byte(body), &meta) // a document that does not parse is the check's to report
			key := file + "\x00" + meta.Kind
			doc = place(file, meta.Kind, meta.Metadata.Name, seen[key], []byte(body), nil)
			seen[key]++
		}
		docs = append(docs, doc)
	}
	return docs, nil
}
