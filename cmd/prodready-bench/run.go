package main

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The tools of a measurement, as the table names them.
const (
	toolLoad       = "load-only"
	toolCheck      = "prodready check"
	toolConftest   = "conftest"
	toolKubeScore  = "kube-score"
	toolCheckFiles = "prodready check, kube-score's files"
	toolVersion    = "prodready version"
)

// kubeScoreMaxSize is the largest generated corpus kube-score runs on: it
// takes files only, and the file names of a larger one do not fit on a
// command line (100k objects are about 60,000 files).
const kubeScoreMaxSize = 10000

// The targets of issues 7 and 18.
const (
	conftestFactor  = 10                    // prodready at least this many times faster than conftest
	loadFactor      = 3                     // a whole check at most this many times load-only
	rssSize         = 100000                // the generated corpus whose memory is bounded
	rssLimit        = 768 << 20             // bytes
	realFactor      = 1.5                   // on the real corpus, at least this many times faster than kube-score
	realRSSFactor   = 2                     // and at most this many times its peak memory
	fixedCostMargin = 50 * time.Millisecond // a check of the demo, over prodready version
)

// The small inputs, beside the real corpus they come from: the README's
// demo (2 objects) and one real application (about 50 objects).
const (
	demoName = "examples/demo"
	appName  = "microservices-demo"
)

type runOptions struct {
	corpus    string // the real corpus
	sizes     []int  // the generated corpora, in objects
	work      string // where they are generated
	tools     string // conftest and kube-score
	prodready string
	markdown  bool
	self      string // this program, for load
	log       io.Writer
}

func runCommand(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("run", stderr)
	o := runOptions{log: stderr}
	fs.StringVar(&o.corpus, "corpus", "../shared/corpus", "the real corpus")
	sizes := fs.String("sizes", "10000,100000", "the generated corpora to measure, in objects, comma-separated (empty: none)")
	fs.StringVar(&o.work, "work", ".bench", "where the generated corpora are written")
	fs.StringVar(&o.tools, "tools", ".tools/bin", "the directory of conftest and kube-score (bash scripts/install-tools.sh bench)")
	fs.StringVar(&o.prodready, "prodready", "bin/prodready", "the prodready binary to measure (make build)")
	fs.BoolVar(&o.markdown, "markdown", false, "print the results as Markdown, for docs/performance.md")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	var err error
	if o.sizes, err = parseSizes(*sizes); err != nil {
		return err
	}
	if o.self, err = os.Executable(); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	loadBefore := loadAverage()
	results, err := measureAll(ctx, o)
	if err != nil {
		return err
	}
	machine := fmt.Sprintf("%d CPUs, %s", runtime.NumCPU(), runtime.Version())
	if before, after := loadBefore, loadAverage(); before != "" && after != "" {
		// Other work on the machine slows every tool, the one-core ones
		// less: the figures compare well only on an idle machine.
		machine += fmt.Sprintf(", load average %s at the start, %s at the end", before, after)
	}
	verdicts := targets(results)
	if o.markdown {
		err = writeMarkdown(stdout, machine, results, verdicts)
	} else {
		err = writeText(stdout, machine, results, verdicts)
	}
	if err != nil {
		return err
	}
	for _, v := range verdicts {
		if v.status == fail {
			return errTargetMissed
		}
	}
	return nil
}

func parseSizes(s string) ([]int, error) {
	var sizes []int
	for f := range strings.SplitSeq(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("-sizes: %q is not a number of objects", f)
		}
		sizes = append(sizes, n)
	}
	slices.Sort(sizes)
	return slices.Compact(sizes), nil
}

// corpusResult is what was measured on one corpus.
type corpusResult struct {
	name  string
	size  int  // the requested size of a generated corpus; 0 for the real one
	small bool // the demo or one application, not a corpus
	rows  []*row
}

// row is one tool on one corpus.
type row struct {
	tool    string
	objects int
	walls   []time.Duration
	cpus    []time.Duration // user and system time of each run
	peak    int64           // bytes, the largest of the runs; 0 if unknown
	note    string
}

func (c *corpusResult) row(tool string) *row {
	for _, r := range c.rows {
		if r.tool == tool && len(r.walls) > 0 {
			return r
		}
	}
	return nil
}

// job is a command to time, and the row it fills.
type job struct {
	row  *row
	argv []string
	// inputErrors: prodready's exit 2 (input errors) is expected here, and
	// noted rather than fatal.
	inputErrors bool
	// optional: a failure is noted in the row, which is then left out,
	// instead of ending the benchmark.
	optional bool
	failed   bool
}

