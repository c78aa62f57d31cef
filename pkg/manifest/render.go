package manifest

import (
	"bytes"
	"context"
	"errors"
)

// Renderer turns what stands for manifests, a Helm chart or a kustomize
// overlay, into the documents it renders. The render package implements it
// with Helm's and kustomize's libraries, which this package does not build.
type Renderer interface {
	// Renders reports whether path is something it renders: a directory
	// that holds a chart or an overlay, a chart archive. A walk that meets
	// one reads its rendering in place of its files.
	Renders(path string) bool
	// Includes are the other directories the rendering of path reads and
	// renders, such as an overlay's bases: a walk that meets them does
	// not render them on their own as well.
	Includes(path string) []string
	// Render renders path. An error is an input error; one that is an
	// *Error names the file and line that failed.
	Render(ctx context.Context, path string) ([]Rendered, error)
}

// Rendered is one document a Renderer made.
type Rendered struct {
	// File is the file a person edits for this object: a chart's
	// template, the file of an overlay's resource.
	File string
	// Line is the object's first line in File; 0 when unknown.
	Line int
	// Data is the document as rendered.
	Data []byte
	// Lines, when set, map the lines of Data (Lines[0] for its first) to
	// lines of File where a field is written as rendered; a 0 is a line
	// with no such place, which is given Line.
	Lines []int
	// Notes, when set, say for lines of Data where their value came from
	// when File does not write it ("values image.tag", "the patch
	// overlays/prod/replicas.yaml"); "" for none. Positions.Note reads
	// them.
	Notes []string
}

// renderedChunks turns the documents of a rendering into chunks of their
// files: each numbered as the nth document of its file, and the lines of
// its fields those of Lines, else the object's line.
func renderedChunks(docs []Rendered) []job {
	jobs := make([]job, 0, len(docs))
	count := map[string]int{}
	for _, d := range docs {
		data := d.Data
		if len(data) > 0 && data[len(data)-1] != '\n' {
			data = append(data[:len(data):len(data)], '\n')
		}
		count[d.File]++
		c := chunk{data: data, line: max(d.Line, 1), doc: count[d.File], notes: d.Notes}
		c.yamlLines = make([]int, bytes.Count(data, []byte("\n"))+1)
		for i := range c.yamlLines {
			c.yamlLines[i] = 1 // the object's line
			if i < len(d.Lines) && d.Lines[i] > 0 {
				c.yamlLines[i] = d.Lines[i] - c.line + 1
			}
		}
		jobs = append(jobs, job{d.File, c})
	}
	return jobs
}

// Unrendered is the error a Renderer returns for a path it recognises
// that renders nothing on its own, such as a kustomize Component (built
// only into the overlays that list it): the path is reported skipped, for
// Reason, and its files are not read.
type Unrendered struct{ Reason string }

func (u *Unrendered) Error() string { return u.Reason }

// renderError is err as an input error of path, unless it names its own
// file.
func renderError(path string, err error) *Error {
	var e *Error
	if errors.As(err, &e) && e.File != "" {
		return e
	}
	return &Error{File: path, Err: err}
}
