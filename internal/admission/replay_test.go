package admission

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/prodready/prodready/internal/enginetest"
	"github.com/prodready/prodready/internal/lookup"
	"github.com/prodready/prodready/pkg/bundle"
	"github.com/prodready/prodready/pkg/bundle/gatekeeper"
	"github.com/prodready/prodready/pkg/config"
	"github.com/prodready/prodready/pkg/engine"
	"github.com/prodready/prodready/pkg/manifest"
	"github.com/prodready/prodready/pkg/policy"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

// bundleDir is the Gatekeeper bundle as the README installs it.
const bundleDir = "../../bundles/gatekeeper"

// app is what one `kubectl apply -f` sends: the objects of its files, in
// file name order and, in a file, in document order.
type app struct {
	name string
	objs []*unstructured.Unstructured
}

// order is a way users apply an application's objects.
type order struct {
	name string
	sort func([]*unstructured.Unstructured) []*unstructured.Unstructured
	// lag is how many of the objects applied just before one are not yet
	// in Gatekeeper's sync cache when it is reviewed.
	lag int
}

var orders = []order{
	{name: "file name order", sort: slices.Clone[[]*unstructured.Unstructured]},
	{name: "reverse file order", sort: func(objs []*unstructured.Unstructured) []*unstructured.Unstructured {
		out := slices.Clone(objs)
		slices.Reverse(out)
		return out
	}},
	{name: "Helm install order", sort: helmInstallOrder},
	{name: "budgets and autoscalers first", sort: func(objs []*unstructured.Unstructured) []*unstructured.Unstructured {
		return partition(objs, true)
	}},
	{name: "budgets and autoscalers last", sort: func(objs []*unstructured.Unstructured) []*unstructured.Unstructured {
		return partition(objs, false)
	}},
	{name: "cache lagging one object", sort: slices.Clone[[]*unstructured.Unstructured], lag: 1},
}

// companions are the kinds that protect or scale a workload: applied
// before or after it, they must never decide whether it is admitted.
var companions = map[string]bool{
	"PodDisruptionBudget": true, "HorizontalPodAutoscaler": true,
	"VerticalPodAutoscaler": true, "ScaledObject": true,
}

// partition puts the companions first (or last), keeping file order within each part.
func partition(objs []*unstructured.Unstructured, first bool) []*unstructured.Unstructured {
	var comp, rest []*unstructured.Unstructured
	for _, o := range objs {
		if companions[o.GetKind()] {
			comp = append(comp, o)
		} else {
			rest = append(rest, o)
		}
	}
	if first {
		return append(comp, rest...)
	}
	return append(rest, comp...)
}

// helmKinds is the order Helm installs kinds in (InstallOrder in
// helm.sh/helm's pkg/release/util/kind_sorter.go).
var helmKinds = []string{
	"PriorityClass", "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange",
	"PodSecurityPolicy", "PodDisruptionBudget", "ServiceAccount", "Secret",
	"SecretList", "ConfigMap", "StorageClass", "PersistentVolume",
	"PersistentVolumeClaim", "CustomResourceDefinition", "ClusterRole",
	"ClusterRoleList", "ClusterRoleBinding", "ClusterRoleBindingList", "Role",
	"RoleList", "RoleBinding", "RoleBindingList", "Service", "DaemonSet", "Pod",
	"ReplicationController", "ReplicaSet", "Deployment", "HorizontalPodAutoscaler",
	"StatefulSet", "Job", "CronJob", "IngressClass", "Ingress", "APIService",
	"MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
}

// helmInstallOrder sorts as Helm does: known kinds in helmKinds order,
// then unknown kinds by name, stable otherwise.
func helmInstallOrder(objs []*unstructured.Unstructured) []*unstructured.Unstructured {
	out := slices.Clone(objs)
	rank := func(kind string) int {
		if i := slices.Index(helmKinds, kind); i >= 0 {
			return i
		}
		return len(helmKinds)
	}
	slices.SortStableFunc(out, func(a, b *unstructured.Unstructured) int {
		ra, rb := rank(a.GetKind()), rank(b.GetKind())
		if ra == len(helmKinds) && rb == len(helmKinds) {
			return strings.Compare(a.GetKind(), b.GetKind())
		}
		return cmp.Compare(ra, rb)
	})
	return out
}

