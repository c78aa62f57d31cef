package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

	inventory "github.com/prodready/prodready/internal/lookup"
	"github.com/prodready/prodready/pkg/manifest"
)

// A generated corpus is n copies of the real one, copy k under
// copy-<kkk>/ with every object renamed so that no two copies collide while
// the relations inside a copy (a budget and its workload, a binding and its
// role) still hold: namespaced objects move to namespace
// "<namespace or default>-c<k>", cluster-scoped ones are renamed
// "<name>-c<k>", and the references between them follow.

// generatorVersion names what generate writes: a stamp of another version
// is stale, so bump it whenever the output changes.
const generatorVersion = 1

// stampName is the file, hidden from prodready's walk, that says what a
// generated corpus was made from.
const stampName = ".prodready-bench-stamp"

// marker ends every renamed value in a template, to be replaced by each
// copy's "-c<k>". It is digits only, so that the YAML encoder quotes and
// folds a value with the marker exactly as it does with a copy's number, and
// long enough never to occur in a real manifest (generate checks it does
// not).
const marker = "-c918273645546372819"

type generateOptions struct {
	Corpus  string // the real corpus
	Objects int    // at least this many objects
	Out     string // the directory to write
}

// generated is what a generated corpus holds.
type generated struct {
	Copies  int   `json:"copies"`
	Files   int   `json:"files"`
	Objects int   `json:"objects"`
	Bytes   int64 `json:"bytes"`
	// LeftOut counts the documents of the real corpus left out of every
	// copy: those prodready's loader reports as errors and those that are
	// not Kubernetes objects.
	LeftOut int `json:"leftOut"`
	// Reused: the directory already held this corpus.
	Reused bool `json:"-"`
}

func (g generated) String() string {
	verb := "wrote"
	if g.Reused {
		verb = "reused"
	}
	return fmt.Sprintf("%s %d copies: %d files, %d objects, %.1f MB (%d documents of the corpus left out: input errors or not Kubernetes objects)",
		verb, g.Copies, g.Files, g.Objects, float64(g.Bytes)/1e6, g.LeftOut)
}

// stamp is the content of stampName.
type stamp struct {
	Version   int       `json:"version"`
	Corpus    string    `json:"corpus"` // sha256 of the real corpus's files
	Objects   int       `json:"objects"`
	Generated generated `json:"generated"`
}

func generateCommand(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("generate", stderr)
	var o generateOptions
	fs.StringVar(&o.Corpus, "corpus", "../shared/corpus", "the real corpus to copy")
	fs.IntVar(&o.Objects, "objects", 10000, "write copies until there are at least this many objects")
	fs.StringVar(&o.Out, "out", "", "the directory to write (required)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if o.Out == "" {
		return errors.New("generate: -out is required")
	}
	g, err := generate(o)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "%s: %s\n", o.Out, g)
	return err
}

// generate writes the corpus, or keeps the one already in o.Out if its
// stamp says it was made from the same corpus for the same size.
func generate(o generateOptions) (generated, error) {
	if o.Objects < 1 {
		return generated{}, fmt.Errorf("generate: -objects must be at least 1, not %d", o.Objects)
	}
	files, err := corpusFiles(o.Corpus)
	if err != nil {
		return generated{}, err
	}
	contents := make([][]byte, len(files))
	sum := sha256.New()
	for i, rel := range files {
		if contents[i], err = os.ReadFile(filepath.Join(o.Corpus, rel)); err != nil {
			return generated{}, err
		}
		fmt.Fprintf(sum, "%s\x00%d\x00", filepath.ToSlash(rel), len(contents[i]))
		sum.Write(contents[i])
	}
	want := stamp{Version: generatorVersion, Corpus: hex.EncodeToString(sum.Sum(nil)), Objects: o.Objects}
	if old, ok := readStamp(o.Out); ok && old.Version == want.Version && old.Corpus == want.Corpus && old.Objects == want.Objects {
		old.Generated.Reused = true
		return old.Generated, nil
	}
	if err := clearGenerated(o.Out); err != nil {
		return generated{}, err
	}

	var templates []template
	var g generated
	perCopy := 0
	for i, rel := range files {
		t, leftOut, err := newTemplate(rel, contents[i])
		if err != nil {
			return generated{}, err
		}
		g.LeftOut += leftOut
		if t.objects > 0 {
			templates = append(templates, t)
			perCopy += t.objects
		}
	}
	if perCopy == 0 {
		return generated{}, fmt.Errorf("generate: no Kubernetes objects in %s", o.Corpus)
	}

	g.Copies = (o.Objects + perCopy - 1) / perCopy
	for k := 1; k <= g.Copies; k++ {
		suffix := fmt.Appendf(nil, "-c%d", k)
		dir := filepath.Join(o.Out, copyDir(k))
		for _, t := range templates {
			path := filepath.Join(dir, t.rel)
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				return generated{}, err
			}
			data := bytes.ReplaceAll(t.text, []byte(marker), suffix)
			if err := os.WriteFile(path, data, 0o644); err != nil {
				return generated{}, err
			}
			g.Files++
			g.Bytes += int64(len(data))
		}
		g.Objects += perCopy
	}

	// The stamp is written last: a corpus cut short has none, and is
	// generated again.
	want.Generated = g
	data, err := json.MarshalIndent(want, "", "  ")
	if err != nil {
		return generated{}, err
	}
	return g, os.WriteFile(filepath.Join(o.Out, stampName), append(data, '\n'), 0o644)
}

