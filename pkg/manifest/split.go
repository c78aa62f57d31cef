package manifest

import (
	"bytes"
	"fmt"
	"strconv"
	"unicode"
	"unicode/utf16"
)

// chunk is the text of one YAML document, cut out of a file, so that each
// document is parsed on its own: a syntax error in one cannot hide the others,
// which a single parse of the whole stream would.
type chunk struct {
	data []byte
	line int // 1-based line in the file where data starts
	doc  int // 1-based index of the document in the file

	// yamlLines maps the YAML parser's lines to lines of data, when they
	// differ (see yamlLineTable); nil when they agree.
	yamlLines []int
	// notes are a rendered document's Rendered.Notes, by line of data.
	notes []string
}

// note is the renderer's note on a line of the YAML parser, "" for none.
func (c *chunk) note(yamlLine int) string {
	if yamlLine < 1 || yamlLine > len(c.notes) {
		return ""
	}
	return c.notes[yamlLine-1]
}

// fileLine turns a line of the YAML parser (1-based, within the chunk) into
// a line of the file.
func (c *chunk) fileLine(yamlLine int) int {
	if c.yamlLines != nil {
		yamlLine = c.yamlLines[min(max(yamlLine, 1), len(c.yamlLines))-1]
	}
	return c.line + yamlLine - 1
}

// Line breaks that YAML counts and this package does not: it counts lines
// by "\n", as kubectl and grep do, while YAML also breaks lines at a lone CR
// and at NEL, LS and PS, which can hide in a string.
var (
	nel = []byte("\u0085")
	ls  = []byte("\u2028")
	ps  = []byte("\u2029")
)

// yamlLineTable maps the YAML parser's lines in data to data's lines:
// element i is the line of data where the parser's line i+1 is. It is nil
// when they are the same, as they are unless data has a lone CR, NEL, LS or
// PS.
func yamlLineTable(data []byte) []int {
	if !hasLoneCR(data) && !bytes.Contains(data, nel) && !bytes.Contains(data, ls) && !bytes.Contains(data, ps) {
		return nil
	}
	table := []int{1}
	line := 1
	for i := 0; i < len(data); i++ {
		switch {
		case data[i] == '\n':
			line++
		case data[i] == '\r' && i+1 < len(data) && data[i+1] == '\n':
			i++ // CRLF is one break for both
			line++
		case data[i] == '\r':
		case bytes.HasPrefix(data[i:], nel):
			i += len(nel) - 1
		case bytes.HasPrefix(data[i:], ls), bytes.HasPrefix(data[i:], ps):
			i += len(ls) - 1
		default:
			continue
		}
		table = append(table, line)
	}
	return table
}

func hasLoneCR(data []byte) bool {
	for {
		i := bytes.IndexByte(data, '\r')
		if i < 0 {
			return false
		}
		if i+1 == len(data) || data[i+1] != '\n' {
			return true
		}
		data = data[i+2:]
	}
}

// splitDocuments cuts a YAML stream into documents. A line starting with
// "---" (then nothing, a space or a tab) starts a document and a "..." line
// ends one; YAML allows neither at the start of a line inside a document, so
// cutting there agrees with the parser. The marker lines stay in the chunks,
// so that "--- {a: 1}" keeps its content and every chunk's lines line up with
// the file's.
//
// Documents are numbered as a YAML parser counts them: every "---" starts
// one, even an empty one, while text before the first "---" or after a "..."
// counts only if it holds more than comments. Documents with nothing but
// comments are numbered but not returned.
func splitDocuments(data []byte) []chunk {
	var chunks []chunk
	doc := 0
	start, startLine := 0, 1
	explicit := false // the current piece has a "---" line (after any directives)

	// flush ends the current piece at end. It reports false when the piece
	// is only directives ("%YAML 1.1"), which belong to the next document.
	flush := func(end int) bool {
		text := data[start:end]
		switch kind := classify(text); {
		case kind == directivesOnly && !explicit:
			return false
		case kind != content && !explicit:
			// not a document at all
		case kind != content:
			doc++ // an empty document
		default:
			doc++
			chunks = append(chunks, chunk{data: text, line: startLine, doc: doc})
		}
		return true
	}

	line := 1
	for pos := 0; pos < len(data); line++ {
		end := bytes.IndexByte(data[pos:], '\n')
		next := len(data)
		if end >= 0 {
			end += pos
			next = end + 1
		} else {
			end = len(data)
		}
		switch {
		case isMarker(data[pos:end], '-'):
			if flush(pos) {
				start, startLine = pos, line
			}
			explicit = true
		case isMarker(data[pos:end], '.'):
			// The "..." line ends the document it closes.
			flush(next)
			start, startLine, explicit = next, line+1, false
		}
		pos = next
	}
	flush(len(data))
	return chunks
}