// bench is one run of the benchmark.
type bench struct {
	runOptions
	conftest, kubeScore string
	// refused are the files of the real corpus kube-score cannot read,
	// relative to it; paths are all its files and accepted the others.
	refused         map[string]bool
	paths, accepted []string
}

func measureAll(ctx context.Context, o runOptions) ([]*corpusResult, error) {
	b := &bench{runOptions: o, conftest: filepath.Join(o.tools, "conftest"), kubeScore: filepath.Join(o.tools, "kube-score")}
	for _, need := range []struct{ path, fix string }{
		{o.prodready, "make build"},
		{b.conftest, "bash scripts/install-tools.sh bench"},
		{b.kubeScore, "bash scripts/install-tools.sh bench"},
		{"bundles/conftest/policy", "run from the repository's root"},
	} {
		if _, err := os.Stat(need.path); err != nil {
			return nil, fmt.Errorf("%s: %w (%s)", need.path, unwrapPath(err), need.fix)
		}
	}
	if err := b.sortRefusals(ctx); err != nil {
		return nil, err
	}
	var results []*corpusResult
	for _, small := range []struct {
		name string
		dir  string
	}{{demoName, demoName}, {appName, filepath.Join(o.corpus, appName)}} {
		res, err := b.measureSmall(ctx, small.name, small.dir)
		if err != nil {
			return nil, err
		}
		results = append(results, res)
	}
	real, err := b.measureReal(ctx)
	if err != nil {
		return nil, err
	}
	results = append(results, real)
	for _, size := range o.sizes {
		res, err := b.measureGenerated(ctx, size)
		if err != nil {
			return nil, err
		}
		results = append(results, res)
	}
	return results, nil
}

// check is the command line of a whole check.
func (b *bench) check(paths ...string) []string {
	return append([]string{b.prodready, "check", "-o", "json", "--no-config", "--fail-on", "critical"}, paths...)
}

// sortRefusals finds the files of the real corpus kube-score refuses
// (b.refused), so that it is timed on the others only, and so is
// prodready to compare with it.
func (b *bench) sortRefusals(ctx context.Context) error {
	files, err := corpusFiles(b.corpus)
	if err != nil {
		return err
	}
	b.paths = joinAll(b.corpus, files)
	fmt.Fprintf(b.log, "kube-score: reading the %d files of %s one by one, to find the ones it accepts\n", len(b.paths), b.corpus)
	refused, err := kubeScoreRefusals(ctx, b.kubeScore, b.paths)
	if err != nil {
		return err
	}
	b.refused = map[string]bool{}
	for i, p := range b.paths {
		if reason, ok := refused[p]; ok {
			fmt.Fprintf(b.log, "kube-score refuses %s: %s\n", p, reason)
			b.refused[files[i]] = true
		} else {
			b.accepted = append(b.accepted, p)
		}
	}
	if len(b.accepted) == 0 {
		return fmt.Errorf("kube-score refuses every file of %s", b.corpus)
	}
	return nil
}

// measureReal measures every tool on the real corpus; kube-score, and
// prodready to compare with it, on the files kube-score accepts.
func (b *bench) measureReal(ctx context.Context) (*corpusResult, error) {
	paths, accepted := b.paths, b.accepted
	objects, err := countObjects(ctx, b.self, paths)
	if err != nil {
		return nil, err
	}
	objectsAccepted, err := countObjects(ctx, b.self, accepted)
	if err != nil {
		return nil, err
	}
	res := &corpusResult{name: b.corpus}
	jobs := []*job{
		{row: &row{tool: toolLoad, objects: objects}, argv: []string{b.self, "load", b.corpus}},
		{row: &row{tool: toolCheck, objects: objects}, argv: b.check(b.corpus), inputErrors: true},
		{row: &row{tool: toolConftest, objects: objects}, argv: append([]string{b.conftest, "test", "--all-namespaces",
			"-p", "bundles/conftest/policy", "-d", "bundles/conftest/data"}, paths...)},
		{row: &row{tool: toolKubeScore, objects: objectsAccepted}, argv: append([]string{b.kubeScore, "score"}, accepted...)},
		{row: &row{tool: toolCheckFiles, objects: objectsAccepted}, argv: b.check(accepted...), inputErrors: true},
	}
	return res, measureCorpus(ctx, b.log, res, jobs, 5)
}

