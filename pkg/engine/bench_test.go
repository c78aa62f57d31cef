package engine_test

import (
	"context"
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/prodready/prodready/pkg/engine"
	"github.com/prodready/prodready/pkg/manifest"
)

// corpus is shared/corpus: real-world manifests nobody here wrote.
const corpus = "../../../shared/corpus"

// realworld is testdata/realworld: a second corpus of real-world
// manifests, vendored with their sources (see its SOURCES.md).
const realworld = "../../testdata/realworld"

// corpora are the real-world corpora the tests run on; a test skips one it
// does not find (the shared corpus is absent on a machine without it).
var corpora = []string{corpus, realworld}

func loadCorpus(tb testing.TB) []*manifest.Object {
	tb.Helper()
	if _, err := os.Stat(corpus); err != nil {
		tb.Skip("shared/corpus not found beside the repository")
	}
	res := manifest.Load(context.Background(), []string{corpus}, manifest.Options{})
	if len(res.Objects) == 0 {
		tb.Fatal("no objects in the corpus")
	}
	return res.Objects
}

// perObject runs f b.N times and reports objects/s, ns/object and
// allocs/object for objects objects a run.
func perObject(b *testing.B, objects int, f func()) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ReportAllocs()
	for b.Loop() {
		f()
	}
	runtime.ReadMemStats(&after)
	perOp := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(float64(objects)/perOp, "objects/s")
	b.ReportMetric(perOp*1e9/float64(objects), "ns/object")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(b.N)/float64(objects), "allocs/object")
}

// BenchmarkEvaluateCorpus evaluates every rule on the loaded corpus
// (Evaluate, as the SDK does with objects in hand).
func BenchmarkEvaluateCorpus(b *testing.B) {
	objs := loadCorpus(b)
	eng, err := engine.New()
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	perObject(b, len(objs), func() {
		if _, err := eng.Evaluate(ctx, objs); err != nil {
			b.Fatal(err)
		}
	})
}

// BenchmarkCheckCorpus is the whole check: read the corpus from disk and
// evaluate it as it is read (engine.Check, as the command line does).
func BenchmarkCheckCorpus(b *testing.B) {
	objs := loadCorpus(b)
	eng, err := engine.New()
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	perObject(b, len(objs), func() {
		if _, err := eng.Check(ctx, []string{corpus}, manifest.Options{}); err != nil {
			if _, err := splitErrors(err); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkNew is the one-time cost: parse and compile the policy library.
func BenchmarkNew(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := engine.New(); err != nil {
			b.Fatal(err)
		}
	}
}

// TestEvaluationCostsAtMostTwiceLoading keeps evaluation cheap next to the
// cost of just reading the YAML, both measured here, in the same run, so
// that the machine's speed cancels out: evaluating the corpus's objects
// (with their findings' positions) may take at most twice as long as
// loading them. A whole check is logged beside them; make bench holds it
// to three times loading, on an otherwise idle machine (a whole check
// uses both cores, so a busy machine slows it more than loading).
func TestEvaluationCostsAtMostTwiceLoading(t *testing.T) {
	if testing.Short() {
		t.Skip("timing test")
	}
	objs := loadCorpus(t)
	eng, err := engine.New()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	// The fastest of several runs, interleaved, is the least disturbed by
	// whatever else the machine does.
	fastest := func(best *time.Duration, f func()) {
		runtime.GC()
		start := time.Now()
		f()
		if d := time.Since(start); *best == 0 || d < *best {
			*best = d
		}
	}
	var load, evaluate, check time.Duration
	for range 5 {
		fastest(&load, func() { manifest.Load(ctx, []string{corpus}, manifest.Options{}) })
		fastest(&evaluate, func() {
			if _, err := eng.Evaluate(ctx, objs); err != nil {
				t.Fatal(err)
			}
		})
		fastest(&check, func() {
			if _, err := eng.Check(ctx, []string{corpus}, manifest.Options{}); err != nil {
				if _, err := splitErrors(err); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
	t.Logf("%d objects: load %v, evaluate %v (%.2fx), check %v (%.2fx)", len(objs), load, evaluate, float64(evaluate)/float64(load), check, float64(check)/float64(load))
	if evaluate > 2*load {
		t.Errorf("evaluating took %v, more than twice loading (%v)", evaluate, load)
	}
}
