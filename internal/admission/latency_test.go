package admission

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/open-policy-agent/frameworks/constraint/pkg/client/reviews"
	mutationtypes "github.com/open-policy-agent/gatekeeper/v3/pkg/mutation/types"
	"github.com/open-policy-agent/gatekeeper/v3/pkg/target"
	"github.com/open-policy-agent/gatekeeper/v3/pkg/util"
	"github.com/prodready/prodready/internal/enginetest"
	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Admission latency (issue 15): every API write waits for the webhook, so
// the time one review takes through the constraint framework, with every
// constraint installed and the sync cache holding a cluster's objects, is
// what prodready's bundle costs a cluster. It is timed beside
// gatekeeper-library's templates for the same practices (required probes,
// container limits and requests, replica limits, budgets against replicas;
// testdata/gatekeeper-library) on the same reviews, in the same process.
// Only TestAdmissionLatency and BenchmarkAdmission build the fixture: the
// package's other tests never pay for it.

// libraryDir holds gatekeeper-library's templates and constraints for the
// practices prodready checks, and the ExpansionTemplates through which
// Gatekeeper applies its Pod templates to workloads.
const libraryDir = "testdata/gatekeeper-library"

// latencySizes are the numbers of objects synced while reviews are timed.
var latencySizes = []int{0, 1000, 10000}

const (
	// reviewNamespace is where the reviewed objects are created. At every
	// size but 0 it holds examples/good's objects, and only those.
	reviewNamespace = "review"
	// namespaces is how many namespaces the rest of the synced objects
	// are spread over.
	namespaces = 100
)

// webhook is one bundle as Gatekeeper's webhook serves it.
type webhook struct {
	name    string
	cluster *Cluster
	// expander expands a workload into the Pod its template describes,
	// reviewed in the same request (Gatekeeper's expansion); nil when the
	// bundle reviews workloads as they are.
	expander expander
	// synced is how many of the fixture's objects the cache holds: always
	// a prefix of fixture.synced.
	synced int
}

// admit is the webhook's review of a CREATE of obj, as Gatekeeper's
// validation handler runs it: the object is expanded, then it and its
// resultants are reviewed.
func (w *webhook) admit(ctx context.Context, obj *unstructured.Unstructured) (int, error) {
	resultants, err := w.expander.expand(obj, 0)
	if err != nil {
		return 0, err
	}
	vs, err := w.cluster.Admit(ctx, obj)
	if err != nil {
		return 0, err
	}
	n := len(vs)
	for _, r := range resultants {
		review := &target.AugmentedUnstructured{Object: *r, Operation: admissionv1.Create, Source: mutationtypes.SourceTypeGenerated}
		vs, err := w.cluster.review(ctx, review, util.WebhookEnforcementPoint)
		if err != nil {
			return 0, err
		}
		n += len(vs)
	}
	return n, nil
}

// resize syncs or forgets objects until the cache holds the first n of objs.
func (w *webhook) resize(ctx context.Context, objs cache, n int) error {
	for ; w.synced < n; w.synced++ {
		o := objs.object(w.synced)
		if err := w.cluster.Sync(ctx, o); err != nil {
			return fmt.Errorf("syncing %s: %w", ref(o), err)
		}
	}
	for ; w.synced > n; w.synced-- {
		o := objs.object(w.synced - 1)
		if err := w.cluster.Forget(ctx, o); err != nil {
			return fmt.Errorf("forgetting %s: %w", ref(o), err)
		}
	}
	runtime.GC() // the garbage of syncing is not the reviews'
	return nil
}

// cache holds the objects to sync as JSON, as an informer receives them:
// held as objects, 10,000 of them would weigh on the garbage collector
// (and so on every review timed) as much as the cache itself.
type cache [][]byte

func (c cache) object(i int) *unstructured.Unstructured {
	u := &unstructured.Unstructured{}
	if err := u.UnmarshalJSON(c[i]); err != nil {
		panic(err) // marshaled by newFixture
	}
	return u
}

// fixture is what the latency is measured on.
type fixture struct {
	// synced are the objects of the cache, in the order synced: the
	// review namespace's, then renamed copies of the real objects spread
	// over namespaces. The cache at size n holds the first n.
	synced cache
	// home is how many of synced are the review namespace's.
	home int
	// homeKinds and syncedKinds count the kinds of the review
	// namespace's objects and of all the objects.
	homeKinds, syncedKinds string
	// reviews are the objects whose admission is timed, in the review
	// namespace: every workload of examples/.
	reviews []*unstructured.Unstructured
	// others are the other objects of examples/ (budgets, autoscalers,
	// RBAC...), namespaced ones in the review namespace: reviewed too when
	// checking that no template's cost grows with the cluster.
	others []*unstructured.Unstructured
}