// measureSmall measures prodready and kube-score on a small input, where
// the fixed cost of a run is most of it, and prodready version (its start
// alone) on the demo. Of an input of the real corpus (name is its path
// there), they read the files kube-score accepts.
func (b *bench) measureSmall(ctx context.Context, name, dir string) (*corpusResult, error) {
	files, err := corpusFiles(dir)
	if err != nil {
		return nil, err
	}
	var accepted []string
	for _, f := range files {
		if !b.refused[filepath.Join(name, f)] {
			accepted = append(accepted, filepath.Join(dir, f))
		}
	}
	objects, err := countObjects(ctx, b.self, accepted)
	if err != nil {
		return nil, err
	}
	res := &corpusResult{name: name, small: true}
	var jobs []*job
	if name == demoName {
		jobs = append(jobs, &job{row: &row{tool: toolVersion}, argv: []string{b.prodready, "version"}})
	}
	jobs = append(jobs,
		&job{row: &row{tool: toolKubeScore, objects: objects}, argv: append([]string{b.kubeScore, "score"}, accepted...)},
		&job{row: &row{tool: toolCheckFiles, objects: objects}, argv: b.check(accepted...)})
	return res, measureCorpus(ctx, b.log, res, jobs, 11)
}

// measureGenerated generates a corpus of size objects (or reuses it) and
// measures load-only and prodready on it, and kube-score on a small one.
func (b *bench) measureGenerated(ctx context.Context, size int) (*corpusResult, error) {
	dir := filepath.Join(b.work, fmt.Sprintf("corpus-%d", size))
	fmt.Fprintf(b.log, "generating %s (%d objects) from %s\n", dir, size, b.corpus)
	g, err := generate(generateOptions{Corpus: b.corpus, Objects: size, Out: dir})
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(b.log, "%s: %s\n", dir, g)
	res := &corpusResult{name: "generated " + sizeName(size), size: size}
	jobs := []*job{
		{row: &row{tool: toolLoad, objects: g.Objects}, argv: []string{b.self, "load", dir}},
		{row: &row{tool: toolCheck, objects: g.Objects}, argv: b.check(dir)},
	}
	if size <= kubeScoreMaxSize {
		// The copies of the files kube-score refuses are left out.
		files, err := corpusFiles(dir)
		if err != nil {
			return nil, err
		}
		var accepted []string
		for _, f := range files {
			_, rel, _ := strings.Cut(f, string(filepath.Separator)) // under copy-<k>
			if !b.refused[rel] {
				accepted = append(accepted, filepath.Join(dir, f))
			}
		}
		n, err := countObjects(ctx, b.self, accepted)
		if err != nil {
			return nil, err
		}
		jobs = append(jobs,
			&job{row: &row{tool: toolKubeScore, objects: n}, argv: append([]string{b.kubeScore, "score"}, accepted...), optional: true},
			&job{row: &row{tool: toolCheckFiles, objects: n}, argv: b.check(accepted...)})
	}
	reps := 3
	if size >= rssSize {
		reps = 1 // memory is the point here, and one run takes minutes
	}
	return res, measureCorpus(ctx, b.log, res, jobs, reps)
}

// countObjects is the number of objects prodready reads from paths, as the
// load command prints it.
func countObjects(ctx context.Context, self string, paths []string) (int, error) {
	s, err := measure(ctx, append([]string{self, "load"}, paths...), true)
	if err == nil && s.exit != 0 {
		err = fmt.Errorf("exit %d: %s", s.exit, oneLine(s.stderr))
	}
	if err != nil {
		return 0, fmt.Errorf("%s load: %w", self, err)
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(s.stdout)))
	if err != nil {
		return 0, fmt.Errorf("%s load printed %q, not a number of objects", self, s.stdout)
	}
	return n, nil
}

// measureCorpus runs the jobs reps times, taking turns so that a slow
// moment of the machine does not fall on one tool alone.
func measureCorpus(ctx context.Context, log io.Writer, res *corpusResult, jobs []*job, reps int) error {
	for _, j := range jobs {
		res.rows = append(res.rows, j.row)
	}
	for rep := 1; rep <= reps; rep++ {
		for _, j := range jobs {
			if j.failed {
				continue
			}
			fmt.Fprintf(log, "%s: %s, run %d of %d", res.name, j.row.tool, rep, reps)
			s, err := measure(ctx, j.argv, false)
			if err != nil {
				fmt.Fprintln(log)
				return fmt.Errorf("%s: %w", j.argv[0], err)
			}
			fmt.Fprintf(log, ": %s\n", formatWall(s.wall))
			if err := j.accept(s); err != nil {
				if !j.optional {
					return fmt.Errorf("%s on %s: %w", j.row.tool, res.name, err)
				}
				j.failed = true
				j.row.note = err.Error()
				j.row.walls = nil
				fmt.Fprintf(log, "%s on %s: %v; left out\n", j.row.tool, res.name, err)
				continue
			}
			j.row.walls = append(j.row.walls, s.wall)
			j.row.cpus = append(j.row.cpus, s.cpu)
			j.row.peak = max(j.row.peak, s.peak)
		}
	}
	return nil
}

