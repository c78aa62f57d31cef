package manifest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"sigs.k8s.io/yaml"
)

// hostileDir holds one file per hostile case; its expect.yaml says what each
// gives.
const hostileDir = "../../testdata/hostile"

// raceEnabled is set by race_test.go: time limits and generated inputs are
// scaled to the race detector's slowness.
var raceEnabled bool

// hostileExpect is one file's entry in expect.yaml.
type hostileExpect struct {
	Objects []string     `json:"objects,omitempty"`
	Skipped []string     `json:"skipped,omitempty"`
	Errors  []hostileErr `json:"errors,omitempty"`
}

type hostileErr struct {
	Document int    `json:"document,omitempty"`
	Line     int    `json:"line,omitempty"`
	Message  string `json:"message"`
	Is       string `json:"is,omitempty"`
}

var sentinels = map[string]error{"ErrNotText": ErrNotText, "ErrTooDeep": ErrTooDeep, "ErrTooLarge": ErrTooLarge}

func readHostileExpect(t *testing.T) map[string]hostileExpect {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(hostileDir, "expect.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var exp map[string]hostileExpect
	if err := yaml.UnmarshalStrict(data, &exp); err != nil {
		t.Fatal(err)
	}
	return exp
}

// cost is what running a function took: wall time and bytes allocated.
type cost struct {
	wall  time.Duration
	alloc uint64
}

func (c cost) String() string {
	return fmt.Sprintf("%v, %.1f MiB allocated", c.wall.Round(time.Millisecond), float64(c.alloc)/(1<<20))
}

// measure runs f and says what it cost; the tests that call it do not run
// in parallel, so that the allocations counted are f's.
func measure(f func()) cost {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	f()
	wall := time.Since(start)
	runtime.ReadMemStats(&after)
	return cost{wall, after.TotalAlloc - before.TotalAlloc}
}

// within fails t when c is over the bounds: wall time (scaled for the race
// detector) and allocation.
func within(t *testing.T, c cost, wall time.Duration, alloc uint64) {
	t.Helper()
	t.Logf("cost: %v", c)
	if raceEnabled {
		wall *= 20
	}
	if c.wall > wall {
		t.Errorf("took %v, over %v", c.wall, wall)
	}
	if c.alloc > alloc {
		t.Errorf("allocated %d MiB, over %d MiB", c.alloc>>20, alloc>>20)
	}
}

// checkOutcome compares what r holds for file with exp.
func checkOutcome(t *testing.T, r *Result, file string, exp hostileExpect) {
	t.Helper()
	var objects, skipped []string
	for _, o := range r.Objects {
		if o.File == file {
			objects = append(objects, o.Name)
		}
	}
	for _, s := range r.Skipped {
		if s.File == file {
			skipped = append(skipped, s.Reason)
		}
	}
	if !slices.Equal(objects, exp.Objects) {
		t.Errorf("objects %q, want %q", objects, exp.Objects)
	}
	if !slices.Equal(skipped, exp.Skipped) {
		t.Errorf("skipped %q, want %q", skipped, exp.Skipped)
	}
	var errs []*Error
	for _, e := range r.Errors {
		if e.File == file {
			errs = append(errs, e)
		}
	}
	if len(errs) != len(exp.Errors) {
		t.Fatalf("errors %v, want %+v", errs, exp.Errors)
	}
	for i, e := range errs {
		want := exp.Errors[i]
		if e.Doc != want.Document || e.Line != want.Line || !strings.Contains(e.Err.Error(), want.Message) {
			t.Errorf("error %d: document %d, line %d, %q; want document %d, line %d, %q", i+1, e.Doc, e.Line, e.Err, want.Document, want.Line, want.Message)
		}
		if want.Is != "" && !errors.Is(e, sentinels[want.Is]) {
			t.Errorf("error %d: %v is not %s", i+1, e, want.Is)
		}
	}
}

// TestHostileFiles reads each case alone, for its outcome and its cost, and
// all of them at once: a file cannot spoil the reading of another.
func TestHostileFiles(t *testing.T) {
	exp := readHostileExpect(t)
	entries, err := os.ReadDir(hostileDir)
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, e := range entries {
		if n := e.Name(); n != "expect.yaml" && n != "README.md" {
			files = append(files, n)
		}
	}
	if got := slices.Sorted(func(yield func(string) bool) {
		for k := range exp {
			if !yield(k) {
				return
			}
		}
	}); !slices.Equal(files, got) {
		t.Fatalf("files %q, but expect.yaml has %q", files, got)
	}
	crlf, err := os.ReadFile(filepath.Join(hostileDir, "crlf.yaml"))
	if err != nil || bytes.Count(crlf, []byte("\r\n")) != bytes.Count(crlf, []byte("\n")) {
		t.Fatalf("crlf.yaml lost its CRLF line ends (%v): check git's autocrlf", err)
	}

	all := Load(context.Background(), []string{hostileDir}, Options{})
	for _, name := range files {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(hostileDir, name)
			var alone *Result
			c := measure(func() { alone = Load(context.Background(), []string{path}, Options{}) })
			within(t, c, 2*time.Second, 64<<20)
			checkOutcome(t, alone, path, exp[name])
			checkOutcome(t, all, path, exp[name])
		})
	}
}

