package render

import (
	"os"
	"regexp"
	"strings"
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
		d := document{lines: lines[start:i]}
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

// objectLine is the line where the object of kind and name starts in
// file: the document that writes that kind and name, else the nth
// (0-based) that writes that kind (a template's name is often an
// expression), else the last of those (a range makes several objects of
// one), else the file's first object. 0 when the file cannot be read.
func objectLine(file, kind, name string, n int) int {
	named := regexp.MustCompile(`\n  name: ["']?` + regexp.QuoteMeta(name) + `["']?[ \t]*\n`)
	first, nth := 0, 0
	for _, d := range documents(file) {
		if d.object == 0 {
			continue // only template actions or comments: no object of its own
		}
		first = cmpOr0(first, d.object)
		text := "\n" + strings.Join(d.lines, "\n") + "\n"
		if !strings.Contains(text, "\nkind: "+kind+"\n") {
			continue
		}
		if named.MatchString(text) {
			return d.object
		}
		if n >= 0 {
			nth = d.object
		}
		n--
	}
	return cmpOr0(nth, first)
}

func cmpOr0(a, b int) int {
	if a != 0 {
		return a
	}
	return b
}
