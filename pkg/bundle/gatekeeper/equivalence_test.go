package gatekeeper

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prodready/prodready/internal/enginetest"
	"github.com/prodready/prodready/internal/lookup"
	"github.com/prodready/prodready/pkg/bundle"
	"github.com/prodready/prodready/pkg/config"
	"github.com/prodready/prodready/pkg/engine"
	"github.com/prodready/prodready/pkg/manifest"
	"github.com/prodready/prodready/pkg/policy"
)

// gatorFindings runs gator test with the bundle's template and
// constraints on paths and returns the (rule, object) keys it reports, the
// rule as the violation's details name it.
func gatorFindings(t *testing.T, gator, bundleDir string, paths ...string) map[string]bool {
	t.Helper()
	args := []string{"test", "-o", "json", "-f", filepath.Join(bundleDir, "templates"), "-f", filepath.Join(bundleDir, "constraints")}
	for _, p := range paths {
		args = append(args, "-f", p)
	}
	cmd := exec.Command(gator, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	out, err := cmd.Output()
	// Exit status 1 means deny violations; anything else, or no JSON, is an error.
	if exit, ok := err.(*exec.ExitError); err != nil && (!ok || exit.ExitCode() != 1) {
		t.Fatalf("gator test: %v\n%s", err, stderr.String())
	}
	t.Logf("gator test on %d files: %v", len(paths), time.Since(start).Round(time.Millisecond))
	var results []struct {
		Metadata struct {
			Details struct {
				Rule string `json:"rule"`
			} `json:"details"`
		} `json:"metadata"`
		Object struct {
			Kind     string `json:"kind"`
			Metadata struct {
				Namespace string `json:"namespace"`
				Name      string `json:"name"`
			} `json:"metadata"`
		} `json:"violatingObject"`
	}
	if err := json.Unmarshal(out, &results); err != nil {
		t.Fatalf("gator test output: %v\n%s\n%s", err, out, stderr.String())
	}
	keys := map[string]bool{}
	for _, r := range results {
		keys[enginetest.Key(r.Metadata.Details.Rule, r.Object.Kind, r.Object.Metadata.Namespace, r.Object.Metadata.Name)] = true
	}
	return keys
}

// gatorInput splits the files under dir into those both sides read and
// those left out, with the reason. gator aborts the whole run on a document
// that is not a Kubernetes object (no apiVersion or kind: a values file, a
// CI configuration), which the SDK skips; and it reads documents the SDK
// rejects, such as a mapping with a duplicated key (gator keeps the last
// value), so that only gator would review them.
func gatorInput(t *testing.T, dir string) (files []string, excluded map[string]string) {
	t.Helper()
	loaded := manifest.Load(context.Background(), []string{dir}, manifest.Options{})
	excluded = map[string]string{}
	for _, s := range loaded.Skipped {
		if s.Doc > 0 {
			excluded[s.File] = fmt.Sprintf("document %d: %s: gator would abort the whole run", s.Doc, s.Reason)
		}
	}
	for _, e := range loaded.Errors {
		excluded[e.File] = fmt.Sprintf("the SDK rejects document %d (%v), gator would review it", e.Doc, e.Err)
	}
	seen := map[string]bool{}
	for _, obj := range loaded.Objects {
		if _, out := excluded[obj.File]; !out && !seen[obj.File] {
			seen[obj.File] = true
			files = append(files, obj.File)
		}
	}
	return files, excluded
}

// namespaceless returns the keys only one of want and got holds that are
// findings of cross-object rules on namespaced objects given without
// metadata.namespace, and removes them from both. gator cannot tell a
// namespaced kind from a cluster-scoped one, so it files such objects under
// data.inventory.cluster (its docs say to always set the namespace), where
// no rule looks for a PodDisruptionBudget or an autoscaler; the SDK files
// them under the namespace "" of the objects that look them up. In a
// cluster every namespaced object has its namespace: this is gator's limit,
// not Gatekeeper's. Every other finding, on these objects too, must agree.
func namespaceless(want, got map[string]bool, lookups map[string][]string) []string {
	cluster := map[string]bool{}
	for _, k := range lookup.ClusterScopedKinds() {
		cluster[k] = true
	}
	var keys []string
	for _, m := range []map[string]bool{want, got} {
		for key := range m {
			rule, ref, _ := strings.Cut(key, " ")
			parts := strings.Split(ref, "/") // Kind/name: no namespace
			if want[key] != got[key] && len(parts) == 2 && !cluster[parts[0]] && len(lookups[rule]) > 0 {
				keys = append(keys, key)
			}
		}
	}
	for _, key := range keys {
		delete(want, key)
		delete(got, key)
	}
	slices.Sort(keys)
	return keys
}

// duplicated returns the keys only one of want and got holds that are
// findings of cross-object rules looking up a kind of which the input
// defines one object several times (the SDK's duplicate-object warnings)
// in the finding's namespace (in any, for a cluster-scoped kind), and
// removes them from both. The SDK files every one of those objects in
// data.inventory; gator keeps one, as Gatekeeper syncs a cluster, where
// they would be one object. Every other finding must agree.
func duplicated(want, got map[string]bool, lookups map[string][]string, warnings []engine.Warning) []string {
	cluster := map[string]bool{}
	for _, k := range lookup.ClusterScopedKinds() {
		cluster[k] = true
	}
	type scope struct{ kind, namespace string }
	twice := map[scope]bool{}
	for _, w := range warnings {
		twice[scope{w.Object.Kind, w.Object.Namespace}] = true
	}
	var keys []string
	for _, m := range []map[string]bool{want, got} {
		for key := range m {
			if want[key] == got[key] {
				continue
			}
			rule, ref, _ := strings.Cut(key, " ")
			namespace := ""
			if parts := strings.Split(ref, "/"); len(parts) == 3 {
				namespace = parts[1]
			}
			for _, kind := range lookups[rule] {
				if twice[scope{kind, namespace}] || (cluster[kind] && slices.ContainsFunc(warnings, func(w engine.Warning) bool { return w.Object.Kind == kind })) {
					keys = append(keys, key)
					break
				}
			}
		}
	}
	for _, key := range keys {
		delete(want, key)
		delete(got, key)
	}
	slices.Sort(keys)
	return keys
}

// sdkWarnings are the SDK's warnings on the files.
func sdkWarnings(t *testing.T, files ...string) []engine.Warning {
	t.Helper()
	ctx := context.Background()
	e, err := engine.New(engine.WithProfile(policy.Baseline))
	if err != nil {
		t.Fatal(err)
	}
	out, err := e.Evaluate(ctx, manifest.Load(ctx, files, manifest.Options{}).Objects)
	warnings := out.Warnings
	if err != nil {
		t.Fatal(err)
	}
	return warnings
}

// The bundle run by gator reports exactly the SDK's findings.
func TestGatorEquivalence(t *testing.T) {
	gator := enginetest.Binary(t, "gator")
	t.Parallel()
	root, err := enginetest.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	dir := write(t, build(t, policy.Baseline))
	lookups, err := lookup.ByRule(enginetest.Builtin(t))
	if err != nil {
		t.Fatal(err)
	}
	inputs := append([]enginetest.Corpus{{Name: "examples", Dir: filepath.Join(root, "examples")}}, enginetest.Corpora(t)...)
	for _, in := range inputs {
		t.Run(in.Name, func(t *testing.T) {
			if _, err := os.Stat(in.Dir); err != nil {
				t.Skipf("%s: %v", in.Dir, err)
			}
			files, excluded := gatorInput(t, in.Dir)
			for _, f := range slices.Sorted(maps.Keys(excluded)) {
				t.Logf("left out %s: %s", f, excluded[f])
			}
			want := enginetest.SDKFindings(t, policy.Baseline, files...)
			got := gatorFindings(t, gator, dir, files...)
			for _, key := range namespaceless(want, got, lookups) {
				t.Logf("left out %s: a cross-object finding on an object without a namespace, whose neighbours gator files as cluster-scoped", key)
			}
			for _, key := range duplicated(want, got, lookups, sdkWarnings(t, files...)) {
				t.Logf("left out %s: a cross-object finding that looks up a kind the input defines an object of twice, which gator keeps one of", key)
			}
			enginetest.Compare(t, "the SDK", want, "gator", got)
			t.Logf("%d findings", len(want))
		})
	}
}

// Exemptions expire by the clock of the engine that reads them, the same
// in gator as in the SDK; a date that is not a date exempts nothing.
func TestGatorExemptionDates(t *testing.T) {
	gator := enginetest.Binary(t, "gator")
	t.Parallel()
	var src strings.Builder
	for name, until := range map[string]string{"applies": "9999-12-31", "expired": "2020-01-31", "misdated": "2099-02-30"} {
		fmt.Fprintf(&src, `---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: %s
  namespace: shop
  annotations: {prodready.dev/exempt: "memory-request-missing", prodready.dev/exempt-until: %q}
spec:
  template:
    spec: {containers: [{name: app, image: app}]}
`, name, until)
	}
	file := filepath.Join(t.TempDir(), "exempted.yaml")
	if err := os.WriteFile(file, []byte(src.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	want := enginetest.SDKFindings(t, policy.Baseline, file)
	for key, found := range map[string]bool{
		"memory-request-missing Deployment/shop/applies":  false,
		"memory-request-missing Deployment/shop/expired":  true,
		"memory-request-missing Deployment/shop/misdated": true,
		"cpu-request-missing Deployment/shop/applies":     true,
	} {
		if want[key] != found {
			t.Errorf("the SDK reports %s: %v, want %v", key, want[key], found)
		}
	}
	enginetest.Compare(t, "the SDK", want, "gator", gatorFindings(t, gator, write(t, build(t, policy.Baseline)), file))
}

// A team's configuration and rules reach Gatekeeper: gator test with the
// bundle built with them finds what the SDK finds with them, on the team's
// manifests and on every example, and gator verify passes the suites,
// whose counts the configured SDK gave.
func TestGatorEquivalenceWithTeamConfiguration(t *testing.T) {
	gator := enginetest.Binary(t, "gator")
	t.Parallel()
	team := enginetest.TeamOverrides(t)
	files, err := Build(bundle.Options{Set: team.Set, Config: team.Config}, "")
	if err != nil {
		t.Fatal(err)
	}
	dir := write(t, files)
	t.Run("team manifests", func(t *testing.T) {
		want := enginetest.SDKFindingsWith(t, team.Engine, team.Manifests)
		enginetest.Compare(t, "the expect-team lines", team.Expected, "the SDK", want)
		enginetest.Compare(t, "the SDK", want, "gator", gatorFindings(t, gator, dir, team.Manifests))
	})
	t.Run("examples", func(t *testing.T) {
		root, err := enginetest.ModuleRoot()
		if err != nil {
			t.Fatal(err)
		}
		paths, excluded := gatorInput(t, filepath.Join(root, "examples"))
		if len(excluded) > 0 {
			t.Fatalf("examples gator cannot read: %v", excluded)
		}
		want := enginetest.SDKFindingsWith(t, team.Engine, paths...)
		enginetest.Compare(t, "the SDK", want, "gator", gatorFindings(t, gator, dir, paths...))
		t.Logf("%d findings", len(want))
	})
	t.Run("verify", func(t *testing.T) {
		if out, err := exec.Command(gator, "verify", filepath.Join(dir, "suites")+"/...").CombinedOutput(); err != nil {
			t.Fatalf("gator verify: %v\n%s", err, out)
		}
	})
}

// Exemptions Gatekeeper can express go into the constraints' match, the
// others into prodreadyExemptions; either way gator reports what the SDK
// reports with the same configuration.
func TestGatorConfiguredExclusions(t *testing.T) {
	gator := enginetest.Binary(t, "gator")
	t.Parallel()
	off := false
	cfg := &config.Config{
		Rules: map[string]config.Rule{
			"memory-limit-no-headroom": {Parameters: map[string]any{"minRatio": 2}},
			"single-replica":           {Enabled: &off},
			"liveness-probe-missing":   {Severity: policy.Low},
		},
		Exemptions: []config.Exemption{
			{Rules: []string{"memory-request-missing"}, Namespace: "legacy", Reason: "r"},
			{Rules: []string{"*"}, Namespace: "kube-*", Reason: "r"},
			{Rules: []string{"cpu-request-missing"}, Selector: &config.LabelSelector{MatchLabels: map[string]string{"tier": "batch"}}, Reason: "r"},
			{Rules: []string{"*"}, Selector: &config.LabelSelector{MatchExpressions: []config.Requirement{{Key: "legacy", Operator: "Exists"}}}, Reason: "r"},
			{Rules: []string{"memory-limit-missing"}, Name: "web-*", Reason: "r"},
			{Rules: []string{"memory-limit-missing"}, Namespace: "shop", Reason: "r", Expires: "2020-01-01"},
		},
	}
	files, err := Build(bundle.Options{Config: cfg}, "")
	if err != nil {
		t.Fatal(err)
	}
	constraints := enforcedBy(t, files)
	if _, ok := constraints["single-replica"]; ok {
		t.Error("a constraint enforces a disabled rule")
	}
	// What covers every rule is in every constraint's match, the rest of
	// a constraint's rules' exemptions in its parameter.
	wantSelector := &config.LabelSelector{MatchExpressions: []config.Requirement{{Key: "legacy", Operator: "DoesNotExist"}}}
	for _, id := range []string{"memory-request-missing", "cpu-request-missing", "memory-limit-missing"} {
		c := constraints[id]
		if !slices.Equal(c.Spec.Match.ExcludedNamespaces, []string{"kube-*"}) || !reflect.DeepEqual(c.Spec.Match.LabelSelector, wantSelector) {
			t.Errorf("%s: %s matches %+v", id, c.Metadata.Name, c.Spec.Match)
		}
	}
	inRego := func(id string) int {
		n := 0
		rest, _ := constraints[id].Spec.Parameters[ExemptionsParameter].([]any)
		for _, x := range rest {
			if slices.Contains(x.(map[string]any)["rules"].([]any), any(id)) {
				n++
			}
		}
		return n
	}
	for id, want := range map[string]int{"memory-request-missing": 1, "cpu-request-missing": 1, "memory-limit-missing": 2, "readiness-probe-missing": 0} {
		if got := inRego(id); got != want {
			t.Errorf("%s: %d exemptions of it in %s, want %d", id, got, ExemptionsParameter, want)
		}
	}
	if c := constraints["liveness-probe-missing"]; c.Spec.EnforcementAction != "warn" {
		t.Errorf("liveness-probe-missing configured low: enforced by %s, enforcementAction %s", c.Metadata.Name, c.Spec.EnforcementAction)
	}

	var src strings.Builder
	for _, o := range []struct{ name, namespace, labels string }{
		{"a", "legacy", "{}"}, {"b", "kube-dns", "{}"}, {"c", "shop", "{tier: batch}"},
		{"d", "shop", "{legacy: x}"}, {"web-1", "shop", "{tier: web}"}, {"e", "shop", "{}"},
	} {
		fmt.Fprintf(&src, `---
apiVersion: apps/v1
kind: Deployment
metadata: {name: %s, namespace: %s, labels: %s}
spec: {template: {spec: {containers: [{name: app, image: app, resources: {limits: {memory: 1Gi}, requests: {memory: 600Mi}}}]}}}
`, o.name, o.namespace, o.labels)
	}
	file := filepath.Join(t.TempDir(), "objects.yaml")
	if err := os.WriteFile(file, []byte(src.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	want := enginetest.SDKFindingsWith(t, []engine.Option{engine.WithConfig(cfg)}, file)
	for key, found := range map[string]bool{
		"memory-request-missing Deployment/legacy/a": false,
		"cpu-request-missing Deployment/kube-dns/b":  false,
		"cpu-request-missing Deployment/shop/c":      false,
		"cpu-request-missing Deployment/shop/d":      false,
		"memory-limit-no-headroom Deployment/shop/d": false,
		"cpu-request-missing Deployment/shop/e":      true,
		"memory-limit-no-headroom Deployment/shop/e": true,
		"liveness-probe-missing Deployment/shop/e":   true,
		"single-replica Deployment/shop/e":           false,
	} {
		if want[key] != found {
			t.Errorf("the SDK reports %s: %v, want %v", key, want[key], found)
		}
	}
	enginetest.Compare(t, "the SDK", want, "gator", gatorFindings(t, gator, write(t, files), file))
}
