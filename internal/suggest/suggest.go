// Package suggest finds what a person probably meant by a name they
// mistyped: a rule ID, a flag, a configuration key.
package suggest

import (
	"slices"
	"strings"

	"github.com/agnivade/levenshtein"
)

// Closest returns the candidates nearest to word: one that differs only in
// case, else those within a few edits (a quarter of the word's length,
// at least 2), nearest first; nil when none is near.
func Closest(word string, candidates []string) []string {
	for _, c := range candidates {
		if strings.EqualFold(c, word) {
			return []string{c}
		}
	}
	limit := max(2, len(word)/4)
	type near struct {
		name string
		d    int
	}
	var found []near
	for _, c := range candidates {
		if d := levenshtein.ComputeDistance(strings.ToLower(word), strings.ToLower(c)); d <= limit {
			found = append(found, near{c, d})
		}
	}
	slices.SortStableFunc(found, func(a, b near) int { return a.d - b.d })
	var out []string
	for _, f := range found {
		out = append(out, f.name)
	}
	return out
}

// DidYouMean is ": did you mean X?" (or "X or Y?") for the closest
// candidates, "" when none is near.
func DidYouMean(word string, candidates []string) string {
	c := Closest(word, candidates)
	switch len(c) {
	case 0:
		return ""
	case 1:
		return "; did you mean " + c[0] + "?"
	}
	return "; did you mean " + strings.Join(c[:min(len(c), 3)], " or ") + "?"
}