// accept tells whether a run did its work: exit 0 or 1 (findings) and
// nothing on stderr, where every tool here reports what it could not read.
func (j *job) accept(s sample) error {
	switch {
	case s.exit == 2 && j.inputErrors:
		j.row.note = "exit 2: prodready reports input errors in this corpus"
	case s.exit != 0 && s.exit != 1:
		return fmt.Errorf("exit %d: %s", s.exit, oneLine(s.stderr))
	case len(s.stderr) > 0:
		return fmt.Errorf("exit %d and on stderr: %s", s.exit, oneLine(s.stderr))
	}
	return nil
}

// sample is one timed run of a command.
type sample struct {
	wall, cpu      time.Duration
	peak           int64 // bytes; 0 if unknown
	exit           int   // -1 if killed by a signal
	stdout, stderr []byte
}

// measure runs a command as a child process and times it. Its standard
// output goes to /dev/null unless it is wanted: a pipe read by this
// process would cost the child time a user's redirect does not.
func measure(ctx context.Context, argv []string, wantStdout bool) (sample, error) {
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	var stdout bytes.Buffer
	stderr := &capped{max: 4 << 10}
	if wantStdout {
		cmd.Stdout = &stdout
	}
	cmd.Stderr = stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if ctx.Err() != nil {
		return sample{}, ctx.Err()
	}
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		return sample{}, err
	}
	return sample{wall: wall, cpu: cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(), peak: peakRSS(cmd.ProcessState), exit: cmd.ProcessState.ExitCode(),
		stdout: stdout.Bytes(), stderr: stderr.Bytes()}, nil
}

// capped keeps the first max bytes written to it.
type capped struct {
	bytes.Buffer
	max int
}

func (c *capped) Write(p []byte) (int, error) {
	if room := c.max - c.Len(); room > 0 {
		c.Buffer.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

// kubeScoreRefusals runs kube-score on each file alone, two at a time, and
// returns the files it refuses, with its reason: it stops at the first file
// it cannot decode, so one such file would stop the whole run.
func kubeScoreRefusals(ctx context.Context, kubeScore string, paths []string) (map[string]string, error) {
	refused := map[string]string{}
	var mu sync.Mutex
	var firstErr error
	sem := make(chan struct{}, 2)
	var wg sync.WaitGroup
	for _, p := range paths {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			s, err := measure(ctx, []string{kubeScore, "score", p}, false)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err != nil:
				firstErr = cmp.Or(firstErr, err)
			case s.exit > 1 || s.exit < 0 || len(s.stderr) > 0:
				refused[p] = oneLine(s.stderr)
			}
		})
	}
	wg.Wait()
	return refused, firstErr
}

// oneLine is what a tool wrote on stderr, on one line and cut short: the
// gist of why it failed, for a table note.
func oneLine(b []byte) string {
	s := strings.Join(strings.Fields(string(b)), " ")
	if r := []rune(s); len(r) > 200 {
		s = string(r[:200]) + "…"
	}
	return cmp.Or(s, "(nothing on stderr)")
}

func joinAll(dir string, rels []string) []string {
	paths := make([]string, len(rels))
	for i, rel := range rels {
		paths[i] = filepath.Join(dir, rel)
	}
	return paths
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func sizeName(n int) string {
	if n%1000 == 0 {
		return fmt.Sprintf("%dk", n/1000)
	}
	return strconv.Itoa(n)
}

// median of the durations (the mean of the middle two for an even count).
func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	if n := len(s); n%2 == 0 {
		return (s[n/2-1] + s[n/2]) / 2
	}
	return s[len(s)/2]
}

// status of a target.
type status string

const (
	pass status = "PASS"
	fail status = "FAIL"
	skip status = "not measured"
)

// verdict is a target of issue 7 against this run.
type verdict struct {
	target   string
	measured string
	status   status
}