func copyDir(k int) string { return fmt.Sprintf("copy-%03d", k) }

var copyDirPattern = regexp.MustCompile(`^copy-[0-9]{3,}$`)

func readStamp(dir string) (stamp, bool) {
	data, err := os.ReadFile(filepath.Join(dir, stampName))
	if err != nil {
		return stamp{}, false
	}
	var s stamp
	return s, json.Unmarshal(data, &s) == nil
}

// clearGenerated empties dir of an earlier generated corpus, and refuses a
// directory that holds anything else: it is not generate's to delete.
func clearGenerated(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, e := range entries {
		if !(e.Name() == stampName || e.IsDir() && copyDirPattern.MatchString(e.Name())) {
			return fmt.Errorf("generate: %s holds %s, which generate did not write: choose another directory", dir, e.Name())
		}
	}
	for _, e := range entries {
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			return err
		}
	}
	return nil
}

// corpusFiles lists the YAML files under dir as prodready's walk finds
// them (hidden files and directories left out), relative to dir, in walk
// order. JSON files are left out too: a copy is written as YAML.
func corpusFiles(dir string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		hidden := p != dir && strings.HasPrefix(d.Name(), ".")
		switch {
		case d.IsDir() && hidden:
			return filepath.SkipDir
		case d.IsDir() || hidden:
			return nil
		}
		switch strings.ToLower(filepath.Ext(p)) {
		case ".yaml", ".yml":
			rel, err := filepath.Rel(dir, p)
			files = append(files, rel)
			return err
		}
		return nil
	})
	if err == nil && len(files) == 0 {
		err = fmt.Errorf("no YAML files under %s", dir)
	}
	return files, err
}

// template is one file of the real corpus as every copy writes it: its
// Kubernetes documents, re-encoded, each renamed value ending in marker.
type template struct {
	rel     string
	text    []byte
	objects int
}

// newTemplate parses a file once for all the copies. Documents prodready's
// loader reports errors for, and documents without a Kubernetes object, are
// left out (and counted), so that generated corpora measure checking rather
// than error paths.
func newTemplate(rel string, data []byte) (template, int, error) {
	t := template{rel: rel}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	leftOut, renamed := 0, 0
	for _, doc := range documents(data) {
		r := manifest.Parse(rel, doc)
		if len(r.Errors) > 0 || len(r.Objects) == 0 {
			if len(r.Errors) > 0 || len(r.Skipped) > 0 && r.Skipped[0].Doc > 0 {
				leftOut++ // an empty piece between markers is no document
			}
			continue
		}
		var node yaml.Node
		if err := yaml.Unmarshal(doc, &node); err != nil {
			return t, 0, fmt.Errorf("%s: a document prodready reads, yaml.v3 does not: %w", rel, err)
		}
		rn := renamer{edited: map[*yaml.Node]bool{}}
		rn.document(&node)
		renamed += len(rn.edited)
		if err := enc.Encode(&node); err != nil {
			return t, 0, fmt.Errorf("%s: %w", rel, err)
		}
		t.objects += len(r.Objects)
	}
	if t.objects == 0 {
		return t, leftOut, nil // an encoder that wrote nothing cannot be closed
	}
	if err := enc.Close(); err != nil {
		return t, 0, fmt.Errorf("%s: %w", rel, err)
	}
	t.text = buf.Bytes()
	if n := bytes.Count(t.text, []byte(marker)); n != renamed {
		return t, 0, fmt.Errorf("%s: %d renamed values but the marker %q occurs %d times", rel, renamed, marker, n)
	}
	return t, leftOut, nil
}

