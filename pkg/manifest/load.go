package manifest

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
)

// StdinName names the input read for the path "-".
const StdinName = "<stdin>"

// The limits when Options leave them 0.
const (
	// DefaultMaxFileSize is the size limit of a file.
	DefaultMaxFileSize = 64 << 20
	// DefaultMaxDepth is how deep mappings and sequences may nest: real
	// objects stay under 40 (a CRD's schema is the deepest), and rules
	// walk what they are given.
	DefaultMaxDepth = 100
	// DefaultMaxValues is how many values a document may hold, as
	// estimated from its lines and commas before it is parsed: parsing
	// costs about 250 bytes a value, so a document of a million tiny values
	// ("- 1" lines) would take a quarter of a gigabyte. An object stays far
	// below (etcd keeps none over 1.5 MB); a List of some thousands of
	// objects comes near.
	DefaultMaxValues = 1 << 20
)

// Options tune Load.
type Options struct {
	// Stdin is read for the path "-"; nil means os.Stdin.
	Stdin io.Reader
	// MaxFileSize is the largest file read, in bytes; a larger one is an
	// Error and is not read. 0 means DefaultMaxFileSize.
	MaxFileSize int64
	// MaxDepth is how deep mappings and sequences may nest in a document;
	// a deeper one is an Error. 0 means DefaultMaxDepth; the YAML parser
	// refuses documents deeper than 10000 whatever it says.
	MaxDepth int
	// MaxValues is how many values a document may hold, estimated from its
	// lines and commas; a larger one is an Error and is not parsed. 0
	// means DefaultMaxValues.
	MaxValues int
	// Workers is how many documents are decoded at once; 0 means
	// runtime.GOMAXPROCS(0).
	Workers int
	// Visit, when set, is called with each document's objects as soon as
	// they are decoded, from the decoding goroutines, concurrently and in no
	// particular order; while it runs, the objects' Positions reuse the
	// document's parse. The objects are then the visitor's alone: the
	// Result's Objects are records of them, with every field but Value
	// (their Content is nil, their Positions give their Line), so that
	// checking a million objects needs memory for those a visitor keeps,
	// not for all (engine.Check does this).
	Visit func(objs []*Object)
	// Progress, when set, is called with the number of documents read so
	// far each time one is handed to decoding, from the goroutine that
	// called Load: keep it cheap (the CLI stores the count for a ticker).
	Progress func(docs int)
	// Renderer, when set, renders the charts and overlays among the paths
	// and those a walk meets, whose files are then not read as manifests.
	Renderer Renderer
}

// Load reads files, directories and "-" (standard input). Directories are
// walked recursively for .yaml, .yml and .json files, skipping hidden files and
// directories such as .git; a file named explicitly is read whatever its
// name. The result is in path order whatever the order of paths, and the
// same whatever the number of workers.
//
// Cancelling ctx stops the walk and the decoding: the result then holds what
// was read, plus an Error (with no File) that wraps ctx.Err().
func Load(ctx context.Context, paths []string, opts Options) *Result {
	res := &Result{}
	var mu sync.Mutex
	walkErrs := read(ctx, paths, opts, func(r *Result) {
		if opts.Visit != nil && len(r.Objects) > 0 {
			opts.Visit(r.Objects)
			for i, o := range r.Objects {
				r.Objects[i] = o.record()
			}
		}
		mu.Lock()
		defer mu.Unlock()
		res.Objects = append(res.Objects, r.Objects...)
		res.Skipped = append(res.Skipped, r.Skipped...)
		res.Errors = append(res.Errors, r.Errors...)
	})
	res.Errors = append(res.Errors, walkErrs...)
	res.sort()
	if err := ctx.Err(); err != nil {
		res.Errors = append(res.Errors, &Error{Err: fmt.Errorf("loading stopped: %w", err)})
	}
	return res
}

// sort puts res in Load's order, whatever order the workers decoded the
// documents in: by file (as a directory walk meets them), document and
// List item.
func (res *Result) sort() {
	slices.SortStableFunc(res.Objects, func(a, b *Object) int {
		return cmp.Or(compareFiles(a.File, b.File), cmp.Compare(a.Doc, b.Doc), cmp.Compare(a.Item, b.Item))
	})
	slices.SortStableFunc(res.Skipped, func(a, b Skipped) int {
		return cmp.Or(compareFiles(a.File, b.File), cmp.Compare(a.Doc, b.Doc), cmp.Compare(a.Line, b.Line))
	})
	slices.SortStableFunc(res.Errors, func(a, b *Error) int {
		return cmp.Or(compareFiles(a.File, b.File), cmp.Compare(a.Doc, b.Doc), cmp.Compare(a.Line, b.Line))
	})
}

