package conftest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"sigs.k8s.io/yaml"

	"github.com/prodready/prodready/internal/enginetest"
	"github.com/prodready/prodready/internal/lookup"
	"github.com/prodready/prodready/pkg/bundle"
	"github.com/prodready/prodready/pkg/bundle/conftest"
	"github.com/prodready/prodready/pkg/engine"
	"github.com/prodready/prodready/pkg/manifest"
	"github.com/prodready/prodready/pkg/policy"
)

func build(t *testing.T, opts bundle.Options) bundle.Files {
	t.Helper()
	files, err := conftest.Build(opts)
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestShipsTheRegoUnchanged: the lib and the enabled rules, byte for byte
// under their own paths; no disabled rule, no test; one generated module.
func TestShipsTheRegoUnchanged(t *testing.T) {
	set := enginetest.Builtin(t)
	files := build(t, bundle.Options{Set: set})
	enabled := map[string]bool{}
	for _, r := range set.Enabled(policy.Baseline) {
		enabled[r.File] = true
	}
	ruleFiles := map[string]bool{}
	for _, r := range set.Rules {
		ruleFiles[r.File] = true
	}
	for name, src := range set.Sources {
		got, shipped := files[path.Join(conftest.PolicyDir, name)]
		switch want := enabled[name] || !ruleFiles[name]; {
		case want && !shipped:
			t.Errorf("%s not shipped", name)
		case !want && shipped:
			t.Errorf("%s shipped, but its rule is not in the baseline profile", name)
		case shipped && string(got) != src:
			t.Errorf("%s shipped changed", name)
		}
	}
	for _, p := range files.Paths() {
		name, inPolicy := strings.CutPrefix(p, conftest.PolicyDir+"/")
		if inPolicy && p != conftest.WrapperFile && set.Sources[name] == "" {
			t.Errorf("%s shipped, not from the library", p)
		}
	}
}

// conftestRule is how Conftest picks the rules it reports: deny*, violation*, warn*.
var conftestRule = regexp.MustCompile(`^(deny|violation|warn)(_[a-zA-Z0-9]+)*$`)

// TestWrapperCompiles compiles the policy directory as Conftest does, and
// checks that only the wrapper declares rules Conftest reports, so that
// --all-namespaces reports each finding once.
func TestWrapperCompiles(t *testing.T) {
	files := build(t, bundle.Options{})
	modules := map[string]*ast.Module{}
	for _, p := range files.Paths() {
		if !strings.HasSuffix(p, ".rego") {
			continue
		}
		mod, err := ast.ParseModuleWithOpts(p, string(files[p]), ast.ParserOptions{RegoVersion: ast.RegoV1, ProcessAnnotation: true})
		if err != nil {
			t.Fatal(err)
		}
		modules[p] = mod
		reports := false
		for _, r := range mod.Rules {
			reports = reports || conftestRule.MatchString(r.Head.Name.String()) || r.Head.Name == "exception"
		}
		if isWrapper := p == conftest.WrapperFile; reports != isWrapper {
			t.Errorf("%s (package %s): declares deny/warn rules: %v", p, mod.Package.Path, reports)
		}
	}
	if got := modules[conftest.WrapperFile].Package.Path.String(); got != "data.main" {
		t.Errorf("wrapper package %s, want data.main (Conftest's default namespace)", got)
	}
	// Strict, as conftest test --strict compiles.
	compiler := ast.NewCompiler().WithStrict(true)
	if compiler.Compile(modules); compiler.Failed() {
		t.Fatal(compiler.Errors)
	}
}

func TestParametersFile(t *testing.T) {
	set := enginetest.Builtin(t)
	files := build(t, bundle.Options{Set: set, Profile: policy.Strict})
	var got struct {
		Lib struct {
			Parameters map[string]map[string]any `json:"parameters"`
		} `json:"lib"`
	}
	if err := yaml.Unmarshal(files[conftest.ParametersFile], &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]map[string]any{}
	for _, r := range set.Enabled(policy.Strict) {
		want[r.ID] = r.Defaults()
	}
	// Compared as JSON: YAML numbers come back as float64.
	if g, w := mustJSON(t, got.Lib.Parameters), mustJSON(t, want); g != w {
		t.Errorf("parameters\n got %s\nwant %s", g, w)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// checkResult is one entry of `conftest test -o json`.
type checkResult struct {
	Filename  string         `json:"filename"`
	Namespace string         `json:"namespace"`
	Failures  []resultRecord `json:"failures"`
	Warnings  []resultRecord `json:"warnings"`
}

type resultRecord struct {
	Msg      string `json:"msg"`
	Metadata struct {
		Rule      string           `json:"rule"`
		Severity  string           `json:"severity"`
		Object    engine.ObjectRef `json:"object"`
		Container string           `json:"container"`
	} `json:"metadata"`
}

func (r resultRecord) key() string {
	o := r.Metadata.Object
	return enginetest.Key(r.Metadata.Rule, o.Kind, o.Namespace, o.Name)
}

// baseline is the baseline bundle, built once for the tests that run it.
var baseline = sync.OnceValues(func() (bundle.Files, error) { return conftest.Build(bundle.Options{}) })

// bundleDir writes the baseline bundle to a temporary directory.
func bundleDir(t *testing.T) string {
	t.Helper()
	files, err := baseline()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := files.Write(dir); err != nil {
		t.Fatal(err)
	}
	return dir
}

// runConftest runs `conftest test -o json` with the bundle in dir and flags
// on paths. Exit code 1 (failures found) is expected; any other error fails.
func runConftest(t *testing.T, dir string, flags []string, paths ...string) []checkResult {
	t.Helper()
	bin := enginetest.Binary(t, "conftest")
	args := append([]string{"test", "--no-color", "-o", "json"}, flags...)
	args = append(args, "--policy", filepath.Join(dir, conftest.PolicyDir), "--data", filepath.Join(dir, conftest.DataDir))
	args = append(args, paths...)
	cmd := exec.Command(bin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	t.Logf("conftest %s: %s", strings.Join(flags, " "), time.Since(start).Round(time.Millisecond))
	var exit *exec.ExitError
	if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 1) {
		t.Fatalf("conftest %v: %v\n%s", args, err, stderr.String())
	}
	var results []checkResult
	if err := json.Unmarshal(stdout.Bytes(), &results); err != nil {
		t.Fatalf("conftest output: %v\n%s", err, stdout.String())
	}
	return results
}

// keys are the (rule, object) keys of every result.
func keys(t *testing.T, results []checkResult) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	for _, cr := range results {
		for _, r := range append(cr.Failures, cr.Warnings...) {
			if r.Metadata.Rule == "" {
				t.Errorf("%s: a result not from a rule: %q", cr.Namespace, r.Msg)
			}
			out[r.key()] = true
		}
	}
	return out
}

func examplesDir(t *testing.T) string {
	t.Helper()
	root, err := enginetest.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(root, "examples")
}

var (
	combine = []string{"--combine"}
	both    = []string{"--all-namespaces", "--combine"}
)

// TestExamples runs Conftest as the bundle's README says on every example
// at once: it finds what the SDK finds, cross-object rules included, and
// only package main reports.
func TestExamples(t *testing.T) {
	t.Parallel()
	examples := examplesDir(t)
	results := runConftest(t, bundleDir(t), both, examples)
	for _, cr := range results {
		if cr.Namespace != "main" && len(cr.Failures)+len(cr.Warnings) > 0 {
			t.Errorf("results from namespace %s", cr.Namespace)
		}
	}
	t.Run("equivalence", func(t *testing.T) {
		enginetest.Compare(t, "the SDK", enginetest.SDKFindings(t, policy.Baseline, examples), "conftest", keys(t, results))
	})
	t.Run("results", func(t *testing.T) {
		checkResults(t, examples, results)
	})
}

// TestEquivalenceOnCorpus runs each real-world corpus (the shared one,
// 610 objects, and testdata/realworld, 992) in Conftest's default
// namespace, main, where every result comes from: --all-namespaces gives
// the same results (TestExamples) but makes Conftest convert the whole
// input once per package of the library, which on a corpus is several
// times slower. Files the SDK finds malformed documents in are left out
// for both: Conftest parses YAML differently (see TestDuplicateKeys).
func TestEquivalenceOnCorpus(t *testing.T) {
	t.Parallel()
	for _, c := range enginetest.Corpora(t) {
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			if _, err := os.Stat(c.Dir); err != nil {
				t.Skipf("no corpus at %s", c.Dir)
			}
			files := wellFormed(t, c.Dir)
			results := runConftest(t, bundleDir(t), combine, files...)
			enginetest.Compare(t, "the SDK", enginetest.SDKFindings(t, policy.Baseline, files...), "conftest", keys(t, results))
		})
	}
}

