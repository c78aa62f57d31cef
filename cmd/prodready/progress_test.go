package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestProgressLine(t *testing.T) {
	var buf bytes.Buffer
	p := &progress{w: &buf}
	p.loaded(progressMin - 1)
	p.render()
	if buf.Len() != 0 {
		t.Errorf("progress for %d documents: %q", progressMin-1, buf.String())
	}
	p.loaded(progressMin)
	p.render()
	p.evaluated(7, progressMin-5) // some documents were not objects: still shown, once begun
	p.render()
	want := "\rreading: 2000 documents\x1b[K\rchecking across objects: 7 of 1995 objects\x1b[K"
	if buf.String() != want {
		t.Errorf("progress %q, want %q", buf.String(), want)
	}

	buf.Reset()
	few := &progress{w: &buf}
	few.evaluated(0, 10)
	few.render()
	if buf.Len() != 0 {
		t.Errorf("progress for 10 objects: %q", buf.String())
	}
}

// fakeTerminal makes the check believe its stderr is a terminal or not,
// and ticks fast.
func fakeTerminal(t *testing.T, terminal bool) {
	t.Helper()
	isTerminal = func(io.Writer) bool { return terminal }
	progressInterval = time.Millisecond
	t.Cleanup(func() {
		isTerminal = terminalFile
		progressInterval = 100 * time.Millisecond
	})
}

func TestCheckShowsProgressOnlyOnATerminalForManyObjects(t *testing.T) {
	// ConfigMaps: read like any object, no rule looks at them, so quick.
	// Each its own name: objects of one name would be warned about.
	var many strings.Builder
	for i := range 3 * progressMin {
		if i > 0 {
			many.WriteString("---\n")
		}
		many.WriteString("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c" + strings.Repeat("x", i%7) + strconv.Itoa(i) + "\n")
	}
	file := filepath.Join(t.TempDir(), "many.yaml")
	if err := os.WriteFile(file, []byte(many.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	check := func(args ...string) (stdout, stderr string) {
		var out, errOut bytes.Buffer
		if code := run(append([]string{"check", "--no-config"}, args...), strings.NewReader(""), &out, &errOut); code != 0 {
			t.Fatalf("exit %d: %s%s", code, out.String(), errOut.String())
		}
		return out.String(), errOut.String()
	}

	fakeTerminal(t, true)
	stdout, stderr := check(file)
	if !strings.Contains(stderr, "\rreading: ") || !strings.HasSuffix(stderr, "\r\x1b[K") {
		t.Errorf("on a terminal, %d objects: no progress, or not cleared: %q", 3*progressMin, stderr)
	}
	if strings.Contains(stdout, "\r") || !strings.HasPrefix(stdout, "6000 objects checked") {
		t.Errorf("progress on stdout, or the report changed: %q", stdout)
	}
	if _, stderr := check("-q", file); stderr != "" {
		t.Errorf("progress with --quiet: %q", stderr)
	}
	if _, stderr := check("../../examples/good"); stderr != "" {
		t.Errorf("progress for a few objects: %q", stderr)
	}

	fakeTerminal(t, false)
	if _, stderr := check(file); stderr != "" {
		t.Errorf("progress on a pipe: %q", stderr)
	}
}