var (
	latencyOnce    sync.Once
	latencyFix     *fixture
	latencyHooks   []*webhook
	latencyFixErr  error
	latencyMaxSize = slices.Max(latencySizes)
)

// latencySetup builds the fixture and both bundles' webhooks once a process:
// compiling prodready's templates takes seconds.
func latencySetup(tb testing.TB) (*fixture, []*webhook) {
	tb.Helper()
	latencyOnce.Do(func() {
		latencyFix, latencyFixErr = newFixture(tb, latencyMaxSize)
		if latencyFixErr != nil {
			return
		}
		ctx := context.Background()
		prodready, err := New(ctx, bundleDir)
		if err != nil {
			latencyFixErr = fmt.Errorf("prodready's bundle: %w", err)
			return
		}
		library, err := New(ctx, libraryDir)
		if err != nil {
			latencyFixErr = fmt.Errorf("gatekeeper-library: %w", err)
			return
		}
		expander, err := libraryExpander()
		if err != nil {
			latencyFixErr = err
			return
		}
		latencyHooks = []*webhook{
			{name: "prodready", cluster: prodready},
			{name: "gatekeeper-library", cluster: library, expander: expander},
		}
	})
	if latencyFixErr != nil {
		tb.Fatal(latencyFixErr)
	}
	return latencyFix, latencyHooks
}

// expansionTemplate is the part of a Gatekeeper ExpansionTemplate
// (expansion.gatekeeper.sh/v1alpha1) that expansion reads.
type expansionTemplate struct {
	Spec struct {
		ApplyTo []struct {
			Groups, Kinds, Versions []string
		} `json:"applyTo"`
		TemplateSource string `json:"templateSource"`
		GeneratedGVK   struct {
			Group, Version, Kind string
		} `json:"generatedGVK"`
	} `json:"spec"`
}

func (t *expansionTemplate) appliesTo(gvk schema.GroupVersionKind) bool {
	for _, a := range t.Spec.ApplyTo {
		if slices.Contains(a.Groups, gvk.Group) && slices.Contains(a.Kinds, gvk.Kind) && slices.Contains(a.Versions, gvk.Version) {
			return true
		}
	}
	return false
}

// expander is what Gatekeeper's expansion system (pkg/expansion, without
// mutators) does with a set of ExpansionTemplates: each template that
// applies to an object's GVK makes a resultant of the field templateSource,
// of kind generatedGVK, in the object's namespace, named
// "<name>-<kind>" and owned by the object; resultants are expanded in
// turn. It is written out here so that this module needs none of
// Gatekeeper's mutation dependencies.
type expander []*expansionTemplate

// maxExpansionDepth is Gatekeeper's maxRecursionDepth.
const maxExpansionDepth = 10

func (e expander) expand(obj *unstructured.Unstructured, depth int) ([]*unstructured.Unstructured, error) {
	if depth >= maxExpansionDepth {
		return nil, fmt.Errorf("%s: maximum expansion depth reached", ref(obj))
	}
	var out []*unstructured.Unstructured
	for _, t := range e {
		if !t.appliesTo(obj.GroupVersionKind()) {
			continue
		}
		src, ok, err := unstructured.NestedMap(obj.Object, strings.Split(t.Spec.TemplateSource, ".")...)
		if err != nil || !ok {
			return nil, fmt.Errorf("%s has no %s", ref(obj), t.Spec.TemplateSource)
		}
		res := &unstructured.Unstructured{Object: src}
		g := t.Spec.GeneratedGVK
		res.SetGroupVersionKind(schema.GroupVersionKind{Group: g.Group, Version: g.Version, Kind: g.Kind})
		if ns := obj.GetNamespace(); ns != "" {
			res.SetNamespace(ns)
		}
		res.SetName(strings.ToLower(obj.GetName() + "-" + g.Kind))
		res.SetOwnerReferences(append(res.GetOwnerReferences(), metav1.OwnerReference{APIVersion: obj.GetAPIVersion(), Kind: obj.GetKind(), Name: obj.GetName()}))
		nested, err := e.expand(res, depth+1)
		if err != nil {
			return nil, err
		}
		out = append(append(out, nested...), res)
	}
	return out, nil
}

