// Package textwrap lays text out for a terminal: words wrapped to a width
// after a prefix, continued at an indent, colour escapes taking no room.
package textwrap

import (
	"strings"
	"unicode/utf8"
)

// minFill is the fewest columns worth filling after a prefix: with less,
// the text starts on the next line (when that has more room).
const minFill = 24

// Wrap lays text out after a prefix of prefixWidth columns, in lines of at
// most width columns, continuing at indent columns; width 0 keeps it on
// one line. A word longer than a line has a line of its own.
func Wrap(text string, prefixWidth, width, indent int) []string {
	if width <= 0 {
		return []string{text}
	}
	var lines []string
	room, line := width-prefixWidth, ""
	if room < minFill && width-indent > room {
		lines, room = append(lines, ""), width-indent
	}
	for word := range strings.FieldsSeq(text) {
		switch n := Columns(word); {
		case line == "":
			line = word
		case Columns(line)+1+n <= room:
			line += " " + word
		default:
			lines = append(lines, line)
			line, room = word, width-indent
		}
	}
	return append(lines, line)
}

// Columns is how many columns s takes on a terminal: its runes but for
// the colour escapes (ESC [ ... m).
func Columns(s string) int {
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