// isMarker reports whether line is a document marker: three c's at the start
// of the line, then the end of the line or a blank.
func isMarker(line []byte, c byte) bool {
	if len(line) < 3 || line[0] != c || line[1] != c || line[2] != c {
		return false
	}
	return len(line) == 3 || line[3] == ' ' || line[3] == '\t' || line[3] == '\r'
}

const (
	blank          = iota // only blank lines, comments and markers
	directivesOnly        // as blank, plus directives ("%YAML 1.1")
	content
)

// classify tells whether a piece of a stream holds a document.
func classify(text []byte) int {
	kind := blank
	inDoc := false // past a "---": a line starting with "%" is content there
	for len(text) > 0 {
		var l []byte
		if i := bytes.IndexByte(text, '\n'); i >= 0 {
			l, text = text[:i], text[i+1:]
		} else {
			l, text = text, nil
		}
		switch {
		case isMarker(l, '-'):
			inDoc = true
			l = l[3:] // what follows may be content: "--- {a: 1}"
		case isMarker(l, '.'):
			l = l[3:]
		case len(l) > 0 && l[0] == '%' && !inDoc:
			kind = directivesOnly
			continue
		}
		l = bytes.TrimLeft(l, " \t\r")
		if len(l) > 0 && l[0] != '#' {
			return content
		}
	}
	return kind
}

// jsonForYAML rewrites the two JSON escapes that YAML lacks, so that the
// YAML parser, which gives line numbers, reads every valid JSON file: "\/"
// becomes "/", and a UTF-16 surrogate pair ("\ud83d\ude00", JSON's way to
// write a character beyond U+FFFF) becomes one "\U0001F600" escape; a lone
// surrogate becomes U+FFFD, as encoding/json reads it. Lines are unchanged:
// no escape holds a newline.
func jsonForYAML(data []byte) []byte {
	if !bytes.Contains(data, []byte(`\/`)) && !bytes.Contains(data, []byte(`\u`)) {
		return data
	}
	out := make([]byte, 0, len(data))
	for i := 0; i < len(data); i++ {
		// In JSON a backslash only ever starts a two-character escape or a
		// \uXXXX one, so stepping over escapes whole keeps "\\/" intact.
		if data[i] != '\\' || i+1 == len(data) {
			out = append(out, data[i])
			continue
		}
		switch r1, ok := hex4(data[i+2:]); {
		case data[i+1] == '/':
			out = append(out, '/')
			i++
		case data[i+1] == 'u' && ok && utf16.IsSurrogate(r1):
			r, n := unicode.ReplacementChar, 6
			if bytes.HasPrefix(data[i+6:], []byte(`\u`)) {
				if r2, ok := hex4(data[i+8:]); ok {
					if d := utf16.DecodeRune(r1, r2); d != unicode.ReplacementChar {
						r, n = d, 12
					}
				}
			}
			out = fmt.Appendf(out, `\U%08X`, r)
			i += n - 1
		default:
			out = append(out, data[i], data[i+1])
			i++
		}
	}
	return out
}

// hex4 reads four hex digits at the start of b.
func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	v, err := strconv.ParseUint(string(b[:4]), 16, 32)
	return rune(v), err == nil
}