// documents cuts a YAML stream where prodready's loader does: at a "---"
// line, which starts a document, and after a "..." line, which ends one.
// The pieces are whole lines, markers included; some may hold no document.
func documents(data []byte) [][]byte {
	var docs [][]byte
	start := 0
	for pos := 0; pos < len(data); {
		next := len(data)
		if i := bytes.IndexByte(data[pos:], '\n'); i >= 0 {
			next = pos + i + 1
		}
		line := bytes.TrimRight(data[pos:next], "\r\n")
		switch {
		case isMarker(line, "---"):
			docs = append(docs, data[start:pos])
			start = pos
		case isMarker(line, "..."):
			docs = append(docs, data[start:next])
			start = next
		}
		pos = next
	}
	return append(docs, data[start:])
}

// isMarker: the marker, then the end of the line or a blank.
func isMarker(line []byte, m string) bool {
	rest, ok := bytes.CutPrefix(line, []byte(m))
	return ok && (len(rest) == 0 || rest[0] == ' ' || rest[0] == '\t')
}

var clusterScoped = func() map[string]bool {
	kinds := map[string]bool{}
	for _, k := range inventory.ClusterScopedKinds() {
		kinds[k] = true
	}
	return kinds
}()

// renamer gives the objects of one document their copy's names: each value
// to rename gets marker appended, once even if an alias shares it.
type renamer struct {
	edited map[*yaml.Node]bool
}

// document renames the objects of a document the way prodready's loader
// finds them: a mapping, the items of a List kind, or a bare sequence.
func (r *renamer) document(doc *yaml.Node) {
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return
	}
	root := resolve(doc.Content[0])
	items := root
	if root.Kind == yaml.MappingNode {
		items = nil
		if kind := stringValue(lookup(root, "kind")); strings.HasSuffix(kind, "List") {
			items = lookup(root, "items")
		}
		if items == nil || items.Kind != yaml.SequenceNode {
			r.object(root)
			return
		}
	}
	if items.Kind == yaml.SequenceNode {
		for _, item := range items.Content {
			if item = resolve(item); item.Kind == yaml.MappingNode {
				r.object(item)
			}
		}
	}
}

func (r *renamer) object(obj *yaml.Node) {
	kind := stringValue(lookup(obj, "kind"))
	if kind == "" {
		return
	}
	meta := lookup(obj, "metadata")
	if clusterScoped[kind] {
		if meta != nil && meta.Kind == yaml.MappingNode {
			r.rename(lookup(meta, "name"))
		}
	} else {
		if meta == nil || meta.Kind != yaml.MappingNode {
			meta = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
			setKey(obj, "metadata", meta)
		}
		ns := lookup(meta, "namespace")
		if ns == nil {
			ns = &yaml.Node{Kind: yaml.ScalarNode}
			setKey(meta, "namespace", ns)
		}
		if !r.edited[ns] && stringValue(ns) == "" {
			// No namespace, or null, or not a string: all the same to the
			// loader, which files such an object under "".
			ns.Kind, ns.Tag, ns.Style, ns.Value = yaml.ScalarNode, "!!str", 0, "default"
		}
		r.rename(ns)
	}
	if kind != "RoleBinding" && kind != "ClusterRoleBinding" {
		return
	}
	if subjects := lookup(obj, "subjects"); subjects != nil && subjects.Kind == yaml.SequenceNode {
		for _, s := range subjects.Content {
			if s = resolve(s); s.Kind == yaml.MappingNode {
				r.rename(lookup(s, "namespace"))
			}
		}
	}
	if ref := lookup(obj, "roleRef"); ref != nil && ref.Kind == yaml.MappingNode && stringValue(lookup(ref, "kind")) == "ClusterRole" {
		r.rename(lookup(ref, "name"))
	}
}

// rename appends marker to a string value; anything else is left alone.
func (r *renamer) rename(n *yaml.Node) {
	if n == nil || r.edited[n] || stringValue(n) == "" {
		return
	}
	n.Value += marker
	r.edited[n] = true
}

// lookup is the value of key in mapping m (aliases followed), or nil.
func lookup(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if k := m.Content[i]; k.Kind == yaml.ScalarNode && k.Value == key {
			return resolve(m.Content[i+1])
		}
	}
	return nil
}

func resolve(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		return n.Alias
	}
	return n
}

// setKey adds key to mapping m; a key already there but of the wrong kind
// (metadata: null) gets the new value.
func setKey(m *yaml.Node, key string, v *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if k := m.Content[i]; k.Kind == yaml.ScalarNode && k.Value == key {
			m.Content[i+1] = v
			return
		}
	}
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, v)
}

// stringValue is the value of a scalar that the loader reads as a string,
// "" for anything else.
func stringValue(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.ScalarNode || n.ShortTag() != "!!str" {
		return ""
	}
	return n.Value
}