// TestHostileNumbersAsKubernetesReadsThem: numbers beyond float64 and int64
// are read as sigs.k8s.io/yaml reads them, not refused.
func TestHostileNumbersAsKubernetesReadsThem(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(hostileDir, "numbers-out-of-range.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	r := Parse("numbers-out-of-range.yaml", data)
	var ref map[string]any
	if err := yaml.Unmarshal(data, &ref); err != nil {
		t.Fatal(err)
	}
	got := r.Objects[0].Content()
	if !reflect.DeepEqual(normalize(got), ref) {
		t.Errorf("got %v, sigs.k8s.io/yaml reads %v", got, ref)
	}
	if got["huge"] != "1e400" || got["big"] != 1.2345678901234568e29 {
		t.Errorf("huge %#v, big %#v", got["huge"], got["big"])
	}
}

// TestHostileGenerated runs the cases too big to commit.
func TestHostileGenerated(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	// Big inputs are scaled down under the race detector, whose parse of
	// a 20 MB line takes half a minute.
	scale := 1
	if raceEnabled {
		scale = 10
	}

	t.Run("one long line without a newline", func(t *testing.T) {
		n := 20 << 20 / scale
		data := fmt.Appendf(nil, `{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "long"}, "data": {"k": "%s"}}`, strings.Repeat("a", n))
		path := write("long-line.yaml", data)
		var r *Result
		c := measure(func() { r = Load(context.Background(), []string{path}, Options{}) })
		// The YAML parser reads about 20 MB a second and grows its buffers
		// as it goes: time and memory in proportion to the size.
		within(t, c, 2*time.Second+time.Duration(len(data)>>20)*150*time.Millisecond, 12*uint64(len(data))+16<<20)
		if len(r.Errors) != 0 || len(r.Objects) != 1 || len(r.Objects[0].Content()["data"].(map[string]any)["k"].(string)) != n {
			t.Fatalf("objects %d, errors %v; want the object", len(r.Objects), r.Errors)
		}
	})

	t.Run("nested block mappings", func(t *testing.T) {
		levels := 10_000 / scale
		var b bytes.Buffer
		b.WriteString("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata:\n")
		for i := 1; i <= levels; i++ {
			fmt.Fprintf(&b, "%sk:\n", strings.Repeat(" ", i))
		}
		path := write("deep-block-mappings.yaml", b.Bytes())
		var r *Result
		c := measure(func() { r = Load(context.Background(), []string{path}, Options{}) })
		within(t, c, 2*time.Second+time.Duration(b.Len()>>20)*150*time.Millisecond, 4*uint64(b.Len())+16<<20)
		// The mapping on line 4+i is level i+1 (the object is level 1), so
		// level 101 is on line 104; past its own limit, the parser stops
		// first, at the line where it does.
		want := 4 + DefaultMaxDepth
		if levels+1 > parserMaxDepth {
			want = 4 + levels
		}
		if len(r.Objects) != 0 || len(r.Errors) != 1 || !errors.Is(r.Errors[0], ErrTooDeep) || r.Errors[0].Line != want {
			t.Errorf("objects %d, errors %v; want too deep at line %d", len(r.Objects), r.Errors, want)
		}
	})

	t.Run("hundreds of megabytes", func(t *testing.T) {
		path := write("huge.yaml", nil)
		// Sparse: no disk is used, and reading it would take seconds.
		if err := os.Truncate(path, 300<<20); err != nil {
			t.Fatal(err)
		}
		var r *Result
		c := measure(func() { r = Load(context.Background(), []string{path}, Options{}) })
		within(t, c, 100*time.Millisecond, 1<<20)
		if len(r.Errors) != 1 || !errors.Is(r.Errors[0], ErrTooLarge) || r.Errors[0].File != path {
			t.Fatalf("errors %v, want one: file too large", r.Errors)
		}
		if want := "314572800 bytes, over the limit of 67108864"; !strings.Contains(r.Errors[0].Error(), want) {
			t.Errorf("%q does not say %q", r.Errors[0], want)
		}
	})

	t.Run("endless stdin", func(t *testing.T) {
		var r *Result
		const limit = 1 << 20
		c := measure(func() {
			r = Load(context.Background(), []string{"-"}, Options{Stdin: endless{}, MaxFileSize: limit})
		})
		within(t, c, 100*time.Millisecond, 8*limit)
		if len(r.Errors) != 1 || !errors.Is(r.Errors[0], ErrTooLarge) || r.Errors[0].File != StdinName {
			t.Fatalf("errors %v, want one: file too large", r.Errors)
		}
	})
}

// endless is an input that never ends.
type endless struct{}

func (endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'a'
	}
	return len(p), nil
}

var _ io.Reader = endless{}