// libraryExpander loads the ExpansionTemplates of testdata/gatekeeper-library/expansion.
func libraryExpander() (expander, error) {
	var err error
	objs := readDir(filepath.Join(libraryDir, "expansion"), &err)
	if err != nil {
		return nil, err
	}
	var e expander
	for _, o := range objs {
		data, err := json.Marshal(o.Object)
		if err != nil {
			return nil, err
		}
		t := &expansionTemplate{}
		if err := json.Unmarshal(data, t); err != nil {
			return nil, fmt.Errorf("ExpansionTemplate %s: %w", o.GetName(), err)
		}
		e = append(e, t)
	}
	if len(e) == 0 {
		return nil, fmt.Errorf("no ExpansionTemplate in %s", filepath.Join(libraryDir, "expansion"))
	}
	return e, nil
}

// reviewedKinds are the kinds whose admission is timed: what runs pods.
var reviewedKinds = map[string]bool{
	"Deployment": true, "StatefulSet": true, "DaemonSet": true, "ReplicaSet": true,
	"ReplicationController": true, "Job": true, "CronJob": true, "Rollout": true,
	"Pod": true,
}

// newFixture builds a cache of size objects and the reviews:
//   - the review namespace holds examples/good's objects (three Deployments
//     and their budgets, a CronJob);
//   - the rest are renamed copies of the real objects of the corpora
//     (../shared/corpus, testdata/realworld) and of examples/, of the kinds
//     prodready's SyncSet replicates: copy k of an application (the objects
//     of one file in one namespace) goes to one of 100 namespaces, its
//     objects named "<name>-c<k>", so that its relations (a budget and its
//     workload) still hold; cluster-scoped objects are renamed the same way;
//   - the reviews are every workload of examples/, good and bad, created in
//     the review namespace.
func newFixture(tb testing.TB, size int) (*fixture, error) {
	root, err := enginetest.ModuleRoot()
	if err != nil {
		return nil, err
	}
	kinds, err := syncSetKinds()
	if err != nil {
		return nil, err
	}
	examples := filepath.Join(root, "examples")
	dirs, err := os.ReadDir(examples)
	if err != nil {
		return nil, err
	}
	var exampleDirs []string
	for _, d := range dirs {
		// examples/sdk holds Go programs; team-overrides needs its team's rules.
		if d.IsDir() && d.Name() != "sdk" && d.Name() != "team-overrides" {
			exampleDirs = append(exampleDirs, filepath.Join(examples, d.Name()))
		}
	}
	fix := &fixture{}
	var synced []*unstructured.Unstructured

	good, err := loadObjects(filepath.Join(examples, "good"))
	if err != nil {
		return nil, err
	}
	for _, l := range good.objs {
		if kinds[groupKind(l.obj)] && l.obj.GetNamespace() != "" {
			o := l.obj.DeepCopy()
			o.SetNamespace(reviewNamespace)
			synced = append(synced, o)
		}
	}
	fix.home = len(synced)

	ex, err := loadObjects(exampleDirs...)
	if err != nil {
		return nil, err
	}
	for _, l := range ex.objs {
		o := l.obj.DeepCopy()
		if o.GetNamespace() != "" {
			o.SetNamespace(reviewNamespace)
		}
		if reviewedKinds[o.GetKind()] && o.GetNamespace() != "" {
			fix.reviews = append(fix.reviews, o)
		} else {
			fix.others = append(fix.others, o)
		}
	}

	// The pool copied: every synced-kind object of the corpora and examples.
	pool := ex.objs
	for _, c := range enginetest.Corpora(tb) {
		if _, err := os.Stat(c.Dir); err != nil {
			continue
		}
		objs, err := loadObjects(c.Dir)
		if err != nil {
			return nil, err
		}
		pool = append(pool, objs.objs...)
	}
	type application struct {
		objs []*unstructured.Unstructured
	}
	var apps []*application
	byKey := map[string]*application{}
	for _, l := range pool {
		if !kinds[groupKind(l.obj)] {
			continue
		}
		key := l.file + "\x00" + l.obj.GetNamespace()
		a := byKey[key]
		if a == nil {
			a = &application{}
			byKey[key] = a
			apps = append(apps, a)
		}
		a.objs = append(a.objs, l.obj)
	}
	if len(apps) == 0 {
		return nil, fmt.Errorf("no objects to sync")
	}
	for k := 0; len(synced) < size; k++ {
		for i, a := range apps {
			ns := fmt.Sprintf("ns-%02d", (k+37*i)%namespaces)
			for _, o := range a.objs {
				if len(synced) == size {
					break
				}
				c := o.DeepCopy()
				c.SetName(fmt.Sprintf("%s-c%d", o.GetName(), k))
				if o.GetNamespace() != "" {
					c.SetNamespace(ns)
				}
				synced = append(synced, c)
			}
		}
	}
	for _, o := range synced {
		data, err := o.MarshalJSON()
		if err != nil {
			return nil, err
		}
		fix.synced = append(fix.synced, data)
	}
	fix.homeKinds, fix.syncedKinds = kindCounts(synced[:fix.home]), kindCounts(synced)
	return fix, nil
}

