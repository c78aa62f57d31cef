// Package mdterm renders the Markdown prodready writes (internal/docs: a
// page per rule) for a terminal: headings, bold and inline code as
// styles instead of markup, paragraphs wrapped to the terminal's width,
// tables in aligned columns, code blocks indented and never wrapped. It
// knows that subset, not CommonMark: anything else is a paragraph.
package mdterm

import (
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/prodready/prodready/internal/textwrap"
)

// Options shape the output.
type Options struct {
	// Width wraps paragraphs to that many columns; 0 does not.
	Width int
	// Color styles with escapes; without, the markup is dropped alone.
	Color bool
}

const (
	reset     = "\x1b[0m"
	bold      = "\x1b[1m"
	title     = "\x1b[1;4m"
	heading   = "\x1b[1;36m"
	code      = "\x1b[36m"
	codeBlock = "\x1b[2m"
)

// codeIndent indents code blocks.
const codeIndent = "    "

type renderer struct {
	w    io.Writer
	opts Options
	err  error
}

func (r *renderer) line(s string) {
	if r.err == nil {
		_, r.err = fmt.Fprintln(r.w, strings.TrimRight(s, " "))
	}
}

func (r *renderer) style(code, s string) string {
	if !r.opts.Color {
		return s
	}
	return code + s + reset
}

// Render writes md for a terminal.
func Render(w io.Writer, md string, opts Options) error {
	r := &renderer{w: w, opts: opts}
	lines := strings.Split(strings.TrimSuffix(md, "\n"), "\n")
	for i := 0; i < len(lines); {
		line := lines[i]
		switch {
		case strings.HasPrefix(line, "```"):
			i++
			for ; i < len(lines) && !strings.HasPrefix(lines[i], "```"); i++ {
				r.line(codeIndent + r.style(codeBlock, lines[i]))
			}
			i++ // the closing fence
		case strings.HasPrefix(line, "# "):
			r.line(r.style(title, r.inline(strings.TrimPrefix(line, "# "), title)))
			i++
		case strings.HasPrefix(line, "## "):
			r.line(r.style(heading, r.inline(strings.TrimPrefix(line, "## "), heading)))
			i++
		case strings.HasPrefix(line, "|"):
			start := i
			for ; i < len(lines) && strings.HasPrefix(lines[i], "|"); i++ {
			}
			r.table(lines[start:i])
		case strings.TrimSpace(line) == "":
			r.line("")
			i++
		default:
			start := i
			for ; i < len(lines) && paragraphLine(lines[i]); i++ {
			}
			for _, l := range textwrap.Wrap(r.inline(strings.Join(lines[start:i], " "), ""), 0, r.opts.Width, 0) {
				r.line(l)
			}
		}
	}
	return r.err
}

// paragraphLine says whether line continues a paragraph.
func paragraphLine(line string) bool {
	return strings.TrimSpace(line) != "" && !strings.HasPrefix(line, "#") && !strings.HasPrefix(line, "|") && !strings.HasPrefix(line, "```")
}

var (
	codeSpan = regexp.MustCompile("`([^`]+)`")
	strong   = regexp.MustCompile(`\*\*([^*]+)\*\*`)
)

// inline styles **bold** and `code`; outer is the style of the text
// around them, restored after each.
func (r *renderer) inline(s, outer string) string {
	restore := func(style string) func(string) string {
		return func(m string) string {
			inner := strings.Trim(m, "`*")
			if !r.opts.Color {
				return inner
			}
			return style + inner + reset + outer
		}
	}
	s = codeSpan.ReplaceAllStringFunc(s, restore(code))
	return strong.ReplaceAllStringFunc(s, restore(bold))
}

// separator matches a table's header separator cell: ---, :--, --:.
var separator = regexp.MustCompile(`^:?-+:?$`)

// table writes rows in columns as wide as their widest cell, the header
// row bold, without the separator row.
func (r *renderer) table(rows []string) {
	var cells [][]string
	var widths []int
	for _, row := range rows {
		parts := strings.Split(strings.Trim(strings.TrimSpace(row), "|"), "|")
		if len(cells) == 1 && isSeparator(parts) {
			continue
		}
		var styled []string
		for i, p := range parts {
			c := r.inline(strings.TrimSpace(p), "")
			if len(cells) == 0 {
				c = r.style(bold, c)
			}
			styled = append(styled, c)
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], textwrap.Columns(c))
		}
		cells = append(cells, styled)
	}
	for _, row := range cells {
		var b strings.Builder
		for i, c := range row {
			b.WriteString(c + strings.Repeat(" ", widths[i]-textwrap.Columns(c)+2))
		}
		r.line(b.String())
	}
}

func isSeparator(parts []string) bool {
	for _, p := range parts {
		if !separator.MatchString(strings.TrimSpace(p)) {
			return false
		}
	}
	return true
}
