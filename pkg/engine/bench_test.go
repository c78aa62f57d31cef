package engine_test

import (
	"context"
	"os"
	"testing"

	"github.com/prodready/prodready/pkg/engine"
	"github.com/prodready/prodready/pkg/manifest"
)

// corpus is shared/corpus: real-world manifests nobody here wrote.
const corpus = "../../../shared/corpus"

func loadCorpus(b *testing.B) []*manifest.Object {
	b.Helper()
	if _, err := os.Stat(corpus); err != nil {
		b.Skip("shared/corpus not found beside the repository")
	}
	res := manifest.Load(context.Background(), []string{corpus}, manifest.Options{})
	if len(res.Objects) == 0 {
		b.Fatal("no objects in the corpus")
	}
	return res.Objects
}

func report(b *testing.B, objects int) {
	perOp := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(float64(objects)/perOp, "objects/s")
	b.ReportMetric(perOp*1e9/float64(objects), "ns/object")
}

// BenchmarkEvaluateCorpus evaluates every rule on the loaded corpus.
func BenchmarkEvaluateCorpus(b *testing.B) {
	objs := loadCorpus(b)
	eng, err := engine.New()
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := eng.Evaluate(ctx, objs); err != nil {
			b.Fatal(err)
		}
	}
	report(b, len(objs))
}

// BenchmarkCheckCorpus is the whole check: read the corpus from disk and evaluate it (engine.Check).
func BenchmarkCheckCorpus(b *testing.B) {
	objs := loadCorpus(b)
	eng, err := engine.New()
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := eng.Check(ctx, []string{corpus}, manifest.Options{}); err != nil {
			b.Fatal(err)
		}
	}
	report(b, len(objs))
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