// percentile is the p-th percentile of sorted durations (nearest rank).
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted))*p/100+0.999999) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// isolate fills w's cache to size and empties the others': each bundle is
// timed with only its own cache filled, as each would run in a Gatekeeper
// of its own (the caches of both would double the heap the garbage
// collector walks).
func isolate(ctx context.Context, hooks []*webhook, w *webhook, objs cache, size int) error {
	for _, o := range hooks {
		if o != w {
			if err := o.resize(ctx, objs, 0); err != nil {
				return err
			}
		}
	}
	return w.resize(ctx, objs, size)
}

// BenchmarkAdmission times one webhook review (b.N reviews, cycling over
// the fixture's) per bundle and number of objects synced, and reports the
// percentiles of the reviews timed.
func BenchmarkAdmission(b *testing.B) {
	fix, hooks := latencySetup(b)
	ctx := context.Background()
	for _, w := range hooks {
		for _, size := range latencySizes {
			b.Run(fmt.Sprintf("bundle=%s/synced=%d", w.name, size), func(b *testing.B) {
				if err := isolate(ctx, hooks, w, fix.synced, size); err != nil {
					b.Fatal(err)
				}
				times := make([]time.Duration, 0, b.N)
				b.ResetTimer()
				for i := range b.N {
					start := time.Now()
					if _, err := w.admit(ctx, fix.reviews[i%len(fix.reviews)]); err != nil {
						b.Fatal(err)
					}
					times = append(times, time.Since(start))
				}
				b.StopTimer()
				slices.Sort(times)
				b.ReportMetric(ms(percentile(times, 50)), "p50-ms")
				b.ReportMetric(ms(percentile(times, 99)), "p99-ms")
			})
		}
	}
}

const (
	// latencyRounds are the rounds timed per bundle and size, the bundles
	// taking turns to go first; the figures are the medians of the
	// rounds' percentiles, the machine being shared.
	latencyRounds = 5
	// latencyPasses are the passes over the reviews a round times.
	latencyPasses = 3
)

// round is what one round measured.
type round struct {
	times []time.Duration // sorted
	gcs   uint32          // garbage collections during the round
	alloc uint64          // bytes allocated during the round
	heap  uint64          // live heap at its start
}

// measure times passes over the reviews through w, after a pass to warm up.
func measure(ctx context.Context, w *webhook, objs []*unstructured.Unstructured, passes int) (round, error) {
	for _, o := range objs {
		if _, err := w.admit(ctx, o); err != nil {
			return round{}, fmt.Errorf("%s: %s: %w", w.name, ref(o), err)
		}
	}
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	r := round{times: make([]time.Duration, 0, passes*len(objs)), heap: before.HeapAlloc}
	for range passes {
		for _, o := range objs {
			start := time.Now()
			_, err := w.admit(ctx, o)
			d := time.Since(start)
			if err != nil {
				return round{}, fmt.Errorf("%s: %s: %w", w.name, ref(o), err)
			}
			r.times = append(r.times, d)
		}
	}
	runtime.ReadMemStats(&after)
	r.gcs, r.alloc = after.NumGC-before.NumGC, after.TotalAlloc-before.TotalAlloc
	slices.Sort(r.times)
	return r, nil
}

// latencyFigures are one bundle's figures at one size: the medians of the
// rounds' percentiles, the slowest review of all, and the garbage
// collector's share.
type latencyFigures struct {
	p50, p99, max time.Duration
	reviews       int
	allocPer      uint64  // bytes allocated a review
	gcsPer100     float64 // collections a hundred reviews
	heap          uint64  // live heap, median of the rounds'
}