// read walks the paths and decodes their documents on opts.Workers
// goroutines, calling visit with each document's result; it returns the
// errors of the walk.
func read(ctx context.Context, paths []string, opts Options, visit func(r *Result)) []*Error {
	if opts.MaxFileSize <= 0 {
		opts.MaxFileSize = DefaultMaxFileSize
	}
	if opts.MaxDepth <= 0 {
		opts.MaxDepth = DefaultMaxDepth
	}
	if opts.MaxValues <= 0 {
		opts.MaxValues = DefaultMaxValues
	}
	if opts.Workers <= 0 {
		opts.Workers = runtime.GOMAXPROCS(0)
	}
	if opts.Stdin == nil {
		opts.Stdin = os.Stdin
	}
	inputs, errs := collect(ctx, paths, opts.Renderer)

	// Decoding is where the time goes, and a few big files often hold most
	// of it (an install.yaml full of CRDs), so the work is shared out by
	// document, not by file: this goroutine reads and splits the files in
	// order, and the workers parse the documents.
	jobs := make(chan job)
	var wg sync.WaitGroup
	for range opts.Workers {
		wg.Go(func() {
			for j := range jobs {
				r := &Result{}
				r.parseDocument(j.file, j.c, limits{opts.MaxDepth, opts.MaxValues})
				visit(r)
				r.release()
			}
		})
	}
	docs := 0 // handed to the workers, for Progress
	var patches patchLists
feed:
	for _, in := range inputs {
		if ctx.Err() != nil {
			break
		}
		var todo []job
		if in.render {
			docs, err := opts.Renderer.Render(ctx, in.name)
			if ctx.Err() != nil {
				break
			}
			var skip *Unrendered
			switch {
			case errors.As(err, &skip):
				visit(&Result{Skipped: []Skipped{{File: in.name, Reason: skip.Reason}}})
				continue
			case err != nil:
				visit(&Result{Errors: []*Error{renderError(in.name, err)}})
				continue
			}
			todo = renderedChunks(docs)
		} else {
			if kustomization, ok := patchOf(&patches, in); ok {
				visit(&Result{Skipped: []Skipped{{File: in.name, Reason: "a kustomize patch listed in " + kustomization + ", not an object: check the overlay's directory, which applies it"}}})
				continue
			}
			data, err := readInput(in, opts)
			if ctx.Err() != nil {
				break // the read may be cut short
			}
			if err == nil && in.stdin && len(bytes.TrimSpace(data)) == 0 {
				err = ErrEmptyStdin
			}
			if err != nil {
				visit(&Result{Errors: []*Error{{File: in.name, Err: err}}})
				continue
			}
			chunks, r := splitFile(in.name, data, strings.EqualFold(filepath.Ext(in.name), ".json"))
			if r != nil {
				visit(r)
				continue
			}
			for _, c := range chunks {
				todo = append(todo, job{in.name, c})
			}
		}
		for _, j := range todo {
			select {
			case jobs <- j:
			case <-ctx.Done():
				break feed
			}
			if opts.Progress != nil {
				docs++
				opts.Progress(docs)
			}
		}
	}
	close(jobs)
	wg.Wait() // a document handed to a worker is parsed to its end
	return errs
}

// patchOf says whether in is a kustomize patch (see patchLists.patchOf);
// standard input never is.
func patchOf(p *patchLists, in input) (string, bool) {
	if in.stdin {
		return "", false
	}
	return p.patchOf(in.name)
}

// job is one document to decode, named by its file.
type job struct {
	file string
	c    chunk
}

// input is a file to read, standard input, or a chart or overlay to render.
type input struct {
	name   string // as given or found; StdinName for "-"
	stdin  bool
	render bool
	walked bool // found by a walk, not given
}

// collect turns the paths into the list of inputs to read, in path order,
// with an Error for each path that cannot be used.
func collect(ctx context.Context, paths []string, renderer Renderer) ([]input, []*Error) {
	var inputs []input
	var errs []*Error
	seen := map[string]bool{}
	add := func(in input) {
		// The same file named twice, or reached through two given paths,
		// is read once.
		if key := filepath.Clean(in.name); !seen[key] {
			seen[key] = true
			inputs = append(inputs, in)
		}
	}
	for _, p := range paths {
		if ctx.Err() != nil {
			break
		}
		if p == "-" {
			add(input{name: StdinName, stdin: true})
			continue
		}
		info, err := os.Stat(p)
		switch {
		case err != nil:
			errs = append(errs, &Error{File: p, Err: unwrapPath(err)})
		case renderer != nil && renderer.Renders(p):
			add(input{name: p, render: true})
		case info.IsDir():
			found, walkErrs := walk(ctx, p, renderer)
			errs = append(errs, walkErrs...)
			if len(found) == 0 && len(walkErrs) == 0 && ctx.Err() == nil {
				errs = append(errs, &Error{File: p, Err: ErrNoManifests})
			}
			for _, f := range found {
				add(f)
			}
		default:
			add(input{name: p})
		}
	}
	slices.SortFunc(inputs, func(a, b input) int { return compareFiles(a.name, b.name) })
	return withoutIncluded(inputs, renderer), errs
}

