package suggest

import (
	"reflect"
	"testing"
)

func TestClosest(t *testing.T) {
	rules := []string{"pdb-missing", "pdb-blocks-drain", "single-replica", "liveness-probe-missing", "readiness-probe-missing"}
	for word, want := range map[string][]string{
		"pdb-mising":             {"pdb-missing"},
		"PDB-MISSING":            {"pdb-missing"},
		"liveness-probe-mising":  {"liveness-probe-missing"},
		"readines-probe-missing": {"readiness-probe-missing"},
		"replica":                nil,
		"zone-spread":            nil,
	} {
		if got := Closest(word, rules); !reflect.DeepEqual(got, want) {
			t.Errorf("Closest(%q) = %v, want %v", word, got, want)
		}
	}
	if got := DidYouMean("ouput", []string{"output", "profile", "quiet"}); got != "; did you mean output?" {
		t.Errorf("DidYouMean: %q", got)
	}
	if got := DidYouMean("xyz", []string{"output"}); got != "" {
		t.Errorf("DidYouMean far: %q", got)
	}
}
