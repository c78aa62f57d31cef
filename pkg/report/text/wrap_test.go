package text

import (
	"reflect"
	"testing"
)

func TestHeadline(t *testing.T) {
	for msg, want := range map[string]string{
		`container "api" has no memory limit: a leak grows; set it`:                    `container "api" has no memory limit`,
		`container "api" memory limit 512Mi is 1.0x its request; below 1.5x: raise it`: `container "api" memory limit 512Mi is 1.0x its request`,
		`image "nginx:1.27" runs as root: set runAsNonRoot`:                            `image "nginx:1.27" runs as root`,
		`a workload (serving port 8080; annotate it x: batch) is throttled: remove it`: `a workload (serving port 8080; annotate it x: batch) is throttled`,
		`selector {"a":"b"} matches nothing: fix it`:                                   `selector {"a":"b"} matches nothing`,
		`path "a\": b" is wrong: fix`:                                                  `path "a\": b" is wrong`,
		`no clause break at all`:                                                       `no clause break at all`,
		`ends with a colon:`:                                                           `ends with a colon:`,
	} {
		if got := headline(msg); got != want {
			t.Errorf("headline(%q) = %q, want %q", msg, got, want)
		}
	}
}

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
		if got := wrap(c.text, c.prefix, c.width, c.indent); !reflect.DeepEqual(got, c.want) {
			t.Errorf("wrap(%q, %d, %d, %d) = %q, want %q", c.text, c.prefix, c.width, c.indent, got, c.want)
		}
	}
}