// wellFormed returns the manifest files under dir in which the SDK finds
// no malformed document, and logs the others.
func wellFormed(t *testing.T, dir string) []string {
	t.Helper()
	loaded := manifest.Load(context.Background(), []string{dir}, manifest.Options{})
	malformed := map[string]bool{}
	for _, e := range loaded.Errors {
		malformed[e.File] = true
		t.Logf("left out: %v", e)
	}
	var files []string
	add := func(file string) {
		if !malformed[file] && !slices.Contains(files, file) {
			files = append(files, file)
		}
	}
	for _, o := range loaded.Objects {
		add(o.File)
	}
	for _, s := range loaded.Skipped {
		add(s.File)
	}
	return files
}

// TestDuplicateKeys pins a difference in reading YAML, not in the rules:
// the SDK reports a document with a key twice as malformed and checks
// nothing in it, while Conftest's parser (sigs.k8s.io/yaml) keeps the last
// value and checks the object. Five files of the corpus are such, three
// of them Deployments that Conftest then reports on.
func TestDuplicateKeys(t *testing.T) {
	t.Parallel()
	doc := `apiVersion: apps/v1
kind: Deployment
metadata: {name: twice, namespace: dup}
spec:
  selector: {matchLabels: {app: a}}
  selector: {matchLabels: {app: twice}}
  template:
    metadata: {labels: {app: twice}}
    spec: {containers: [{name: app, image: app}]}
`
	file := filepath.Join(t.TempDir(), "dup.yaml")
	if err := os.WriteFile(file, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	if loaded := manifest.Load(context.Background(), []string{file}, manifest.Options{}); len(loaded.Errors) != 1 || len(loaded.Objects) != 0 {
		t.Errorf("the SDK reads the document: %d objects, errors %v", len(loaded.Objects), loaded.Errors)
	}
	if got := keys(t, runConftest(t, bundleDir(t), combine, file)); !got[enginetest.Key("memory-request-missing", "Deployment", "dup", "twice")] {
		t.Errorf("conftest does not check the document any more (update the docs): %v", got)
	}
}

// TestDuplicatesAreFiledAsInTheSDK: of two objects of one identity (one
// kind, namespace and name in two files), the cross-object rules see both,
// in Conftest as in the SDK: the HPA targets both Deployments web (one of
// them without requests), and the budget selects the pods of the one
// whose labels it names, whichever file comes first (conftest orders its
// input by the whole path, web-tls/ before web/). testdata/realworld has
// such a pair (gke-samples/quickstarts/hello-app{,-tls}/manifests/helloweb-deployment.yaml).
func TestDuplicatesAreFiledAsInTheSDK(t *testing.T) {
	t.Parallel()
	deployment := `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 3
  selector: {matchLabels: {app: %[1]s}}
  template:
    metadata: {labels: {app: %[1]s}}
    spec: {containers: [{name: app, image: app, resources: %[2]s}]}
`
	hpa := `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 3
  maxReplicas: 10
  metrics: [{type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 60}}}]
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web, namespace: shop}
spec:
  maxUnavailable: 1
  selector: {matchLabels: {app: web}}
`
	dir := t.TempDir()
	for name, src := range map[string]string{
		"web/deployment.yaml":     fmt.Sprintf(deployment, "web", "{requests: {cpu: 100m, memory: 64Mi}}"),
		"web/hpa.yaml":            hpa,
		"web-tls/deployment.yaml": fmt.Sprintf(deployment, "web-tls", "{}"),
	} {
		file := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want := enginetest.SDKFindings(t, policy.Baseline, dir)
	if key := enginetest.Key("hpa-utilization-without-requests", "HorizontalPodAutoscaler", "shop", "web"); !want[key] {
		t.Fatalf("the SDK does not report %s: its HPA does not see web-tls/'s Deployment", key)
	}
	if key := enginetest.Key("pdb-selector-matches-nothing", "PodDisruptionBudget", "shop", "web"); want[key] {
		t.Fatalf("the SDK reports %s: its budget does not see web/'s Deployment", key)
	}
	enginetest.Compare(t, "the SDK", want, "conftest", keys(t, runConftest(t, bundleDir(t), combine, dir)))
}

// crossObject are the IDs of the enabled rules that look other objects up.
func crossObject(t *testing.T) map[string]bool {
	t.Helper()
	lookups, err := lookup.ByRule(enginetest.Builtin(t))
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for id := range lookups {
		ids[id] = true
	}
	return ids
}

// TestWithoutCombine: one document at a time, the rules that judge an
// object alone find what they find in the SDK, and the others stay silent.
func TestWithoutCombine(t *testing.T) {
	t.Parallel()
	examples := examplesDir(t)
	cross := crossObject(t)
	want := map[string]bool{}
	for k := range enginetest.SDKFindings(t, policy.Baseline, examples) {
		if rule, _, _ := strings.Cut(k, " "); !cross[rule] {
			want[k] = true
		}
	}
	if len(want) == 0 {
		t.Fatal("no single-object finding in the examples")
	}
	got := keys(t, runConftest(t, bundleDir(t), nil, examples))
	enginetest.Compare(t, "the SDK (single-object rules)", want, "conftest without --combine", got)
}

// checkResults: critical and high findings are failures, medium and low
// ones warnings, and each result says what the SDK says of the examples:
// the rule, the object, the container and the message, prefixed with the
// rule and the object.
func checkResults(t *testing.T, examples string, results []checkResult) {
	set := enginetest.Builtin(t)

	type verdict struct{ Rule, Object, Container, Msg string }
	got := map[verdict]bool{}
	severities := map[string]map[string]bool{"deny": {}, "warn": {}}
	for _, cr := range results {
		for enforcement, records := range map[string][]resultRecord{"deny": cr.Failures, "warn": cr.Warnings} {
			for _, r := range records {
				m := r.Metadata
				rule, _ := set.Rule(m.Rule)
				if rule.Severity.Enforcement() != enforcement || string(rule.Severity) != m.Severity {
					t.Errorf("%s (severity %s) reported as %s with severity %q", m.Rule, rule.Severity, enforcement, m.Severity)
				}
				severities[enforcement][m.Severity] = true
				got[verdict{m.Rule, m.Object.String() + " " + m.Object.APIVersion, m.Container, r.Msg}] = true
			}
		}
	}
	if !severities["deny"]["high"] || !severities["warn"]["medium"] {
		t.Errorf("want high failures and medium warnings, got %v", severities)
	}

	ctx := context.Background()
	eng, err := engine.New()
	if err != nil {
		t.Fatal(err)
	}
	out, err := eng.Evaluate(ctx, manifest.Load(ctx, []string{examples}, manifest.Options{}).Objects)
	findings := out.All()
	if err != nil {
		t.Fatal(err)
	}
	want := map[verdict]bool{}
	for _, f := range findings {
		if !f.Exempted {
			want[verdict{f.Rule, f.Object.String() + " " + f.Object.APIVersion, f.Container, f.Rule + ": " + f.Object.String() + ": " + f.Message}] = true
		}
	}
	for v := range want {
		if !got[v] {
			t.Errorf("conftest lacks %+v", v)
		}
	}
	for v := range got {
		if !want[v] {
			t.Errorf("conftest has %+v, the SDK does not", v)
		}
	}
}

// edgeCases are documents that are not plain objects: Conftest must read
// them as the SDK does, and not fail on them.
var edgeCases = map[string]string{
	"mixed.yaml": `# a values file
replicaCount: 2
image: {repository: nginx}
---
---
just a string
---
- 1
- 2
---
apiVersion: v1
kind: List
items:
- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: listed, namespace: edge}
  spec:
    replicas: 2
    selector: {matchLabels: {app: listed}}
    template:
      metadata: {labels: {app: listed}}
      spec: {containers: [{name: app, image: app, ports: [{containerPort: 80}]}]}
- notAnObject: true
- apiVersion: v1
  kind: List
  items: []
---
apiVersion: apps/v1
kind: Deployment
metadata: {namespace: edge}
spec:
  template:
    spec: {containers: [{name: unnamed, image: app}]}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: exempted
  namespace: edge
  annotations:
    prodready.dev/exempt: "memory-request-missing, readiness-probe-missing"
spec:
  template:
    spec: {containers: [{name: app, image: app, ports: [{containerPort: 80}]}]}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: exemption-expired
  namespace: edge
  annotations:
    prodready.dev/exempt: "*"
    prodready.dev/exempt-until: "2020-01-31"
spec:
  template:
    spec: {containers: [{name: app, image: app}]}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: exempted-for-ever
  namespace: edge
  annotations:
    prodready.dev/exempt: "*"
    prodready.dev/exempt-until: 9999-12-31
spec:
  template:
    spec: {containers: [{name: app, image: app}]}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: exemption-misdated
  namespace: edge
  annotations:
    prodready.dev/exempt: "*"
    prodready.dev/exempt-until: "2099-02-30"
spec:
  template:
    spec: {containers: [{name: app, image: app}]}
---
apiVersion: v1
kind: ConfigMapList
items: []
---
kind: Deployment
metadata: {name: no-api-version}
---
apiVersion: v1
kind: List
items: not a list
---
apiVersion: v1
kind: Pod
metadata: {name: clusterless}
spec: {containers: [{name: app, image: app}]}
`,
	"array.json": `[
  {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "from-json", "namespace": "edge"},
   "spec": {"replicas": 3, "template": {"metadata": {"labels": {"app": "j"}}, "spec": {"containers": [{"name": "app", "image": "app"}]}}}},
  {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "j", "namespace": "edge"},
   "spec": {"minAvailable": 3, "selector": {"matchLabels": {"app": "j"}}}},
  {"not": "an object"}
]`,
}

func TestDocumentsThatAreNotPlainObjects(t *testing.T) {
	t.Parallel()
	inputs := t.TempDir()
	for name, content := range edgeCases {
		if err := os.WriteFile(filepath.Join(inputs, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	dir := bundleDir(t)
	want := enginetest.SDKFindings(t, policy.Baseline, inputs)
	// The cases the fixture is for: a List item, an object without a name,
	// one outside any namespace, a cross-object finding within a JSON array,
	// exemptions expired or dated with something that is not a date.
	for _, k := range []string{"readiness-probe-missing Deployment/edge/listed", "memory-request-missing Deployment/edge/",
		"memory-request-missing Pod/clusterless", "pdb-blocks-drain PodDisruptionBudget/edge/j",
		"memory-request-missing Deployment/edge/exemption-expired", "memory-request-missing Deployment/edge/exemption-misdated"} {
		if !want[k] {
			t.Errorf("the SDK does not report %s: fix the fixture", k)
		}
	}
	for _, k := range []string{"memory-request-missing Deployment/edge/exempted", "memory-request-missing Deployment/edge/exempted-for-ever"} {
		if want[k] {
			t.Errorf("the SDK reports %s: fix the fixture", k)
		}
	}
	enginetest.Compare(t, "the SDK", want, "conftest --combine", keys(t, runConftest(t, dir, combine, inputs)))

	cross := crossObject(t)
	single := map[string]bool{}
	for k := range want {
		if rule, _, _ := strings.Cut(k, " "); !cross[rule] {
			single[k] = true
		}
	}
	enginetest.Compare(t, "the SDK (single-object rules)", single, "conftest", keys(t, runConftest(t, dir, nil, inputs)))
}

// TestWithoutData: forgetting --data fails the run with a message saying
// so, since the rules that read a parameter would say nothing.
func TestWithoutData(t *testing.T) {
	t.Parallel()
	dir := bundleDir(t)
	if err := os.RemoveAll(filepath.Join(dir, conftest.DataDir)); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, conftest.DataDir), 0o755); err != nil {
		t.Fatal(err)
	}
	results := runConftest(t, dir, combine, filepath.Join(examplesDir(t), "good"))
	found := false
	for _, cr := range results {
		for _, r := range cr.Failures {
			found = found || strings.Contains(r.Msg, "parameters are not loaded")
		}
	}
	if !found {
		t.Errorf("no failure about the missing parameters in %+v", results)
	}
}

// A team's configuration and rules reach Conftest: the bundle built with
// them finds what the SDK finds with them, on the team's manifests and on
// every example, and ships the team's modules under team/.
func TestEquivalenceWithTeamConfiguration(t *testing.T) {
	t.Parallel()
	team := enginetest.TeamOverrides(t)
	files := build(t, bundle.Options{Set: team.Set, Config: team.Config})
	for _, p := range []string{"policy/team/policy/team_label_missing.rego", "policy/team/policy/readiness_probe_missing.rego", conftest.ExemptionsFile} {
		if _, ok := files[p]; !ok {
			t.Errorf("%s not shipped", p)
		}
	}
	if _, ok := files["policy/probes/readiness_probe_missing.rego"]; ok {
		t.Error("the built-in rule the team overrides is shipped too")
	}
	dir := t.TempDir()
	if err := files.Write(dir); err != nil {
		t.Fatal(err)
	}
	for name, paths := range map[string][]string{"team manifests": {team.Manifests}, "examples": {examplesDir(t)}} {
		t.Run(name, func(t *testing.T) {
			want := enginetest.SDKFindingsWith(t, team.Engine, paths...)
			if name == "team manifests" {
				enginetest.Compare(t, "the expect-team lines", team.Expected, "the SDK", want)
			}
			enginetest.Compare(t, "the SDK", want, "conftest", keys(t, runConftest(t, dir, combine, paths...)))
		})
	}
}