// walls and cpus are the times a ratio compares.
func walls(r *row) []time.Duration { return r.walls }
func cpus(r *row) []time.Duration  { return r.cpus }

// ratio of the median times (walls or cpus) of two tools on one corpus;
// ok is false when either was not measured.
func ratio(c *corpusResult, num, den string, times func(*row) []time.Duration) (r float64, ok bool) {
	n, d := c.row(num), c.row(den)
	if n == nil || d == nil || median(times(d)) <= 0 {
		return 0, false
	}
	return float64(median(times(n))) / float64(median(times(d))), true
}

func targets(results []*corpusResult) []verdict {
	var vs []verdict
	judge := func(target string, ok bool, measured string) {
		st := fail
		if ok {
			st = pass
		}
		vs = append(vs, verdict{target, measured, st})
	}
	for _, c := range results {
		if r, ok := ratio(c, toolConftest, toolCheck, walls); ok {
			judge(fmt.Sprintf("prodready ≥%dx faster than conftest (%s)", conftestFactor, c.name),
				r >= conftestFactor, fmt.Sprintf("%.1fx", r))
		}
	}
	for _, c := range results {
		r, ok := ratio(c, toolKubeScore, toolCheckFiles, walls)
		if !ok {
			continue
		}
		judge(fmt.Sprintf("prodready faster than kube-score (%s)", c.name), r > 1, fmt.Sprintf("%.2fx", r))
		if c.small || c.size != 0 {
			continue
		}
		judge(fmt.Sprintf("prodready ≥%.1fx faster than kube-score (%s)", realFactor, c.name), r >= realFactor, fmt.Sprintf("%.2fx", r))
		if r, ok := ratio(c, toolCheckFiles, toolKubeScore, cpus); ok {
			judge(fmt.Sprintf("prodready's CPU ≤ kube-score's (%s)", c.name), r <= 1, fmt.Sprintf("%.2fx", r))
		}
		if p, k := c.row(toolCheckFiles).peak, c.row(toolKubeScore).peak; p > 0 && k > 0 {
			r := float64(p) / float64(k)
			judge(fmt.Sprintf("prodready's peak RSS ≤ %dx kube-score's (%s)", realRSSFactor, c.name), r <= realRSSFactor, fmt.Sprintf("%.2fx", r))
		}
	}
	for _, c := range results {
		check, version := c.row(toolCheckFiles), c.row(toolVersion)
		if check != nil && version != nil {
			d := median(check.walls) - median(version.walls)
			judge(fmt.Sprintf("a check of %s within %s of prodready version", c.name, formatWall(fixedCostMargin)), d <= fixedCostMargin, "+"+formatWall(d))
		}
	}
	for _, c := range results {
		if r, ok := ratio(c, toolCheck, toolLoad, walls); ok && c.size != 0 {
			judge(fmt.Sprintf("check ≤%dx load-only (%s)", loadFactor, c.name), r <= loadFactor, fmt.Sprintf("%.2fx", r))
		}
	}
	rss := verdict{target: fmt.Sprintf("check's peak RSS < %d MiB (generated %s)", rssLimit>>20, sizeName(rssSize)), status: skip}
	for _, c := range results {
		if r := c.row(toolCheck); c.size == rssSize && r != nil && r.peak > 0 {
			st := fail
			if r.peak < rssLimit {
				st = pass
			}
			rss.measured, rss.status = fmt.Sprintf("%.0f MiB", mib(r.peak)), st
		}
	}
	return append(vs, rss)
}

// ratios are the comparisons the table ends with, each on one corpus.
func ratios(c *corpusResult) []string {
	var out []string
	for _, p := range []struct{ name, num, den string }{
		{"conftest / prodready check", toolConftest, toolCheck},
		{"kube-score / prodready check (kube-score's files)", toolKubeScore, toolCheckFiles},
		{"check / load-only", toolCheck, toolLoad},
	} {
		if r, ok := ratio(c, p.num, p.den, walls); ok {
			out = append(out, fmt.Sprintf("%s: %.2fx", p.name, r))
		}
	}
	if r, ok := ratio(c, toolCheckFiles, toolKubeScore, cpus); ok {
		out = append(out, fmt.Sprintf("CPU, prodready check / kube-score: %.2fx", r))
	}
	return out
}

// loadAverage is the system's one-minute load average, "" if unknown.
func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	first, _, _ := strings.Cut(string(data), " ")
	return first
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }

func formatWall(d time.Duration) string {
	if d < time.Second {
		return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%.2f s", d.Seconds())
}

var header = []string{"corpus", "objects", "tool", "median wall", "min", "median CPU", "runs", "objects/s", "µs/object", "peak RSS MiB"}

// cells are a row's columns, as header names them.
func (r *row) cells(corpus string) []string {
	if len(r.walls) == 0 {
		return []string{corpus, strconv.Itoa(r.objects), r.tool, "-", "-", "-", "0", "-", "-", "-"}
	}
	med := median(r.walls)
	peak := "n/a"
	if r.peak > 0 {
		peak = fmt.Sprintf("%.0f", mib(r.peak))
	}
	return []string{
		corpus, strconv.Itoa(r.objects), r.tool,
		formatWall(med), formatWall(slices.Min(r.walls)), formatWall(median(r.cpus)), strconv.Itoa(len(r.walls)),
		perObject("%.0f", float64(r.objects)/med.Seconds(), r.objects),
		perObject("%.1f", float64(med.Microseconds())/float64(max(r.objects, 1)), r.objects),
		peak,
	}
}

// perObject formats a per-object figure, "-" for a run of no objects
// (prodready version).
func perObject(format string, v float64, objects int) string {
	if objects == 0 {
		return "-"
	}
	return fmt.Sprintf(format, v)
}

func notes(results []*corpusResult) []string {
	var out []string
	for _, c := range results {
		for _, r := range c.rows {
			if r.note != "" {
				out = append(out, fmt.Sprintf("%s, %s: %s", c.name, r.tool, r.note))
			}
		}
	}
	return out
}

func writeText(w io.Writer, machine string, results []*corpusResult, verdicts []verdict) error {
	rows := [][]string{header}
	for _, c := range results {
		for _, r := range c.rows {
			rows = append(rows, r.cells(c.name))
		}
	}
	var b strings.Builder
	b.WriteString(machine + "\n\n")
	b.WriteString(alignColumns(rows))
	b.WriteString("\nratios of median walls\n")
	for _, c := range results {
		for _, r := range ratios(c) {
			fmt.Fprintf(&b, "  %s: %s\n", c.name, r)
		}
	}
	if ns := notes(results); len(ns) > 0 {
		b.WriteString("\nnotes\n")
		for _, n := range ns {
			fmt.Fprintf(&b, "  %s\n", n)
		}
	}
	b.WriteString("\ntargets (issues 7 and 18)\n")
	for _, v := range verdicts {
		fmt.Fprintf(&b, "  %-12s %s: %s\n", v.status, v.target, cmp.Or(v.measured, "-"))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// alignColumns pads columns to their widest cell, numbers to the right.
func alignColumns(rows [][]string) string {
	widths := make([]int, len(rows[0]))
	for _, r := range rows {
		for i, c := range r {
			widths[i] = max(widths[i], len([]rune(c)))
		}
	}
	var b strings.Builder
	for _, r := range rows {
		for i, c := range r {
			pad := strings.Repeat(" ", widths[i]-len([]rune(c)))
			switch {
			case i == 0 || i == 2:
				b.WriteString(c + pad)
			default:
				b.WriteString(pad + c)
			}
			if i < len(r)-1 {
				b.WriteString("  ")
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}

func writeMarkdown(w io.Writer, machine string, results []*corpusResult, verdicts []verdict) error {
	var b strings.Builder
	fmt.Fprintf(&b, "`make bench` (`go run ./cmd/prodready-bench run`): %s.\n\n", machine)
	b.WriteString("| " + strings.Join(header, " | ") + " |\n|---|--:|---|--:|--:|--:|--:|--:|--:|--:|\n")
	for _, c := range results {
		for _, r := range c.rows {
			b.WriteString("| " + strings.Join(r.cells(c.name), " | ") + " |\n")
		}
	}
	b.WriteString("\n| corpus | ratio of median walls |\n|---|---|\n")
	for _, c := range results {
		for _, r := range ratios(c) {
			fmt.Fprintf(&b, "| %s | %s |\n", c.name, r)
		}
	}
	if ns := notes(results); len(ns) > 0 {
		b.WriteString("\n")
		for _, n := range ns {
			fmt.Fprintf(&b, "- %s\n", n)
		}
	}
	b.WriteString("\n| target (issues 7 and 18) | measured | result |\n|---|---|---|\n")
	for _, v := range verdicts {
		fmt.Fprintf(&b, "| %s | %s | %s |\n", v.target, cmp.Or(v.measured, "-"), v.status)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