// median is the median of f over the rounds.
func median[T cmp.Ordered](rs []round, f func(round) T) T {
	vs := make([]T, len(rs))
	for i, r := range rs {
		vs[i] = f(r)
	}
	slices.Sort(vs)
	return vs[len(vs)/2]
}

func summarize(rs []round) latencyFigures {
	var out latencyFigures
	out.p50 = median(rs, func(r round) time.Duration { return percentile(r.times, 50) })
	out.p99 = median(rs, func(r round) time.Duration { return percentile(r.times, 99) })
	out.heap = median(rs, func(r round) uint64 { return r.heap })
	var alloc uint64
	var gcs uint32
	for _, r := range rs {
		out.max = max(out.max, r.times[len(r.times)-1])
		out.reviews += len(r.times)
		alloc += r.alloc
		gcs += r.gcs
	}
	out.allocPer = alloc / uint64(out.reviews)
	out.gcsPer100 = 100 * float64(gcs) / float64(out.reviews)
	return out
}

// TestAdmissionLatency measures (p50, p99 of one webhook review) prodready's
// bundle and gatekeeper-library's templates for the same practices, with 0,
// 1,000 and 10,000 objects synced, the bundles taking turns round by round,
// and holds prodready to issue 15's goals: at 10,000 objects, p99 no worse
// than twice gatekeeper-library's and under 10 ms, and no more than 1.5
// times its p99 with nothing synced. It then says where prodready's time
// goes, template by template, and checks that cross-object lookups cost what
// the reviewed object's namespace holds, not the cluster: reviews on a
// 10,000-object cache and on a 1,000-object one, the reviewed namespace the
// same, alternating, take as long, template by template. It runs with
// PRODREADY_ADMISSION_BENCH=1 (make bench, make admission-bench).
func TestAdmissionLatency(t *testing.T) {
	if os.Getenv("PRODREADY_ADMISSION_BENCH") != "1" {
		t.Skip("set PRODREADY_ADMISSION_BENCH=1 to measure admission latency (make bench)")
	}
	fix, hooks := latencySetup(t)
	ctx := context.Background()
	t.Logf("%d reviews (%s); %d CPUs, GOMAXPROCS %d, %s", len(fix.reviews), kindCounts(fix.reviews), runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version())
	t.Logf("the review namespace holds %d objects at every size but 0 (%s); at %d: %s",
		fix.home, fix.homeKinds, latencyMaxSize, fix.syncedKinds)

	rounds := map[*webhook]map[int][]round{}
	for _, w := range hooks {
		rounds[w] = map[int][]round{}
	}
	for _, size := range latencySizes {
		for r := range latencyRounds {
			order := slices.Clone(hooks)
			if r%2 == 1 {
				slices.Reverse(order)
			}
			for _, w := range order {
				if err := isolate(ctx, hooks, w, fix.synced, size); err != nil {
					t.Fatal(err)
				}
				rd, err := measure(ctx, w, fix.reviews, latencyPasses)
				if err != nil {
					t.Fatal(err)
				}
				rounds[w][size] = append(rounds[w][size], rd)
				t.Logf("  %s, %d synced, round %d: p50 %.2f ms, p99 %.2f ms, max %.2f ms", w.name, size, r+1, ms(percentile(rd.times, 50)), ms(percentile(rd.times, 99)), ms(rd.times[len(rd.times)-1]))
			}
		}
	}

	figures := map[string]map[int]latencyFigures{}
	var table strings.Builder
	fmt.Fprintf(&table, "| bundle | objects synced | p50 | p99 | slowest | reviews timed | allocated a review | GCs a 100 reviews | live heap |\n|---|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	for _, w := range hooks {
		figures[w.name] = map[int]latencyFigures{}
		for _, size := range latencySizes {
			f := summarize(rounds[w][size])
			figures[w.name][size] = f
			fmt.Fprintf(&table, "| %s | %d | %.2f ms | %.2f ms | %.1f ms | %d | %d KiB | %.1f | %d MiB |\n",
				w.name, size, ms(f.p50), ms(f.p99), ms(f.max), f.reviews, f.allocPer>>10, f.gcsPer100, f.heap>>20)
		}
	}
	t.Logf("admission latency, one webhook review (medians of %d rounds of %d reviews):\n%s", latencyRounds, latencyPasses*len(fix.reviews), table.String())

	prod, lib := figures["prodready"], figures["gatekeeper-library"]
	top := latencyMaxSize
	t.Logf("prodready / gatekeeper-library at %d synced: p50 %.2fx, p99 %.2fx; p99 at %d / at 0: prodready %.2fx, gatekeeper-library %.2fx",
		top, ratio(prod[top].p50, lib[top].p50), ratio(prod[top].p99, lib[top].p99),
		top, ratio(prod[top].p99, prod[0].p99), ratio(lib[top].p99, lib[0].p99))

	// Where the time goes: each template's evaluation (the rego driver's
	// stats) at each size, and the framework's cost for as many templates
	// that do nothing.
	perReview := 0
	for _, w := range hooks {
		costs := map[int]templateCosts{}
		for _, size := range latencySizes {
			if err := isolate(ctx, hooks, w, fix.synced, size); err != nil {
				t.Fatal(err)
			}
			c, err := w.templateCosts(ctx, fix.reviews)
			if err != nil {
				t.Fatal(err)
			}
			costs[size] = c
		}
		if w.name == "prodready" {
			perReview = costs[0].mostPerReview
		}
		t.Logf("%s's templates, mean evaluation time (rego driver stats; %d passes over the reviews):\n%s", w.name, latencyPasses, costTable(costs))
	}
	if perReview > 0 {
		floor, err := noopFloor(t, ctx, hooks, fix, perReview)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%d templates that match every workload and check nothing: p50 %.2f ms, p99 %.2f ms, %d KiB allocated a review (nothing synced): the constraint framework's own cost for a review evaluating as many templates as prodready's do",
			perReview, ms(floor.p50), ms(floor.p99), floor.allocPer>>10)
	}

	// Whether lookups scale with the cluster, free of the drift between
	// sizes timed one after the other and of the heap's growth.
	scale, ratios, scaleTable, err := scaling(ctx, hooks, fix)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("prodready's templates on a cluster of %d objects and on one of 1000, the same review namespace, every object of examples/ reviewed by both in turn (%d passes):\n%s", latencyMaxSize, 2*latencyPasses, scaleTable)
	if scale > 1.25 {
		t.Errorf("prodready's reviews take %.2fx as long with %d objects synced as with 1000, the reviewed namespace the same: lookups scale with the cluster", scale, latencyMaxSize)
	}
	for _, kind := range slices.Sorted(maps.Keys(ratios)) {
		if ratios[kind] > 2 {
			t.Errorf("%s takes %.2fx as long with %d objects synced as with 1000, the reviewed namespace the same: it reads more than that namespace", kind, ratios[kind], latencyMaxSize)
		}
	}

	if got, limit := prod[top].p99, 2*lib[top].p99; got > limit {
		t.Errorf("prodready's p99 at %d synced objects is %.2f ms, more than twice gatekeeper-library's (%.2f ms)", top, ms(got), ms(lib[top].p99))
	}
	if got := prod[top].p99; got >= 10*time.Millisecond {
		t.Errorf("prodready's p99 at %d synced objects is %.2f ms, not under 10 ms", top, ms(got))
	}
	// A larger cache slows every review's tail, the library's too (a larger
	// heap for the collector to mark on the same two cores): prodready's
	// p99 may grow with it as the library's does, not more.
	if growth, libGrowth := ratio(prod[top].p99, prod[0].p99), ratio(lib[top].p99, lib[0].p99); growth > 1.25*libGrowth {
		t.Errorf("prodready's p99 at %d synced objects is %.2fx its p99 with nothing synced, gatekeeper-library's %.2fx: lookups scale with the cluster", top, growth, libGrowth)
	}
}

