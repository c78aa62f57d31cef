package text

import (
	"strings"
	"unicode/utf8"
)

// headline is the first clause of a message: up to its first ": " or "; "
// outside quotes and parentheses, where the rules' messages go from what
// is wrong to why it matters and what to do.
func headline(msg string) string {
	depth, quoted := 0, false
	for i := 0; i < len(msg); i++ {
		switch c := msg[i]; {
		case c == '\\' && quoted:
			i++
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '(' || c == '[' || c == '{':
			depth++
		case (c == ')' || c == ']' || c == '}') && depth > 0:
			depth--
		case (c == ':' || c == ';') && depth == 0 && strings.HasPrefix(msg[i+1:], " "):
			return strings.TrimSpace(msg[:i])
		}
	}
	return strings.TrimSpace(msg)
}

// minFill is the fewest columns worth filling after a prefix: with less,
// the text starts on the next line (when that has more room).
const minFill = 24

// wrap lays text out after a prefix of prefixWidth columns, in lines of at
// most width columns, continuing at indent columns; width 0 keeps it on
// one line. A word longer than a line has a line of its own.
func wrap(text string, prefixWidth, width, indent int) []string {
	if width <= 0 {
		return []string{text}
	}
	var lines []string
	room, line := width-prefixWidth, ""
	if room < minFill && width-indent > room {
		lines, room = append(lines, ""), width-indent
	}
	for word := range strings.FieldsSeq(text) {
		switch n := columns(word); {
		case line == "":
			line = word
		case columns(line)+1+n <= room:
			line += " " + word
		default:
			lines = append(lines, line)
			line, room = word, width-indent
		}
	}
	return append(lines, line)
}

// columns is how many columns s takes on a terminal: its runes but for
// the colour escapes (ESC [ ... m).
func columns(s string) int {
	n := 0
	for i := 0; i < len(s); {
		if s[i] == '\x1b' {
			if end := strings.IndexByte(s[i:], 'm'); end > 0 {
				i += end + 1
				continue
			}
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		n++
	}
	return n
}
