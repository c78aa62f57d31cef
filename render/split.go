package render

import (
	"os"
	"regexp"
	"strings"

	"github.com/prodready/prodready/pkg/manifest"
)

// docSeparator is a line that starts a YAML document.
var docSeparator = regexp.MustCompile(`(?m)^---[ \t]*(?:#.*)?$`)

// splitYAML cuts a stream into its documents.
func splitYAML(s string) []string {
	var docs []string
	for _, d := range docSeparator.Split(s, -1) {
		if d = strings.TrimLeft(d, "\n"); strings.TrimSpace(d) != "" {
			docs = append(docs, d)
		}
	}
	return docs
}

// stripComments drops the comment lines of a document.
func stripComments(doc string) string {
	var b strings.Builder
	for _, line := range strings.Split(doc, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "#") {
			b.WriteString(line)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// document is a YAML document of a file, as written (a chart's template
// may not be YAML until rendered).
type document struct {
	lines  []string
	start  int // the line of lines[0]
	object int // the line the object starts on; 0 when it has none
}

// documents cuts file into its documents, each with the line its object
// starts on: its apiVersion or kind line, else its first line that is
// neither blank, a comment nor a template action. Nil when the file cannot
// be read.
func documents(file string) []document {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil
	}
	lines := strings.Split(string(data), "\n")
	var docs []document
	start := 0
	for i := 0; i <= len(lines); i++ {
		if i < len(lines) && !docSeparator.MatchString(lines[i]) {
			continue
		}
		d := document{lines: lines[start:i], start: start + 1}
		first := 0
		for j, l := range d.lines {
			t := strings.TrimSpace(l)
			if first == 0 && t != "" && !strings.HasPrefix(t, "#") && !strings.HasPrefix(t, "{{") {
				first = start + j + 1
			}
			if d.object == 0 && (strings.HasPrefix(l, "apiVersion:") || strings.HasPrefix(l, "kind:")) {
				d.object = start + j + 1
			}
		}
		if d.object == 0 {
			d.object = first
		}
		docs = append(docs, d)
		start = i + 1
	}
	return docs
}

// locate finds the document of file the object of kind and name was
// written in: the one that writes that kind and name, else the nth
// (0-based) that writes that kind (a template's name is often an
// expression), else the last of those (a range makes several objects of
// one), else the file's first object. False when there is none (the file
// cannot be read, or holds only template actions).
func locate(file, kind, name string, n int) (document, bool) {
	named := regexp.MustCompile(`\n  name: ["']?` + regexp.QuoteMeta(name) + `["']?[ \t]*\n`)
	var first, nth *document
	docs := documents(file)
	for i := range docs {
		d := &docs[i]
		if d.object == 0 {
			continue // only template actions or comments: no object of its own
		}
		if first == nil {
			first = d
		}
		text := "\n" + strings.Join(d.lines, "\n") + "\n"
		if !strings.Contains(text, "\nkind: "+kind+"\n") {
			continue
		}
		if named.MatchString(text) {
			return *d, true
		}
		if n >= 0 {
			nth = d
		}
		n--
	}
	switch {
	case nth != nil:
		return *nth, true
	case first != nil:
		return *first, true
	}
	return document{}, false
}

// place is where an object of kind and name rendered as data comes from
// in file: the line its object starts on, for each line of data the line
// of file that writes it as it is (0 for none; see align), and notes on
// where the others came from (see annotate).
func place(file, kind, name string, n int, data []byte, patches []patch) manifest.Rendered {
	r := manifest.Rendered{File: file, Data: data}
	if isArchive(file) {
		return r // a packaged subchart: no lines to point at
	}
	d, ok := locate(file, kind, name, n)
	if !ok {
		return r
	}
	rendered := strings.Split(string(data), "\n")
	r.Line, r.Lines = d.object, align(d, rendered)
	r.Notes = annotate(d, rendered, r.Lines, patches)
	return r
}

// align maps each rendered line to the line of d that writes it: the same
// text with the same indentation if there is one, else the same text
// with indentation and a leading "- " aside (kustomize writes sequences
// its own way). The scan goes on from the last match, so a repeated line
// ("name: app") maps to its own occurrence; a line not found after it is
// looked for before it, nearest first, among the lines not yet matched
// (kustomize sorts a mapping's keys). A line that comes out of an
// expression ({{ .Values.image }}, an include) matches none and maps to 0,
// so its fields are reported at the object's line.
func align(d document, rendered []string) []int {
	out := make([]int, len(rendered))
	used := make([]bool, len(d.lines))
	next := 0
	find := func(same func(j int) bool) int {
		for j := next; j < len(d.lines); j++ {
			if !used[j] && same(j) {
				next = j + 1
				return j
			}
		}
		for j := next - 1; j >= 0; j-- {
			if !used[j] && same(j) {
				return j
			}
		}
		return -1
	}
	for i, r := range rendered {
		key := normalize(r)
		if key == "" {
			continue
		}
		exact := strings.TrimRight(r, " \t")
		found := find(func(j int) bool { return strings.TrimRight(d.lines[j], " \t") == exact })
		if found < 0 {
			found = find(func(j int) bool { return normalize(d.lines[j]) == key })
		}
		if found >= 0 {
			used[found] = true
			out[i] = d.start + found
		}
	}
	return out
}

// normalize is a line's text without indentation, a sequence's "- " or
// trailing blanks; "" for a blank line or a comment.
func normalize(line string) string {
	t := strings.TrimSpace(line)
	for strings.HasPrefix(t, "- ") {
		t = strings.TrimSpace(t[2:])
	}
	if strings.HasPrefix(t, "#") {
		return ""
	}
	return t
}

// valuesRef is a reference to a chart's values in a template.
var valuesRef = regexp.MustCompile(`\.Values\.([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*)`)

// patch is a file of an overlay's patch, as read.
type patch struct {
	path  string // as a person names it
	lines map[string]bool
}

// annotate says where the rendered lines that d does not write as they
// are (lines[i] == 0) came from: the chart's values that d's line for the
// same key reads ("values image.repository, image.tag"), or the patch
// that writes the line ("the patch overlays/prod/replicas.yaml"). Nil
// when there is nothing to say.
func annotate(d document, rendered []string, lines []int, patches []patch) []string {
	var notes []string
	for i, r := range rendered {
		if i < len(lines) && lines[i] != 0 {
			continue
		}
		text := normalize(r)
		note := ""
		for _, p := range patches {
			if text != "" && p.lines[text] {
				note = "the patch " + p.path
				break
			}
		}
		if key, _, ok := strings.Cut(text, ":"); ok && note == "" && key != "" {
			for _, l := range d.lines {
				t := normalize(l)
				if strings.HasPrefix(t, key+":") && strings.Contains(t, "{{") {
					var refs []string
					for _, m := range valuesRef.FindAllStringSubmatch(t, -1) {
						refs = append(refs, m[1])
					}
					if len(refs) > 0 {
						note = "values " + strings.Join(refs, ", ")
						break
					}
				}
			}
		}
		if note != "" {
			if notes == nil {
				notes = make([]string, len(rendered))
			}
			notes[i] = note
		}
	}
	return notes
}

// readPatch reads a patch file for annotate; nil when it cannot.
func readPatch(file string) *patch {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil
	}
	p := &patch{path: file, lines: map[string]bool{}}
	for _, l := range strings.Split(string(data), "\n") {
		if t := normalize(l); t != "" && !strings.HasPrefix(t, "apiVersion:") && !strings.HasPrefix(t, "kind:") && !strings.HasPrefix(t, "name:") && t != "metadata:" && t != "spec:" {
			p.lines[t] = true
		}
	}
	return p
}