func ratio(a, b time.Duration) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// kindCounts says how many objects of each kind objs holds.
func kindCounts(objs []*unstructured.Unstructured) string {
	count := map[string]int{}
	for _, o := range objs {
		count[o.GetKind()]++
	}
	var parts []string
	for k, n := range count {
		parts = append(parts, fmt.Sprintf("%s %d", k, n))
	}
	slices.Sort(parts)
	return strings.Join(parts, ", ")
}

// templateCosts are each template's evaluation times over the reviews, and
// the most templates one review evaluated.
type templateCosts struct {
	times         map[string][]time.Duration
	mostPerReview int
	reviewMean    time.Duration // a whole review, stats on
}

// templateCosts reviews objs latencyPasses times with the rego driver's
// stats on.
func (w *webhook) templateCosts(ctx context.Context, objs []*unstructured.Unstructured) (templateCosts, error) {
	out := templateCosts{times: map[string][]time.Duration{}}
	var total time.Duration
	n := 0
	for range latencyPasses {
		for _, o := range objs {
			start := time.Now()
			per, err := w.templateTimes(ctx, o)
			if err != nil {
				return out, err
			}
			total += time.Since(start)
			n++
			for kind, d := range per {
				out.times[kind] = append(out.times[kind], d)
			}
			out.mostPerReview = max(out.mostPerReview, len(per))
		}
	}
	out.reviewMean = total / time.Duration(n)
	return out, nil
}

