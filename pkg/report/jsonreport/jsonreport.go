// Package jsonreport writes a report as one JSON object: the stable
// contract for scripts ({"findings": [...], "summary": {...}, "errors": [...],
// "warnings": [...]}, and "audit" and "baseline" when the check ran them).
package jsonreport

import (
	"bufio"
	"encoding/json"
	"io"

	"github.com/prodready/prodready/pkg/report"
)

// Write writes r as indented JSON, the same bytes as a json.Encoder with
// two-space indentation would write, but one finding at a time: a check of
// a hundred thousand objects has a hundred thousand findings or more, and
// encoding them at once would hold the whole output in memory several
// times over.
func Write(w io.Writer, r *report.Report) error {
	out := &writer{w: bufio.NewWriter(w)}
	out.raw("{")
	list(out, "findings", r.Findings)
	list(out, "exempted", r.Exempted)
	out.value("summary", r.Summary)
	list(out, "errors", r.Errors)
	list(out, "warnings", r.Warnings)
	list(out, "skipped", r.Skipped)
	if r.Audit != nil {
		list(out, "audit", r.Audit)
	}
	if r.Baseline != nil {
		baseline(out, r.Baseline)
	}
	out.raw("\n}\n")
	if out.err != nil {
		return out.err
	}
	return out.w.Flush()
}

// writer writes the members of the top-level object, keeping the first
// error.
type writer struct {
	w       *bufio.Writer
	members int
	err     error
}

func (o *writer) raw(s string) {
	if o.err == nil {
		_, o.err = o.w.WriteString(s)
	}
}

func (o *writer) key(name string) {
	if o.members > 0 {
		o.raw(",")
	}
	o.members++
	o.raw("\n  \"" + name + "\": ")
}

func (o *writer) encode(v any, prefix string) {
	if o.err != nil {
		return
	}
	b, err := json.MarshalIndent(v, prefix, "  ")
	if err != nil {
		o.err = err
		return
	}
	_, o.err = o.w.Write(b)
}

func (o *writer) value(name string, v any) {
	o.key(name)
	o.encode(v, "  ")
}

// list writes items as a json.Encoder would: [] when empty (null when
// nil), else one item after another.
func list[T any](o *writer, name string, items []T) {
	o.key(name)
	array(o, items, "  ")
}

// array writes items at the indentation of indent.
func array[T any](o *writer, items []T, indent string) {
	switch {
	case items == nil:
		o.raw("null")
		return
	case len(items) == 0:
		o.raw("[]")
		return
	}
	o.raw("[")
	for i := range items {
		if i > 0 {
			o.raw(",")
		}
		o.raw("\n" + indent + "  ")
		o.encode(&items[i], indent+"  ")
	}
	o.raw("\n" + indent + "]")
}

// baseline writes what a baseline did, its known findings one at a time.
func baseline(o *writer, b *report.Baselined) {
	o.key("baseline")
	o.raw("{\n    \"file\": ")
	o.encode(b.File, "    ")
	o.raw(",\n    \"known\": ")
	array(o, b.Known, "    ")
	o.raw(",\n    \"fixed\": ")
	array(o, b.Fixed, "    ")
	o.raw("\n  }")
}
