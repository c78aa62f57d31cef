// Package baseline records the findings a repository has today, so that a
// team adopting prodready fails only on new ones and works the known ones
// down. A finding is known by its rule, object (kind, namespace and name)
// and container, never its file or line: moved or reformatted YAML stays
// matched. The file is YAML, one finding a line, sorted: a fixed finding
// is a removed line in a diff.
package baseline

import (
	"bufio"
	"cmp"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"

	"sigs.k8s.io/yaml"

	"github.com/prodready/prodready/pkg/engine"
)

// Version is the version of the file format written.
const Version = 1

// Entry is a known finding. A finding that its rule reports more than
// once on one object and container is as many equal entries.
type Entry struct {
	Rule string `json:"rule"`
	// Object is Kind/namespace/name, or Kind/name without a namespace.
	Object    string `json:"object"`
	Container string `json:"container,omitempty"`
}

// Of is the entry of a finding.
func Of(f engine.Finding) Entry {
	ref := f.Object
	ref.APIVersion = "" // an object moved to a new API version is the same object
	return Entry{Rule: f.Rule, Object: ref.String(), Container: f.Container}
}

func compare(a, b Entry) int {
	return cmp.Or(cmp.Compare(a.Object, b.Object), cmp.Compare(a.Rule, b.Rule), cmp.Compare(a.Container, b.Container))
}

// Baseline is a set of known findings.
type Baseline struct {
	Entries []Entry
}

// New is the baseline of findings, sorted by object, rule and container.
func New(findings []engine.Finding) *Baseline {
	b := &Baseline{Entries: make([]Entry, len(findings))}
	for i, f := range findings {
		b.Entries[i] = Of(f)
	}
	slices.SortFunc(b.Entries, compare)
	return b
}

const header = `# prodready baseline: the findings known when it was written, matched by rule,
# object and container (not by file or line). prodready check --baseline FILE
# reports only the findings it does not hold; prodready baseline write FILE
# rewrites it, dropping the fixed ones.
`

// Write writes b, one entry a line in its order.
func (b *Baseline) Write(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "%sversion: %d\nfindings:", header, Version)
	if len(b.Entries) == 0 {
		bw.WriteString(" []")
	}
	bw.WriteString("\n")
	for _, e := range b.Entries {
		// Quoted: a name such as 123 or true stays a string.
		fmt.Fprintf(bw, "  - {rule: %s, object: %s", strconv.Quote(e.Rule), strconv.Quote(e.Object))
		if e.Container != "" {
			fmt.Fprintf(bw, ", container: %s", strconv.Quote(e.Container))
		}
		bw.WriteString("}\n")
	}
	return bw.Flush()
}

// WriteFile writes b to path.
func (b *Baseline) WriteFile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	return errors.Join(b.Write(f), f.Close())
}

// file is the format read.
type file struct {
	Version  int     `json:"version"`
	Findings []Entry `json:"findings"`
}

// Parse reads a baseline; errors name the file.
func Parse(name string, data []byte) (*Baseline, error) {
	var f file
	if err := yaml.UnmarshalStrict(data, &f); err != nil {
		return nil, fmt.Errorf("baseline %s: %w", name, err)
	}
	if f.Version != Version {
		return nil, fmt.Errorf("baseline %s: version %d, want %d (write it again with prodready baseline write)", name, f.Version, Version)
	}
	for i, e := range f.Findings {
		if e.Rule == "" || e.Object == "" {
			return nil, fmt.Errorf("baseline %s: findings[%d] lacks its rule or object", name, i)
		}
	}
	return &Baseline{Entries: f.Findings}, nil
}

// Read reads the baseline at path.
func Read(path string) (*Baseline, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("baseline: %w (prodready baseline write %s PATH... writes one)", err, path)
	}
	return Parse(path, data)
}

// Match says which of findings b holds (known[i] for findings[i]), each
// entry matching one finding, in the findings' order; fixed are the
// entries no finding matched, which a rewrite of the baseline drops.
func (b *Baseline) Match(findings []engine.Finding) (known []bool, fixed []Entry) {
	left := map[Entry]int{}
	for _, e := range b.Entries {
		left[e]++
	}
	known = make([]bool, len(findings))
	for i, f := range findings {
		if e := Of(f); left[e] > 0 {
			left[e]--
			known[i] = true
		}
	}
	for _, e := range b.Entries {
		if left[e] > 0 {
			left[e]--
			fixed = append(fixed, e)
		}
	}
	return known, fixed
}
