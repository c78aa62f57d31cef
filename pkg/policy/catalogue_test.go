package policy_test

import (
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/prodready/prodready/pkg/policy"
	"github.com/prodready/prodready/pkg/version"
)

// catalogue is the spec the rules implement, beside the repository.
const catalogue = "../../../shared/catalogue.md"

// catalogueRow is a rule's line in a table of the catalogue:
// | id | severity | profile | fires when | params (defaults) |
var catalogueRow = regexp.MustCompile(`^\| ([a-z0-9-]+) \| (critical|high|medium|low) \| (baseline|strict) \| .* \|(.*)\|$`)

// TestCatalogueVersion: version.Catalogue is the version the catalogue's
// title gives.
func TestCatalogueVersion(t *testing.T) {
	text, err := os.ReadFile(catalogue)
	if err != nil {
		t.Skipf("no catalogue at %s", catalogue)
	}
	title, _, _ := strings.Cut(string(text), "\n")
	if want := "(v" + version.Catalogue + ")"; !strings.HasSuffix(title, want) {
		t.Errorf("the catalogue's title is %q; version.Catalogue %s says it ends with %s", title, version.Catalogue, want)
	}
}

// TestRulesMatchTheCatalogue holds the library to the catalogue: the
// same rule IDs, each with the catalogue's severity, profile and
// parameter names.
func TestRulesMatchTheCatalogue(t *testing.T) {
	text, err := os.ReadFile(catalogue)
	if err != nil {
		t.Skipf("no catalogue at %s", catalogue)
	}
	set, err := policy.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	for _, line := range strings.Split(string(text), "\n") {
		m := catalogueRow.FindStringSubmatch(strings.TrimSpace(line))
		if m == nil {
			continue
		}
		id := m[1]
		want[id] = true
		r, ok := set.Rule(id)
		if !ok {
			t.Errorf("%s: in the catalogue, not in the library", id)
			continue
		}
		if string(r.Severity) != m[2] || string(r.Profile) != m[3] {
			t.Errorf("%s: %s/%s, the catalogue says %s/%s", id, r.Severity, r.Profile, m[2], m[3])
		}
		var got []string
		for _, p := range r.Parameters {
			got = append(got, p.Name)
		}
		sort.Strings(got)
		if names := parameterNames(m[4]); strings.Join(got, ",") != strings.Join(names, ",") {
			t.Errorf("%s: parameters %v, the catalogue names %v", id, got, names)
		}
	}
	if len(want) != 45 {
		t.Errorf("the catalogue (v1.1) has 45 rules, read %d", len(want))
	}
	for _, r := range set.Rules {
		if !want[r.ID] {
			t.Errorf("%s: in the library, not in the catalogue", r.ID)
		}
	}
}

// parameterNames reads "minSeconds (60), spotKeys (a, b), spotValues" as
// its parameter names, sorted.
func parameterNames(cell string) []string {
	depth, word, names := 0, "", []string{}
	flush := func() {
		if w := strings.TrimSpace(word); w != "" {
			names = append(names, w)
		}
		word = ""
	}
	for _, c := range cell {
		switch {
		case c == '(':
			depth++
		case c == ')':
			depth--
		case depth > 0:
		case c == ',':
			flush()
		default:
			word += string(c)
		}
	}
	flush()
	sort.Strings(names)
	return names
}

// TestChangelogNamesEveryVersion keeps CHANGELOG.md and the rules' METADATA
// in step: a rule past 1.0.0 has an entry ending at its version.
func TestChangelogNamesEveryVersion(t *testing.T) {
	text, err := os.ReadFile("../../CHANGELOG.md")
	if err != nil {
		t.Fatal(err)
	}
	set, err := policy.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range set.Rules {
		if r.Version == "1.0.0" {
			continue
		}
		entry := regexp.MustCompile("(?m)^- `" + regexp.QuoteMeta(r.ID) + "` [0-9.]+ -> " + regexp.QuoteMeta(r.Version) + ":")
		if !entry.Match(text) {
			t.Errorf("%s is at %s: CHANGELOG.md has no entry \"- `%s` <old> -> %s: ...\"", r.ID, r.Version, r.ID, r.Version)
		}
	}
}
