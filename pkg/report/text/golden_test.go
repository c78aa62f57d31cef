package text_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/prodready/prodready/pkg/engine"
	"github.com/prodready/prodready/pkg/manifest"
	"github.com/prodready/prodready/pkg/policy"
	"github.com/prodready/prodready/pkg/report"
	"github.com/prodready/prodready/pkg/report/text"
)

var update = flag.Bool("update", false, "rewrite the golden files from the output")

// TestGolden renders the check of examples/demo (the README's demo) as a
// pipe gets it and as terminals 80 and 200 columns wide do, verbose too,
// against the files under testdata (go test -update rewrites them).
func TestGolden(t *testing.T) {
	dir, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir("../../..") // paths as the README's command shows them
	eng, err := engine.New()
	if err != nil {
		t.Fatal(err)
	}
	res, err := eng.Check(context.Background(), []string{"examples/demo"}, manifest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := report.New(res.Read, res, nil, policy.High)
	r.Summary.Profile = policy.Baseline
	for name, opts := range map[string]text.Options{
		"demo.pipe.txt":       {},
		"demo.80.txt":         {Width: 80},
		"demo.200.txt":        {Width: 200},
		"demo.80.verbose.txt": {Width: 80, Verbose: true},
	} {
		var buf bytes.Buffer
		if err := text.Write(&buf, r, opts); err != nil {
			t.Fatal(err)
		}
		golden := filepath.Join(dir, name)
		if *update {
			if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatal(err)
		}
		if got := buf.String(); got != string(want) {
			t.Errorf("%s: got\n%s\nwant\n%s", name, got, want)
		}
	}
}