// verdict is one rule's verdict on one object at one enforcement point.
type verdict struct {
	Rule, Object, Action, Msg string
}

func (v verdict) String() string {
	return fmt.Sprintf("%s %s %s: %s", v.Action, v.Rule, v.Object, v.Msg)
}

func ref(o *unstructured.Unstructured) string {
	return engine.ObjectRef{Kind: o.GetKind(), Namespace: o.GetNamespace(), Name: o.GetName()}.String()
}

func verdicts(o *unstructured.Unstructured, vs []Violation) []verdict {
	out := make([]verdict, len(vs))
	for i, v := range vs {
		out[i] = verdict{v.Rule, ref(o), v.Action, v.Msg}
	}
	return out
}

// loaded is one object read from a file, and the file.
type loaded struct {
	file string
	obj  *unstructured.Unstructured
}

// created are the objects under paths (in Load's order: file, document,
// List item) as the API server would hold them: namespaced objects without
// a namespace in "default" (kubectl's namespace when none is set), objects
// named by generateName given a name; objects with no name (unnamed, as
// file:line) are left out, and an object defined twice (again, by identity)
// is one object in a cluster, so only its first definition is kept.
type created struct {
	objs           []loaded
	unnamed, again []string
}

func loadObjects(paths ...string) (created, error) {
	res := manifest.Load(context.Background(), paths, manifest.Options{})
	cluster := map[string]bool{}
	for _, k := range lookup.ClusterScopedKinds() {
		cluster[k] = true
	}
	var out created
	seen := map[string]bool{}
	for _, obj := range res.Objects {
		data, err := json.Marshal(obj.Content())
		if err != nil {
			return out, err
		}
		u := &unstructured.Unstructured{}
		if err := u.UnmarshalJSON(data); err != nil {
			return out, fmt.Errorf("%s:%d: %w", obj.File, obj.Line, err)
		}
		// The API server names an object from its generateName before
		// validating webhooks see it, and refuses one without either.
		if u.GetName() == "" && u.GetGenerateName() != "" {
			u.SetName(u.GetGenerateName() + "replay")
		}
		if u.GetName() == "" {
			out.unnamed = append(out.unnamed, fmt.Sprintf("%s:%d", obj.File, obj.Line))
			continue
		}
		if u.GetNamespace() == "" && !cluster[u.GetKind()] {
			u.SetNamespace("default")
		}
		id := u.GetAPIVersion() + " " + ref(u)
		if seen[id] {
			out.again = append(out.again, id)
			continue
		}
		seen[id] = true
		out.objs = append(out.objs, loaded{file: obj.File, obj: u})
	}
	return out, nil
}

// loadApp reads the files under paths as an application (loadObjects).
func loadApp(t *testing.T, name string, paths ...string) app {
	t.Helper()
	c, err := loadObjects(paths...)
	if err != nil {
		t.Fatal(err)
	}
	for _, at := range c.unnamed {
		t.Logf("%s: %s has no name; the API server refuses it", name, at)
	}
	if len(c.again) > 0 {
		t.Logf("%s: %d objects defined again, of which a cluster holds the first (%s, ...)", name, len(c.again), c.again[0])
	}
	a := app{name: name}
	for _, l := range c.objs {
		a.objs = append(a.objs, l.obj)
	}
	return a
}

