package render

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"helm.sh/helm/v4/pkg/action"
	"helm.sh/helm/v4/pkg/chart"
	"helm.sh/helm/v4/pkg/chart/common"
	"helm.sh/helm/v4/pkg/chart/loader"
	"helm.sh/helm/v4/pkg/cli/values"
	"helm.sh/helm/v4/pkg/getter"
	release "helm.sh/helm/v4/pkg/release/v1"
	"sigs.k8s.io/yaml"

	"github.com/prodready/prodready/pkg/manifest"
)

var errNothingToRender = errors.New("neither a Helm chart nor a kustomize overlay")

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
func RenderChart(ctx context.Context, path string, opts HelmOptions) ([]manifest.Rendered, error) {
	inst := action.NewInstall(action.NewConfiguration())
	inst.DryRunStrategy = action.DryRunClient
	inst.Replace = true
	inst.ReleaseName = cmpOr(opts.ReleaseName, "release-name")
	inst.Namespace = cmpOr(opts.Namespace, "default")
	inst.APIVersions = common.VersionSet(opts.APIVersions)
	if opts.KubeVersion != "" {
		v, err := common.ParseKubeVersion(opts.KubeVersion)
		if err != nil {
			return nil, fmt.Errorf("Kubernetes version %q: %w", opts.KubeVersion, err)
		}
		inst.KubeVersion = v
	}
	vals, err := (&values.Options{ValueFiles: opts.ValueFiles, Values: opts.Values}).MergeValues(getter.Providers{})
	if err != nil {
		return nil, fmt.Errorf("values: %w", err)
	}
	ch, err := loader.Load(path)
	if err != nil {
		return nil, &manifest.Error{File: path, Err: fmt.Errorf("loading the chart: %w", err)}
	}
	ac, err := chart.NewAccessor(ch)
	if err != nil {
		return nil, &manifest.Error{File: path, Err: err}
	}
	if typ := ac.MetadataAsMap()["Type"]; typ != "" && typ != "application" {
		return nil, &manifest.Error{File: path, Err: fmt.Errorf("a %s chart renders nothing on its own", typ)}
	}
	if deps := ac.MetaDependencies(); len(deps) > 0 {
		if err := action.CheckDependencies(ch, deps); err != nil {
			return nil, &manifest.Error{File: path, Err: fmt.Errorf("%w: put the dependencies in its charts/ directory (helm dependency build %s)", err, path)}
		}
	}
	rel, err := inst.RunWithContext(ctx, ch, vals)
	if err != nil {
		return nil, templateError(path, ac.Name(), err)
	}
	r, ok := rel.(*release.Release)
	if !ok {
		return nil, fmt.Errorf("helm returned a release of type %T", rel)
	}
	var out bytes.Buffer
	out.WriteString(r.Manifest)
	for _, h := range r.Hooks {
		if !slices.Contains(h.Events, release.HookTest) {
			fmt.Fprintf(&out, "\n---\n# Source: %s\n%s\n", h.Path, h.Manifest)
		}
	}
	return bySource(path, ac.Name(), out.String())
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
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
func chartFile(path, name, source string) string {
	rest, ok := strings.CutPrefix(source, name+"/")
	if !ok {
		return filepath.Join(path, filepath.FromSlash(source))
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
		file := path
		line := 0
		var lines []int
		if source != "" {
			file = chartFile(path, name, source)
			var meta struct {
				Kind     string `yaml:"kind"`
				Metadata struct {
					Name string `yaml:"name"`
				} `yaml:"metadata"`
			}
			_ = yaml.Unmarshal([]byte(body), &meta) // a document that does not parse is the check's to report
			key := file + "\x00" + meta.Kind
			line, lines = place(file, meta.Kind, meta.Metadata.Name, seen[key], []byte(body))
			seen[key]++
		}
		docs = append(docs, manifest.Rendered{File: file, Line: line, Data: []byte(body), Lines: lines})
	}
	return docs, nil
}
