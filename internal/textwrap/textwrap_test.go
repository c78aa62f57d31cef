package textwrap_test

import (
	"reflect"
	"testing"

	"github.com/prodready/prodready/internal/textwrap"
)

func TestWrap(t *testing.T) {
	for _, c := range []struct {
		text                  string
		prefix, width, indent int
		want                  []string
	}{
		{"one two three", 10, 0, 4, []string{"one two three"}},
		{"alpha beta gamma delta epsilon zeta eta theta", 4, 40, 2, []string{"alpha beta gamma delta epsilon zeta", "eta theta"}},
		{"one two three", 40, 50, 2, []string{"", "one two three"}}, // too little room after the prefix
		{"a verylongwordindeedlongerthanthirtycolumns b", 2, 30, 2, []string{"a", "verylongwordindeedlongerthanthirtycolumns", "b"}},
	} {
		if got := textwrap.Wrap(c.text, c.prefix, c.width, c.indent); !reflect.DeepEqual(got, c.want) {
			t.Errorf("Wrap(%q, %d, %d, %d) = %q, want %q", c.text, c.prefix, c.width, c.indent, got, c.want)
		}
	}
}

func TestColumnsSkipColourEscapes(t *testing.T) {
	if got := textwrap.Columns("\x1b[1;31mHIGH\x1b[0m é"); got != 6 {
		t.Errorf("Columns = %d, want 6", got)
	}
}
