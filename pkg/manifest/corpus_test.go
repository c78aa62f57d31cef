package manifest

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"sigs.k8s.io/yaml"
)

// corpusDir is the shared corpus of real-world manifests, beside the repo.
const corpusDir = "../../../shared/corpus"

// realworldDir is the second real-world corpus, vendored with its sources.
const realworldDir = "../../testdata/realworld"

func corpusFiles(tb testing.TB, dir string) []string {
	tb.Helper()
	if _, err := os.Stat(dir); err != nil {
		tb.Skipf("no corpus at %s: %v", dir, err)
	}
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && isManifestName(p) {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return files
}

// refSplit cuts a stream the way kubectl's YAML reader does (a line that is
// "---", maybe followed by a comment), independently of splitDocuments.
func refSplit(data []byte) [][]byte {
	var docs [][]byte
	var cur bytes.Buffer
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<30)
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, "---"); ok {
			if rest = strings.TrimSpace(rest); rest == "" || rest[0] == '#' {
				docs = append(docs, bytes.Clone(cur.Bytes()))
				cur.Reset()
				continue
			}
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
	}
	return append(docs, cur.Bytes())
}

// outcome is what became of one document.
type outcome struct {
	err      bool
	skipped  bool
	contents []map[string]any // the objects, List items in order
}

// TestCorpusMatchesSigsYAML proves that Content is what Kubernetes' own YAML
// library gives: for every document of the corpus, sigs.k8s.io/yaml's
// Unmarshal into map[string]any equals Content once numbers are compared as
// numbers (it decodes them all as float64). A document it reads only
// leniently (duplicate keys, which UnmarshalStrict rejects) must be an Error.
func TestCorpusMatchesSigsYAML(t *testing.T) {
	for _, c := range []struct {
		dir     string
		objects int // at least
	}{{corpusDir, 579}, {realworldDir, 992}} {
		t.Run(filepath.Base(c.dir), func(t *testing.T) {
			matchesSigsYAML(t, corpusFiles(t, c.dir), c.objects)
		})
	}
}

// matchesSigsYAML compares every document of files, at least atLeast objects.
func matchesSigsYAML(t *testing.T, files []string, atLeast int) {
	var objects, docs, errs int
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		got := outcomesByDoc(Parse(file, data))
		var want []outcome
		for _, doc := range refSplit(data) {
			var m map[string]any
			if err := yaml.Unmarshal(doc, &m); err != nil {
				want = append(want, outcome{err: true})
				continue
			}
			if m == nil {
				continue // empty or comments only
			}
			if err := yaml.UnmarshalStrict(doc, &map[string]any{}); err != nil {
				want = append(want, outcome{err: true})
				continue
			}
			want = append(want, refOutcome(m))
		}
		if len(got) != len(want) {
			t.Errorf("%s: %d documents, sigs.k8s.io/yaml finds %d", file, len(got), len(want))
			continue
		}
		for i := range want {
			g, w := got[i], want[i]
			docs++
			switch {
			case w.err || g.err:
				errs++
				if g.err != w.err {
					t.Errorf("%s: document %d: error %v, sigs.k8s.io/yaml error %v", file, i+1, g.err, w.err)
				}
			case g.skipped != w.skipped || len(g.contents) != len(w.contents):
				t.Errorf("%s: document %d: skipped %v with %d objects, want skipped %v with %d",
					file, i+1, g.skipped, len(g.contents), w.skipped, len(w.contents))
			default:
				for j := range w.contents {
					objects++
					if diff := firstDiff("", normalize(g.contents[j]), normalize(w.contents[j])); diff != "" {
						t.Errorf("%s: document %d, object %d: %s", file, i+1, j+1, diff)
					}
				}
			}
		}
	}
	t.Logf("%d files, %d documents, %d objects equal to sigs.k8s.io/yaml's, %d documents rejected by both", len(files), docs, objects, errs)
	if objects < atLeast {
		t.Errorf("compared %d objects, want the corpus' %d or more (Lists count by item here)", objects, atLeast)
	}
}

// outcomesByDoc groups a file's results by document, in document order.
func outcomesByDoc(r *Result) []outcome {
	byDoc := map[int]*outcome{}
	get := func(doc int) *outcome {
		if byDoc[doc] == nil {
			byDoc[doc] = &outcome{}
		}
		return byDoc[doc]
	}
	for _, o := range r.Objects {
		get(o.Doc).contents = append(get(o.Doc).contents, o.Content())
	}
	for _, s := range r.Skipped {
		if s.Doc > 0 {
			get(s.Doc).skipped = true
		}
	}
	for _, e := range r.Errors {
		get(e.Doc).err = true
	}
	var docs []int
	for d := range byDoc {
		docs = append(docs, d)
	}
	sort.Ints(docs)
	var out []outcome
	for _, d := range docs {
		out = append(out, *byDoc[d])
	}
	return out
}

// refOutcome applies the rules of addObject to a reference value.
func refOutcome(m map[string]any) outcome {
	if m["apiVersion"] == nil || m["kind"] == nil {
		return outcome{skipped: true}
	}
	items, ok := m["items"].([]any)
	if !ok || !strings.HasSuffix(m["kind"].(string), "List") {
		return outcome{contents: []map[string]any{m}}
	}
	var o outcome
	for _, item := range items {
		o.contents = append(o.contents, item.(map[string]any))
	}
	return o
}

// normalize makes every number a float64, as sigs.k8s.io/yaml gives them.
func normalize(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = normalize(e)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = normalize(e)
		}
		return out
	case int64:
		return float64(v)
	}
	return v
}

// firstDiff names the first difference between two JSON-like values.
func firstDiff(path string, got, want any) string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return fmt.Sprintf("%s: got %T, want a mapping", path, got)
		}
		for k := range w {
			if _, ok := g[k]; !ok {
				return fmt.Sprintf("%s.%s: missing", path, k)
			}
			if d := firstDiff(path+"."+k, g[k], w[k]); d != "" {
				return d
			}
		}
		for k := range g {
			if _, ok := w[k]; !ok {
				return fmt.Sprintf("%s.%s: unexpected", path, k)
			}
		}
		return ""
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return fmt.Sprintf("%s: got %#v, want %#v", path, got, want)
		}
		for i := range w {
			if d := firstDiff(fmt.Sprintf("%s[%d]", path, i), g[i], w[i]); d != "" {
				return d
			}
		}
		return ""
	}
	if !reflect.DeepEqual(got, want) {
		return fmt.Sprintf("%s: got %#v (%T), want %#v (%T)", path, got, got, want, want)
	}
	return ""
}

// BenchmarkLoadCorpus loads the whole corpus, as the command line does.
func BenchmarkLoadCorpus(b *testing.B) {
	corpusFiles(b, corpusDir) // skips without the corpus
	ctx := context.Background()
	var objects int
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ReportAllocs()
	start := time.Now()
	for b.Loop() {
		r := Load(ctx, []string{corpusDir}, Options{})
		if len(r.Objects) == 0 {
			b.Fatal("no objects")
		}
		objects += len(r.Objects)
	}
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(objects)/elapsed.Seconds(), "objects/s")
	b.ReportMetric(float64(elapsed.Nanoseconds())/float64(objects), "ns/object")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(objects), "allocs/object")
}
