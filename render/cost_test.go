package render

import (
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prodready/prodready/internal/enginetest"
)

// costRuns are the runs of each command timed, alternating; the figures
// are medians, the machine being shared.
const costRuns = 7

// TestRenderCost (make render-bench, PRODREADY_RENDER_BENCH=1, with the
// built CLI in PRODREADY_BIN): checking a chart or an overlay where it
// lives takes at most 1.5x what rendering it with the real tool and
// piping that to prodready check - takes.
func TestRenderCost(t *testing.T) {
	if os.Getenv("PRODREADY_RENDER_BENCH") != "1" {
		t.Skip("PRODREADY_RENDER_BENCH=1 times the checks of charts and overlays (make render-bench)")
	}
	bin := os.Getenv("PRODREADY_BIN")
	if bin == "" {
		t.Fatal("PRODREADY_BIN: the prodready binary to time")
	}
	helm, kustomize := enginetest.Binary(t, "helm"), enginetest.Binary(t, "kustomize")
	var table strings.Builder
	table.WriteString("| chart or overlay | prodready check DIR | tool \\| prodready check - | ratio |\n|---|--:|--:|--:|\n")
	for _, s := range subjects(t) {
		var sets []string
		for _, v := range s.helm.Values {
			sets = append(sets, "--set", v)
		}
		render := fmt.Sprintf("%s template release-name %s --namespace default --skip-tests %s", helm, s.path, strings.Join(sets, " "))
		if Detect(s.path) == Overlay {
			render = fmt.Sprintf("%s build %s", kustomize, s.path)
		}
		direct := append([]string{bin, "check", "--quiet", s.path}, sets...)
		piped := []string{"bash", "-o", "pipefail", "-c", render + " | " + bin + " check --quiet -"}
		var a, b []time.Duration
		for range costRuns {
			a = append(a, wall(t, direct))
			b = append(b, wall(t, piped))
		}
		ma, mb := median(a), median(b)
		ratio := float64(ma) / float64(mb)
		fmt.Fprintf(&table, "| %s | %.0f ms | %.0f ms | %.2fx |\n", strings.Join(append([]string{s.path}, sets...), " "), ms(ma), ms(mb), ratio)
		if ratio > 1.5 {
			t.Errorf("%s: prodready check takes %.2fx the tool and a pipe", s.path, ratio)
		}
	}
	t.Logf("medians of %d runs each, alternating:\n%s", costRuns, table.String())
}

// wall times one run of argv; a check's exit 1 (failing findings) is a
// run like any other.
func wall(t *testing.T, argv []string) time.Duration {
	t.Helper()
	start := time.Now()
	out, err := exec.Command(argv[0], argv[1:]...).CombinedOutput()
	d := time.Since(start)
	if exit, ok := err.(*exec.ExitError); err != nil && (!ok || exit.ExitCode() != 1) {
		t.Fatalf("%s: %v\n%s", strings.Join(argv, " "), err, out)
	}
	return d
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
