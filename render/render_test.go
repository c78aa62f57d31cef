package render

import (
	"context"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/prodready/prodready/pkg/engine"
	"github.com/prodready/prodready/pkg/manifest"
	"github.com/prodready/prodready/pkg/policy"
)

func TestDetect(t *testing.T) {
	dir := t.TempDir()
	for name, want := range map[string]Kind{"kustomization.yaml": Overlay, "kustomization.yml": Overlay, "Kustomization": Overlay} {
		sub := filepath.Join(dir, strings.ReplaceAll(name, ".", "-"))
		if err := os.MkdirAll(sub, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(sub, name), []byte("resources: []\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if got := Detect(sub); got != want {
			t.Errorf("a directory with %s: %v, want %v", name, got, want)
		}
	}
	archive := filepath.Join(dir, "web-0.1.0.tgz")
	if err := os.WriteFile(archive, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]Kind{
		"testdata/web": Chart, archive: Chart, "testdata/overlay/prod": Overlay,
		"../testdata/overlays/metrics-server/manifests/components/autoscale": Component,
		"testdata/web/templates": None, "testdata/web/values.yaml": None, "testdata/missing": None,
	} {
		if got := Detect(path); got != want {
			t.Errorf("Detect(%s) = %v, want %v", path, got, want)
		}
	}
}

// object is what a test reads of a rendered document.
type object struct {
	Kind     string `json:"kind"`
	Metadata struct {
		Name      string `json:"name"`
		Namespace string `json:"namespace"`
	} `json:"metadata"`
	Spec map[string]any `json:"spec"`
}

func objects(t *testing.T, docs []manifest.Rendered) map[string]object {
	t.Helper()
	out := map[string]object{}
	for _, d := range docs {
		var o object
		if err := yaml.Unmarshal(d.Data, &o); err != nil {
			t.Fatalf("%s: %v\n%s", d.File, err, d.Data)
		}
		out[o.Kind+"/"+o.Metadata.Name+" "+d.File+":"+strconv.Itoa(d.Line)] = o
	}
	return out
}

func keys(m map[string]object) []string { return slices.Sorted(maps.Keys(m)) }

// A chart renders as helm template renders it: templates and hooks but
// not tests, each object named by its template and the line it starts on
// there (after the template's {{ if }} for the Deployment, the second
// document for the Service).
func TestChartRendersAtTheTemplatesLines(t *testing.T) {
	docs, err := RenderChart(context.Background(), "testdata/web", HelmOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got := objects(t, docs)
	want := []string{
		"Deployment/release-name-web testdata/web/templates/deployment.yaml:2",
		"Job/release-name-migrate testdata/web/templates/migrate.yaml:2",
		"Service/release-name-web testdata/web/templates/deployment.yaml:19",
	}
	if !reflect.DeepEqual(keys(got), want) {
		t.Errorf("rendered %v, want %v", keys(got), want)
	}
}

// Release name, namespace, values files, --set and the Kubernetes version
// reach the templates as helm template's flags do.
func TestChartSettings(t *testing.T) {
	values := filepath.Join(t.TempDir(), "prod.yaml")
	if err := os.WriteFile(values, []byte("image: nginx:1.28\nreplicas: 5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	docs, err := RenderChart(context.Background(), "testdata/web", HelmOptions{
		ReleaseName: "shop", Namespace: "prod", ValueFiles: []string{values}, Values: []string{"replicas=3"}, KubeVersion: "1.29.0",
	})
	if err != nil {
		t.Fatal(err)
	}
	got := objects(t, docs)
	dep, job := got["Deployment/shop-web testdata/web/templates/deployment.yaml:2"], got["Job/shop-migrate testdata/web/templates/migrate.yaml:2"]
	if dep.Spec["replicas"] != float64(3) || job.Metadata.Namespace != "prod" {
		t.Errorf("--set replicas=3 over the file's 5 and namespace prod: got %v, %+v", dep.Spec["replicas"], job.Metadata)
	}
	if strings.Contains(string(docs[0].Data)+string(docs[1].Data)+string(docs[2].Data), "SIDECARS") {
		t.Error("Kubernetes 1.29 rendered what the chart keeps for 1.30 and later")
	}
	docs, err = RenderChart(context.Background(), "testdata/web", HelmOptions{Values: []string{"replicas=0"}, KubeVersion: "1.31.0"})
	if err != nil {
		t.Fatal(err)
	}
	got = objects(t, docs)
	if _, ok := got["Deployment/release-name-web testdata/web/templates/deployment.yaml:2"]; ok || len(got) != 2 {
		t.Errorf("replicas=0 renders no Deployment: got %v", keys(got))
	}
	if !strings.Contains(string(docs[0].Data)+string(docs[1].Data), "SIDECARS") {
		t.Error("Kubernetes 1.31 did not render what the chart has for 1.30 and later")
	}
	if _, err := RenderChart(context.Background(), "testdata/web", HelmOptions{KubeVersion: "one"}); err == nil {
		t.Error("a Kubernetes version that is not one: no error")
	}
}

// What stops a chart is an input error that says where and what to do.
func TestChartErrors(t *testing.T) {
	for _, tc := range []struct {
		path, file string
		line       int
		says       []string
	}{
		{"testdata/needs-dep", "testdata/needs-dep", 0, []string{"redis", "charts/", "helm dependency build"}},
		{"testdata/broken", "testdata/broken/templates/configmap.yaml", 6, []string{"region is required"}},
	} {
		_, err := RenderChart(context.Background(), tc.path, HelmOptions{})
		var e *manifest.Error
		if !errors.As(err, &e) || e.File != tc.file || e.Line != tc.line {
			t.Errorf("%s: %v, want an input error at %s:%d", tc.path, err, tc.file, tc.line)
			continue
		}
		for _, s := range tc.says {
			if !strings.Contains(err.Error(), s) {
				t.Errorf("%s: %q does not say %q", tc.path, err, s)
			}
		}
	}
}

// An overlay builds as kustomize build builds it (its base, its prefix,
// its patch), each object named by the file it was read from.
func TestOverlay(t *testing.T) {
	docs, err := RenderOverlay(context.Background(), "testdata/overlay/prod")
	if err != nil {
		t.Fatal(err)
	}
	got := objects(t, docs)
	dep, ok := got["Deployment/prod-api testdata/overlay/base/deployment.yaml:1"]
	if !ok || len(got) != 1 {
		t.Fatalf("rendered %v, want the base's Deployment named prod-api", keys(got))
	}
	if dep.Spec["replicas"] != float64(3) {
		t.Errorf("the patch's replicas: %v", dep.Spec["replicas"])
	}
	if strings.Contains(string(docs[0].Data), "config.kubernetes.io") {
		t.Errorf("build metadata left in:\n%s", docs[0].Data)
	}
}

func TestRemoteBasesAreRefused(t *testing.T) {
	_, err := RenderOverlay(context.Background(), "testdata/remote")
	var e *manifest.Error
	if !errors.As(err, &e) || e.File != "testdata/remote/kustomization.yaml" || !strings.Contains(err.Error(), "fetches nothing") {
		t.Errorf("%v, want an input error naming the kustomization", err)
	}
}

// Rendered lines map to the template's lines that write them as they are,
// in order; lines that come out of expressions map to none.
func TestAlign(t *testing.T) {
	d := document{start: 10, lines: strings.Split(`apiVersion: v1
kind: Pod
metadata:
  name: {{ .Release.Name }}
spec:
  containers:
    - name: app
      image: {{ .Values.image }}
    - name: sidecar
      image: busybox`, "\n")}
	rendered := strings.Split(`apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - image: nginx
    name: app
  - image: busybox
    name: sidecar`, "\n")
	want := []int{10, 11, 12, 0, 14, 15, 0, 16, 19, 18}
	if got := align(d, rendered); !reflect.DeepEqual(got, want) {
		t.Errorf("align: %v, want %v", got, want)
	}
}

// A component alone renders nothing: a walk reports it skipped and reads
// none of its files; the overlays that list it build it.
func TestComponentIsSkipped(t *testing.T) {
	res := manifest.Load(context.Background(), []string{"../testdata/overlays/metrics-server/manifests"}, manifest.Options{Renderer: Renderer{}})
	if len(res.Errors) > 0 {
		t.Fatal(res.Errors)
	}
	if len(res.Skipped) != 1 || !strings.HasSuffix(res.Skipped[0].File, "components/autoscale") || !strings.Contains(res.Skipped[0].Reason, "Component") {
		t.Errorf("skipped %+v, want the component no overlay lists", res.Skipped)
	}
	overlays := map[string]bool{}
	for _, o := range res.Objects {
		if o.Kind == "Deployment" {
			overlays[o.File] = true
		}
	}
	if len(res.Objects) != 48 || len(overlays) != 1 {
		t.Errorf("%d objects, Deployments from %v: want the 5 overlays' 48 objects, their Deployments from the base", len(res.Objects), overlays)
	}
}

// lineOf is the line of file that reads text, trailing blanks aside.
func lineOf(t *testing.T, file, text string) int {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range strings.Split(string(data), "\n") {
		if strings.TrimRight(l, " \t") == text {
			return i + 1
		}
	}
	t.Fatalf("%s has no line %q", file, text)
	return 0
}

// On real charts and overlays (testdata/charts, testdata/overlays), the
// findings land on the lines a person edits: the template's line of the
// field, the base's, or the object's line when the field comes from an
// expression, with the values it read.
func TestPositionsOnRealInputs(t *testing.T) {
	eng, err := engine.New(engine.WithProfile(policy.Strict))
	if err != nil {
		t.Fatal(err)
	}
	chart := "../testdata/charts/metrics-server/templates/deployment.yaml"
	base := "../testdata/overlays/metrics-server/manifests/base/deployment.yaml"
	rollout := "../testdata/overlays/argo-rollouts/kustomize/example/rollouts-demo.yaml"
	res, err := eng.Check(context.Background(), []string{
		"../testdata/charts/metrics-server", "../testdata/overlays/metrics-server/manifests/overlays/release-ha", "../testdata/overlays/argo-rollouts",
	}, manifest.Options{Renderer: Renderer{}})
	if err != nil {
		t.Fatal(err)
	}
	type at struct {
		file string
		line int
		note string
	}
	got := map[string]at{}
	for _, f := range res.Findings {
		note := ""
		if m := origin.FindString(f.Message); m != "" {
			note = m
		}
		got[f.Rule+" "+f.Object.Name] = at{f.File, f.Line, note}
	}
	for key, want := range map[string]at{
		"memory-limit-missing release-name-metrics-server":  {chart, lineOf(t, chart, "          resources:"), ""},
		"startup-probe-missing release-name-metrics-server": {chart, lineOf(t, chart, "        - name: metrics-server"), ""},
		"single-replica release-name-metrics-server":        {chart, lineOf(t, chart, "apiVersion: apps/v1"), " (spec.replicas: from values replicas)"},
		"memory-limit-missing metrics-server":               {base, lineOf(t, base, "        resources:"), ""},
		"single-replica my-rollouts-demo":                   {rollout, lineOf(t, rollout, "spec:"), ""},
	} {
		if got[key] != want {
			t.Errorf("%s at %+v, want %+v", key, got[key], want)
		}
	}
	// kustomize writes a container's keys sorted: its findings land on
	// its first one there, inside the container's lines in the base.
	first, next := lineOf(t, rollout, "      - name: rollouts-demo"), lineOf(t, rollout, "        ports:")
	if l := got["readiness-probe-missing my-rollouts-demo"].line; l < first || l > next {
		t.Errorf("readiness-probe-missing on the rollout at line %d, not within its container (lines %d to %d)", l, first, next)
	}
}

// A chart whose dependency is an archive in charts/, with a subchart and a
// library chart of its own: the umbrella's objects land on its templates,
// the packaged subcharts' on the archive.
func TestChartWithPackagedSubcharts(t *testing.T) {
	docs, err := RenderChart(context.Background(), "../testdata/charts/gke-kafka", HelmOptions{})
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]int{}
	for _, d := range docs {
		files[d.File]++
	}
	archive := "../testdata/charts/gke-kafka/charts/kafka-20.0.6.tgz"
	// The archive checked on its own (with its own values) is named by it.
	alone, err := RenderChart(context.Background(), archive, HelmOptions{})
	if err != nil || len(alone) == 0 {
		t.Fatalf("the archive alone: %d documents, %v", len(alone), err)
	}
	for _, d := range alone {
		if d.File != archive {
			t.Errorf("the archive alone: a document named %q", d.File)
		}
	}
	if files[archive] != 16 || files["../testdata/charts/gke-kafka/templates/protectedapplications.yaml"] != 2 {
		t.Errorf("documents by file %v: want kafka's and zookeeper's 16 on the archive", files)
	}
}
