package baseline_test

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/prodready/prodready/pkg/baseline"
	"github.com/prodready/prodready/pkg/engine"
)

func finding(rule, kind, ns, name, container string, line int) engine.Finding {
	return engine.Finding{Rule: rule, Object: engine.ObjectRef{APIVersion: "apps/v1", Kind: kind, Namespace: ns, Name: name},
		Container: container, File: "a.yaml", Line: line}
}

// The file is sorted by object, rule and container whatever the findings'
// order, one line each, names quoted so that 123 and true stay strings,
// and reads back as written.
func TestWriteSortsAndReadsBack(t *testing.T) {
	b := baseline.New([]engine.Finding{
		finding("pdb-missing", "Deployment", "shop", "web", "", 3),
		finding("cpu-request-missing", "Deployment", "shop", "123", "true", 9),
		finding("cluster-admin-service-account", "ClusterRoleBinding", "", "ci", "", 1),
		finding("cpu-request-missing", "Deployment", "shop", "web", "app", 12),
	})
	var buf bytes.Buffer
	if err := b.Write(&buf); err != nil {
		t.Fatal(err)
	}
	want := `version: 1
findings:
  - {rule: "cluster-admin-service-account", object: "ClusterRoleBinding/ci"}
  - {rule: "cpu-request-missing", object: "Deployment/shop/123", container: "true"}
  - {rule: "cpu-request-missing", object: "Deployment/shop/web", container: "app"}
  - {rule: "pdb-missing", object: "Deployment/shop/web"}
`
	if got := buf.String(); !strings.HasPrefix(got, "# prodready baseline") || !strings.HasSuffix(got, want) {
		t.Errorf("got\n%s\nwant it to end with\n%s", got, want)
	}
	read, err := baseline.Parse("b.yaml", buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(read, b) {
		t.Errorf("read back %+v, want %+v", read, b)
	}
	buf.Reset()
	if err := (&baseline.Baseline{}).Write(&buf); err != nil {
		t.Fatal(err)
	}
	if empty, err := baseline.Parse("b.yaml", buf.Bytes()); err != nil || len(empty.Entries) != 0 {
		t.Errorf("an empty baseline reads back as %+v, %v", empty, err)
	}
}

// Matching ignores files, lines and API versions; each entry matches one
// finding, so a second finding of one rule on one object and container
// is new; an entry that matches nothing is fixed.
func TestMatch(t *testing.T) {
	b := baseline.New([]engine.Finding{
		finding("pdb-missing", "Deployment", "shop", "web", "", 3),
		finding("cpu-request-missing", "Deployment", "shop", "web", "app", 12),
		finding("single-replica", "Deployment", "shop", "gone", "", 40),
	})
	moved := finding("pdb-missing", "Deployment", "shop", "web", "", 300)
	moved.File, moved.Object.APIVersion = "elsewhere/b.yaml", "extensions/v1beta1"
	known, fixed := b.Match([]engine.Finding{
		moved,
		finding("cpu-request-missing", "Deployment", "shop", "web", "app", 12),
		finding("cpu-request-missing", "Deployment", "shop", "web", "app", 18), // a second one: new
		finding("cpu-request-missing", "Deployment", "shop", "web", "sidecar", 20),
		finding("pdb-missing", "Deployment", "other", "web", "", 3),
	})
	if want := []bool{true, true, false, false, false}; !reflect.DeepEqual(known, want) {
		t.Errorf("known %v, want %v", known, want)
	}
	if want := []baseline.Entry{{Rule: "single-replica", Object: "Deployment/shop/gone"}}; !reflect.DeepEqual(fixed, want) {
		t.Errorf("fixed %+v, want %+v", fixed, want)
	}
}

func TestParseErrorsNameTheFile(t *testing.T) {
	for src, want := range map[string]string{
		"version: 2\nfindings: []\n":               "baseline b.yaml: version 2, want 1",
		"version: 1\nfindings:\n  - {rule: a}\n":   "baseline b.yaml: findings[0] lacks its rule or object",
		"version: 1\nfindings: []\nextra: true\n":  `baseline b.yaml: error unmarshaling JSON: while decoding JSON: json: unknown field "extra"`,
		"version: 1\nfindings:\n  - {rule: [a]}\n": "baseline b.yaml: ",
	} {
		if _, err := baseline.Parse("b.yaml", []byte(src)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want %q", src, err, want)
		}
	}
}