// templateTimes is the webhook's review of a CREATE of o (and, for a bundle
// that expands, of its resultants) with the rego driver's stats on, which
// time each template's evaluation (converting the review into Rego's input,
// compiling the query, evaluating it): the time each template took.
func (w *webhook) templateTimes(ctx context.Context, o *unstructured.Unstructured) (map[string]time.Duration, error) {
	resultants, err := w.expander.expand(o, 0)
	if err != nil {
		return nil, err
	}
	review, err := createReview(o)
	if err != nil {
		return nil, err
	}
	rs := []any{review}
	for _, r := range resultants {
		rs = append(rs, &target.AugmentedUnstructured{Object: *r, Operation: admissionv1.Create, Source: mutationtypes.SourceTypeGenerated})
	}
	out := map[string]time.Duration{}
	for _, review := range rs {
		resp, err := w.cluster.client.Review(ctx, review, reviews.EnforcementPoint(util.WebhookEnforcementPoint), reviews.Stats(true))
		if err != nil {
			return nil, err
		}
		for _, e := range resp.StatsEntries {
			for _, s := range e.Stats {
				if ns, ok := s.Value.(uint64); ok && s.Name == "templateRunTimeNS" {
					out[e.StatsFor] += time.Duration(ns)
				}
			}
		}
	}
	return out, nil
}