// withoutIncluded drops the charts and overlays a walk found that another
// one renders as part of its own (an overlay's base): each object is then
// checked once, as the overlay makes it. One named on the command line
// stays.
func withoutIncluded(inputs []input, renderer Renderer) []input {
	included := map[string]bool{}
	for _, in := range inputs {
		if in.render {
			for _, p := range renderer.Includes(in.name) {
				included[filepath.Clean(p)] = true
			}
		}
	}
	return slices.DeleteFunc(inputs, func(in input) bool {
		return in.render && in.walked && included[filepath.Clean(in.name)]
	})
}

// walk finds the manifest files under dir, and the charts and overlays
// renderer renders, whose files it does not read.
func walk(ctx context.Context, dir string, renderer Renderer) ([]input, []*Error) {
	var files []input
	var errs []*Error
	root := dir
	if info, err := os.Lstat(dir); err == nil && info.Mode()&fs.ModeSymlink != 0 {
		// WalkDir does not follow a symlinked root; a trailing separator
		// makes it look through the link.
		root = dir + string(filepath.Separator)
	}
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return ctxErr // ends the walk; Load reports the cancellation
		}
		if err != nil {
			errs = append(errs, &Error{File: p, Err: unwrapPath(err)})
			return nil // WalkDir skips what it could not read
		}
		if d.IsDir() {
			if p != root && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir // .git, .github, .terraform and the like
			}
			if renderer != nil && renderer.Renders(p) {
				files = append(files, input{name: p, render: true, walked: true})
				return filepath.SkipDir
			}
			return nil
		}
		// Hidden files (.prodready.yaml, .pre-commit-config.yaml) are tool
		// configuration, not manifests; a file named explicitly is still read.
		if strings.HasPrefix(d.Name(), ".") || !isManifestName(d.Name()) {
			return nil
		}
		if !d.Type().IsRegular() {
			// A symlink is read if it leads to a file; directories behind
			// symlinks are not walked, so a link cannot make a cycle.
			if info, err := os.Stat(p); err != nil || !info.Mode().IsRegular() {
				return nil
			}
		}
		files = append(files, input{name: p})
		return nil
	})
	return files, errs
}

func isManifestName(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".yaml", ".yml", ".json":
		return true
	}
	return false
}

// compareFiles orders file names by their cleaned paths ("./a.yaml" is
// "a.yaml"), compared as comparePaths does.
func compareFiles(a, b string) int {
	return comparePaths(filepath.Clean(a), filepath.Clean(b))
}

// comparePaths orders paths as a directory walk meets them: component by
// component, so that "a/b.yaml" comes before "a-c.yaml" (a plain string
// comparison would put '-' before '/').
func comparePaths(a, b string) int {
	for a != "" && b != "" {
		var ca, cb string
		ca, a, _ = strings.Cut(a, string(filepath.Separator))
		cb, b, _ = strings.Cut(b, string(filepath.Separator))
		if c := strings.Compare(ca, cb); c != 0 {
			return c
		}
	}
	return strings.Compare(a, b)
}

func readInput(in input, opts Options) ([]byte, error) {
	if in.stdin {
		return readLimited(opts.Stdin, 0, opts.MaxFileSize)
	}
	f, err := os.Open(in.name)
	if err != nil {
		return nil, unwrapPath(err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, unwrapPath(err)
	}
	if info.Size() > opts.MaxFileSize {
		// Refused before reading: a file this big is a mistake, not a
		// manifest.
		return nil, fmt.Errorf("%w: %d bytes, over the limit of %d", ErrTooLarge, info.Size(), opts.MaxFileSize)
	}
	data, err := readLimited(f, info.Size(), opts.MaxFileSize)
	return data, unwrapPath(err)
}

// readLimited reads r to its end, failing once it passes limit bytes. The
// size is only a hint for the buffer: files can grow, and pipes have none.
func readLimited(r io.Reader, sizeHint, limit int64) ([]byte, error) {
	r = io.LimitReader(r, limit+1)
	buf := make([]byte, 0, min(sizeHint, limit)+512)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > limit {
			return nil, fmt.Errorf("%w: over the limit of %d bytes", ErrTooLarge, limit)
		}
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// unwrapPath drops the operation and path from an *fs.PathError: the Error
// already names the file, so "missing.yaml: no such file or directory" reads
// better than "missing.yaml: stat missing.yaml: no such file or directory".
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