// syncSetKinds are the kinds (group/kind) prodready's SyncSet has
// Gatekeeper replicate: the only kinds a cluster's cache holds. The API
// server serves every version of a kind, so the group and kind decide.
func syncSetKinds() (map[string]bool, error) {
	data, err := os.ReadFile(filepath.Join(bundleDir, "sync", "syncset.yaml"))
	if err != nil {
		return nil, err
	}
	var set struct {
		Spec struct {
			GVKs []struct{ Group, Kind string } `json:"gvks"`
		} `json:"spec"`
	}
	if err := yaml.Unmarshal(data, &set); err != nil {
		return nil, err
	}
	kinds := map[string]bool{}
	for _, g := range set.Spec.GVKs {
		kinds[g.Group+"/"+g.Kind] = true
	}
	if len(kinds) == 0 {
		return nil, fmt.Errorf("the SyncSet replicates nothing")
	}
	return kinds, nil
}

func groupKind(o *unstructured.Unstructured) string {
	return o.GroupVersionKind().Group + "/" + o.GetKind()
}

// syncedKinds reports whether Gatekeeper's sync replicates objects of obj's kind.
func syncedKinds(t *testing.T) func(*unstructured.Unstructured) bool {
	t.Helper()
	kinds, err := syncSetKinds()
	if err != nil {
		t.Fatal(err)
	}
	return func(o *unstructured.Unstructured) bool { return kinds[groupKind(o)] }
}

var (
	clusterOnce sync.Once
	shared      *Cluster
	sharedErr   error
)

// cluster is the bundle loaded once for every test: compiling its
// templates takes seconds. Tests that use it do not run in parallel and
// leave its cache empty.
func cluster(t *testing.T) *Cluster {
	t.Helper()
	clusterOnce.Do(func() { shared, sharedErr = New(context.Background(), bundleDir) })
	if sharedErr != nil {
		t.Fatal(sharedErr)
	}
	return shared
}

// replay applies objs one by one: each is reviewed by the webhook, then
// synced (if its kind is) once lag later objects have been reviewed. It
// returns the verdicts of every review, and leaves every object synced.
func replay(t *testing.T, c *Cluster, objs []*unstructured.Unstructured, lag int, sync func(*unstructured.Unstructured) bool) []verdict {
	t.Helper()
	ctx := context.Background()
	var out []verdict
	var pending []*unstructured.Unstructured
	flush := func(keep int) {
		for len(pending) > keep {
			if sync(pending[0]) {
				if err := c.Sync(ctx, pending[0]); err != nil {
					t.Fatalf("syncing %s: %v", ref(pending[0]), err)
				}
			}
			pending = pending[1:]
		}
	}
	for _, o := range objs {
		vs, err := c.Admit(ctx, o)
		if err != nil {
			t.Fatalf("reviewing %s: %v", ref(o), err)
		}
		out = append(out, verdicts(o, vs)...)
		pending = append(pending, o)
		flush(lag)
	}
	flush(0)
	return out
}

// audit reviews every object of the fully synced application as
// Gatekeeper's audit does.
func audit(t *testing.T, c *Cluster, objs []*unstructured.Unstructured) []verdict {
	t.Helper()
	var out []verdict
	for _, o := range objs {
		vs, err := c.Audit(context.Background(), o)
		if err != nil {
			t.Fatalf("auditing %s: %v", ref(o), err)
		}
		out = append(out, verdicts(o, vs)...)
	}
	return out
}