// scaling times prodready's templates on two clusters in the same process,
// one holding 1,000 objects and one 10,000, the review namespace the same
// in both, reviewing each object of examples/ (the workloads and the
// others) through both in turn: the same heap, the same moment, only the
// rest of the cluster differs. It returns the ratio of the whole reviews'
// time (10,000 / 1,000), each template's, and a table of them.
func scaling(ctx context.Context, hooks []*webhook, fix *fixture) (float64, map[string]float64, string, error) {
	c, err := New(ctx, bundleDir)
	if err != nil {
		return 0, nil, "", err
	}
	small, big := &webhook{name: "prodready, 1000 synced", cluster: c}, hooks[0]
	if err := isolate(ctx, hooks, big, fix.synced, latencyMaxSize); err != nil {
		return 0, nil, "", err
	}
	if err := small.resize(ctx, fix.synced, 1000); err != nil {
		return 0, nil, "", err
	}
	per := map[*webhook]map[string]time.Duration{small: {}, big: {}}
	evaluations := map[string]int{}
	whole := map[*webhook]time.Duration{}
	objs := append(slices.Clone(fix.reviews), fix.others...)
	for p := range 2 * latencyPasses {
		for i, o := range objs {
			order := []*webhook{small, big}
			if (i+p)%2 == 1 {
				order = []*webhook{big, small}
			}
			for _, w := range order {
				start := time.Now()
				times, err := w.templateTimes(ctx, o)
				if err != nil {
					return 0, nil, "", err
				}
				whole[w] += time.Since(start)
				for kind, d := range times {
					per[w][kind] += d
					if w == big {
						evaluations[kind]++
					}
				}
			}
		}
	}
	var kinds []string
	for k := range per[big] {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	if small := slices.Sorted(maps.Keys(per[small])); !slices.Equal(small, kinds) {
		return 0, nil, "", fmt.Errorf("the two loads of %s evaluate different templates (%d and %d): was the bundle rebuilt during the run?", bundleDir, len(small), len(kinds))
	}
	ratios := map[string]float64{}
	var out strings.Builder
	out.WriteString("| template | evaluations a pass | mean, 1,000 synced | mean, 10,000 synced | 10,000 / 1,000 |\n|---|--:|--:|--:|--:|\n")
	for _, k := range kinds {
		n := time.Duration(evaluations[k])
		ratios[k] = ratio(per[big][k], per[small][k])
		fmt.Fprintf(&out, "| %s | %d | %.3f ms | %.3f ms | %.2f |\n", k, evaluations[k]/(2*latencyPasses), ms(per[small][k]/n), ms(per[big][k]/n), ratios[k])
	}
	r := ratio(whole[big], whole[small])
	fmt.Fprintf(&out, "| a whole review | %d | | | %.2f |\n", len(objs), r)
	return r, ratios, out.String(), nil
}

// costTable is a table of each template's mean evaluation time at each
// size, the most costly at the largest size first.
func costTable(costs map[int]templateCosts) string {
	mean := func(ds []time.Duration) time.Duration {
		var sum time.Duration
		for _, d := range ds {
			sum += d
		}
		if len(ds) == 0 {
			return 0
		}
		return sum / time.Duration(len(ds))
	}
	top := costs[latencyMaxSize]
	var kinds []string
	for k := range top.times {
		kinds = append(kinds, k)
	}
	sum := func(k string) time.Duration { return mean(top.times[k]) * time.Duration(len(top.times[k])) }
	slices.SortFunc(kinds, func(a, b string) int { return cmp.Or(cmp.Compare(sum(b), sum(a)), strings.Compare(a, b)) })
	var out strings.Builder
	out.WriteString("| template | evaluations a pass |")
	for _, size := range latencySizes {
		fmt.Fprintf(&out, " mean, %d synced |", size)
	}
	fmt.Fprintf(&out, " p99, %d synced |\n|---|--:|", latencyMaxSize)
	for range latencySizes {
		out.WriteString("--:|")
	}
	out.WriteString("--:|\n")
	for _, k := range kinds {
		fmt.Fprintf(&out, "| %s | %d |", k, len(top.times[k])/latencyPasses)
		for _, size := range latencySizes {
			fmt.Fprintf(&out, " %.3f ms |", ms(mean(costs[size].times[k])))
		}
		ds := slices.Sorted(slices.Values(top.times[k]))
		fmt.Fprintf(&out, " %.3f ms |\n", ms(percentile(ds, 99)))
	}
	fmt.Fprintf(&out, "| a whole review, stats on | |")
	for _, size := range latencySizes {
		fmt.Fprintf(&out, " %.3f ms |", ms(costs[size].reviewMean))
	}
	out.WriteString(" |\n")
	return out.String()
}

// noopFloor times the reviews through a bundle of n templates that match
// every workload and report nothing, with nothing synced: what the
// constraint framework costs a review that evaluates n templates.
func noopFloor(t *testing.T, ctx context.Context, hooks []*webhook, fix *fixture, n int) (latencyFigures, error) {
	dir := t.TempDir()
	for _, sub := range []string{"templates", "constraints"} {
		if err := os.Mkdir(filepath.Join(dir, sub), 0o755); err != nil {
			return latencyFigures{}, err
		}
	}
	for i := range n {
		tmpl := fmt.Sprintf(`apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata:
  name: noop%d
spec:
  crd:
    spec:
      names:
        kind: Noop%d
  targets:
    - target: admission.k8s.gatekeeper.sh
      rego: |
        package noop%d
        violation[{"msg": "never"}] {
          input.review.object.kind == "Nothing"
        }
`, i, i, i)
		constraint := fmt.Sprintf(`apiVersion: constraints.gatekeeper.sh/v1beta1
kind: Noop%d
metadata:
  name: noop%d
spec:
  match:
    kinds:
      - apiGroups: ["*"]
        kinds: ["*"]
`, i, i)
		if err := os.WriteFile(filepath.Join(dir, "templates", fmt.Sprintf("noop%d.yaml", i)), []byte(tmpl), 0o644); err != nil {
			return latencyFigures{}, err
		}
		if err := os.WriteFile(filepath.Join(dir, "constraints", fmt.Sprintf("noop%d.yaml", i)), []byte(constraint), 0o644); err != nil {
			return latencyFigures{}, err
		}
	}
	c, err := New(ctx, dir)
	if err != nil {
		return latencyFigures{}, err
	}
	noop := &webhook{name: "no-op", cluster: c}
	var rs []round
	for range latencyRounds {
		if err := isolate(ctx, hooks, noop, fix.synced, 0); err != nil {
			return latencyFigures{}, err
		}
		r, err := measure(ctx, noop, fix.reviews, latencyPasses)
		if err != nil {
			return latencyFigures{}, err
		}
		rs = append(rs, r)
	}
	return summarize(rs), nil
}