// forget empties the cache for the next application.
func forget(t *testing.T, c *Cluster, objs []*unstructured.Unstructured, sync func(*unstructured.Unstructured) bool) {
	t.Helper()
	for _, o := range objs {
		if sync(o) {
			if err := c.Forget(context.Background(), o); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// sdk is what `prodready check` reports on the application's objects with
// the bundle's profile: every finding, as a verdict at its enforcement.
func sdk(t *testing.T, eng *engine.Engine, objs []*unstructured.Unstructured) []verdict {
	t.Helper()
	in := make([]*manifest.Object, len(objs))
	for i, o := range objs {
		obj, err := manifest.FromMap(o.Object)
		if err != nil {
			t.Fatal(err)
		}
		in[i] = obj
	}
	res, err := eng.Evaluate(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]verdict, len(res.Findings))
	for i, f := range res.Findings {
		out[i] = verdict{f.Rule, f.Object.String(), f.Enforcement, f.Rule + ": " + f.Message}
	}
	return out
}

// apps are the applications replayed: every folder of examples/ and every
// project of the real-world corpora.
func apps(t *testing.T) []app {
	t.Helper()
	root, err := enginetest.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	examples := filepath.Join(root, "examples")
	var out []app
	dirs, err := os.ReadDir(examples)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		// examples/sdk holds Go programs; team-overrides needs its team's rules.
		if d.IsDir() && d.Name() != "sdk" && d.Name() != "team-overrides" {
			out = append(out, loadApp(t, "examples/"+d.Name(), filepath.Join(examples, d.Name())))
		}
	}
	// In a corpus, each directory of manifests is one `kubectl apply -f dir`.
	for _, c := range enginetest.Corpora(t) {
		err := filepath.WalkDir(c.Dir, func(dir string, d fs.DirEntry, err error) error {
			if err != nil || !d.IsDir() {
				return err
			}
			files, _ := filepath.Glob(filepath.Join(dir, "*.y*ml"))
			json, _ := filepath.Glob(filepath.Join(dir, "*.json"))
			if files = append(files, json...); len(files) > 0 {
				rel, _ := filepath.Rel(c.Dir, dir)
				if a := loadApp(t, c.Name+"/"+rel, files...); len(a.objs) > 0 {
					out = append(out, a)
				}
			}
			return nil
		})
		if err != nil {
			t.Logf("no corpus %s: %v", c.Name, err)
		}
	}
	return out
}

func builtinEngine(t *testing.T) *engine.Engine {
	t.Helper()
	eng, err := engine.New(engine.WithProfile(policy.Baseline))
	if err != nil {
		t.Fatal(err)
	}
	return eng
}

// judge replays the application objs in the order applied, the cache lag
// objects behind, and holds c to the SDK's verdicts on it (want):
// single-object rules judge at admission exactly as the SDK does, rules that
// read other objects only warn there, and the audit of the synced
// application equals want. It leaves the cache empty.
func judge(t *testing.T, c *Cluster, objs, applied []*unstructured.Unstructured, lag int, want []verdict, cross map[string]bool, sync func(*unstructured.Unstructured) bool) {
	t.Helper()
	defer forget(t, c, objs, sync)
	got := replay(t, c, applied, lag, sync)
	for _, v := range got {
		if cross[v.Rule] && v.Action != "warn" {
			t.Errorf("a rule that reads other objects must only warn at admission: %s", v)
		}
	}
	single := func(vs []verdict) []verdict {
		return slices.DeleteFunc(slices.Clone(vs), func(v verdict) bool { return cross[v.Rule] })
	}
	if d := enginetest.Diff(single(got), single(want)); len(d) > 0 {
		t.Errorf("the webhook's single-object verdicts differ from the SDK's:\n%s", strings.Join(d, "\n"))
	}
	if d := enginetest.Diff(audit(t, c, objs), want); len(d) > 0 {
		t.Errorf("the audit of the synced application differs from the SDK:\n%s", strings.Join(d, "\n"))
	}
}

// TestReplayedAppliesAreJudgedAsByTheSDK replays every application in
// every order users apply in, and holds the webhook to this: single-object
// rules deny and warn exactly where `prodready check` reports them on the
// whole application, whatever was synced before; rules that read other
// objects only warn (the cache lags, so they cannot refuse a good
// application); and once everything is synced, the audit reports exactly
// the SDK's findings.
func TestReplayedAppliesAreJudgedAsByTheSDK(t *testing.T) {
	c := cluster(t)
	eng := builtinEngine(t)
	cross := enginetest.CrossObject(eng)
	sync := syncedKinds(t)
	for _, a := range apps(t) {
		t.Run(a.name, func(t *testing.T) {
			want := sdk(t, eng, a.objs)
			for _, o := range orders {
				t.Run(o.name, func(t *testing.T) {
					judge(t, c, a.objs, o.sort(a.objs), o.lag, want, cross, sync)
				})
			}
			denied := 0
			for _, v := range want {
				if v.Action == "deny" && !cross[v.Rule] {
					denied++
				}
			}
			t.Logf("%d objects, %d findings, %d denials at admission", len(a.objs), len(want), denied)
		})
	}
}

// TestBudgetAfterItsWorkloadWarns replays examples/good in file order, each
// file a Deployment then its PodDisruptionBudget: the webhook reviews each
// Deployment before its budget is synced. The shipped bundle warns there;
// a configuration that asks pdb-missing to deny at admission refuses these
// good applications, the failure the default avoids.
func TestBudgetAfterItsWorkloadWarns(t *testing.T) {
	root, err := enginetest.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	good := loadApp(t, "examples/good", filepath.Join(root, "examples", "good"))
	sync := syncedKinds(t)
	var deployments []string
	for _, o := range good.objs {
		if o.GetKind() == "Deployment" {
			deployments = append(deployments, ref(o))
		}
	}
	if len(deployments) == 0 {
		t.Fatal("examples/good has no Deployment")
	}
	pdbMissing := func(t *testing.T, c *Cluster) map[string]string {
		t.Helper()
		defer forget(t, c, good.objs, sync)
		actions := map[string]string{}
		for _, v := range replay(t, c, good.objs, 0, sync) {
			if v.Rule == "pdb-missing" {
				actions[v.Object] = v.Action
			} else {
				t.Errorf("a good application gets %s", v)
			}
		}
		return actions
	}

	t.Run("shipped bundle", func(t *testing.T) {
		got := pdbMissing(t, cluster(t))
		for _, d := range deployments {
			if got[d] != "warn" {
				t.Errorf("%s, reviewed before its budget is synced: pdb-missing %q, want warn", d, got[d])
			}
		}
	})

	t.Run("admission: deny", func(t *testing.T) {
		set := enginetest.Builtin(t)
		cfg, err := config.Parse(".prodready.yaml", []byte("rules:\n  pdb-missing:\n    admission: deny\n"), set)
		if err != nil {
			t.Fatal(err)
		}
		got := pdbMissing(t, built(t, bundle.Options{Set: set, Config: cfg}, ""))
		for _, d := range deployments {
			if got[d] != "deny" {
				t.Errorf("%s: pdb-missing %q, want deny as configured", d, got[d])
			}
		}
	})
}

// built loads the Gatekeeper bundle opts and gatekeeperVersion build.
func built(t *testing.T, opts bundle.Options, gatekeeperVersion string) *Cluster {
	t.Helper()
	files, err := gatekeeper.Build(opts, gatekeeperVersion)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := files.Write(dir); err != nil {
		t.Fatal(err)
	}
	c, err := New(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestOlderGatekeeperBuildReplays replays the examples in file order
// through the build for Gatekeeper 3.16 (Rego v0 templates, no scoped
// actions): it judges as the SDK does, except that rules reading other
// objects warn everywhere, in audit too.
func TestOlderGatekeeperBuildReplays(t *testing.T) {
	c := built(t, bundle.Options{}, "3.16")
	eng := builtinEngine(t)
	cross := enginetest.CrossObject(eng)
	sync := syncedKinds(t)
	for _, a := range apps(t) {
		if !strings.HasPrefix(a.name, "examples/") {
			continue
		}
		t.Run(a.name, func(t *testing.T) {
			want := sdk(t, eng, a.objs)
			for i, v := range want {
				if cross[v.Rule] {
					want[i].Action = "warn"
				}
			}
			judge(t, c, a.objs, a.objs, 0, want, cross, sync)
		})
	}
}

// A bundle directory without templates or constraints is an error, not a
// cluster that admits everything.
func TestNewRefusesAnEmptyBundle(t *testing.T) {
	for _, dir := range []string{t.TempDir(), filepath.Join(t.TempDir(), "missing")} {
		if _, err := New(context.Background(), dir); err == nil {
			t.Errorf("New(%s): no error", dir)
		}
	}
}
