package manifest

import (
	"sync"
	"sync/atomic"

	"go.yaml.in/yaml/v3"
)

// Positions find the lines of an object's fields. Objects keep the text of
// their document rather than its node tree, which is as large as the
// decoded object: the document is parsed again, only for the objects a
// finding is reported on. The document of a List is parsed once for all
// its items (see source.root).
type Positions struct {
	conv *converter
	node *yaml.Node // the object's mapping, nil when it cannot be found
	line int        // the object's line
}

// source is the document an object was read from; the items of a List
// share one.
type source struct {
	chunk chunk
	seq   bool // the objects are the items of a List or a bare sequence

	once   sync.Once
	parsed *yaml.Node
	// live is the document's top node while the parse that read it is
	// still in hand (see Read), so that Positions need not parse again.
	// Atomic: a visit may hand the object to another goroutine.
	live atomic.Pointer[yaml.Node]
}

// root is the document's top node. A document that holds several objects
// keeps it once parsed, so that a List of n items is not parsed n times;
// others parse it on every call, so that no node tree outlives its use.
func (s *source) root() *yaml.Node {
	if n := s.live.Load(); n != nil {
		return n
	}
	parse := func() *yaml.Node {
		var doc yaml.Node
		// It parsed when it was read; the recover is for the parser's own
		// panics, which it would have had then too.
		defer func() { _ = recover() }()
		if yaml.Unmarshal(s.chunk.data, &doc) != nil || doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
			return nil
		}
		return doc.Content[0]
	}
	if !s.seq {
		return parse()
	}
	s.once.Do(func() { s.parsed = parse() })
	return s.parsed
}

// release lets the node trees of r's documents go: objects kept after
// their visit parse their document again for Positions.
func (r *Result) release() {
	for _, src := range r.sources {
		src.live.Store(nil)
	}
	r.sources = nil
}

// Positions parses o's document again, for the lines of o's fields. An
// Object that was not read by this package (built in code) has no
// document: its Positions give o.Line for every field.
func (o *Object) Positions() *Positions {
	p := &Positions{line: o.Line}
	if o.src == nil {
		return p
	}
	p.conv = &converter{chunk: &o.src.chunk}
	n := o.src.root()
	if n != nil && o.Item > 0 {
		if n.Kind == yaml.MappingNode {
			n = itemsNode(n)
		}
		if n == nil || n.Kind != yaml.SequenceNode || o.Item > len(n.Content) {
			return p
		}
		n = n.Content[o.Item-1]
	}
	if n != nil && n.Kind == yaml.MappingNode {
		p.node = n
	}
	return p
}

// Line is the line where the field at path is written in the object: path
// holds mapping keys (string) and sequence indices (int), as in
// ["spec", "template", "spec", "containers", 0, "resources"]. A key's line
// is the line of the key; an item's, the line it starts on.
//
// When the field is not written out, Line is the line of the deepest part
// of path that is, and exact is false: a container without resources
// gives the container's line. A value that comes from an alias or a merge
// key ("<<") is written where the alias or the merge key is: the path
// stops there, since the anchor may be anywhere in the document, and
// another object's text.
func (p *Positions) Line(path ...any) (line int, exact bool) {
	n, exact := p.deepest(path)
	if n == nil {
		return p.line, exact
	}
	return p.conv.line(n), exact
}

// Note is what the renderer said of the value at path (Rendered.Notes:
// where it came from, when the file does not write it as it is), for the
// deepest part of path that is written; "" when it said nothing.
func (p *Positions) Note(path ...any) string {
	n, _ := p.deepest(path)
	if n == nil {
		return ""
	}
	return p.conv.chunk.note(n.Line)
}

// deepest is the node whose line Line gives for path: the key or item of
// the deepest part of path that is written, nil for none (the object's
// line); exact is false when that is not the whole path.
func (p *Positions) deepest(path []any) (last *yaml.Node, exact bool) {
	if p.node == nil {
		return nil, len(path) == 0
	}
	n := p.node
	for i, elem := range path {
		var found *yaml.Node
		switch elem := elem.(type) {
		case string:
			if n.Kind != yaml.MappingNode {
				return last, false
			}
			key, value, merged := p.lookup(n, elem)
			if key == nil {
				return last, false
			}
			last = key
			if merged {
				return last, false
			}
			found = value
		case int:
			if n.Kind != yaml.SequenceNode || elem < 0 || elem >= len(n.Content) {
				return last, false
			}
			found = n.Content[elem]
			last = found
		default:
			return last, false
		}
		if found.Kind == yaml.AliasNode {
			return last, i == len(path)-1
		}
		n = found
	}
	return last, true
}

// lookup finds key in mapping n as the converter fills a mapping: the last
// of its own pairs and merge keys to set key wins. merged reports that it
// came from a merge key, whose key node is returned.
func (p *Positions) lookup(n *yaml.Node, key string) (k, v *yaml.Node, merged bool) {
	for i := 0; i+1 < len(n.Content); i += 2 {
		kn, vn := n.Content[i], n.Content[i+1]
		if isMergeKey(kn) {
			if mergeSets(vn, key, p.conv) {
				k, v, merged = kn, vn, true
			}
			continue
		}
		if s, err := p.conv.key(kn); err == nil && s == key {
			k, v, merged = kn, vn, false
		}
	}
	return k, v, merged
}

// mergeSets reports whether the value of a merge key sets key.
func mergeSets(n *yaml.Node, key string, conv *converter) bool {
	switch n.Kind {
	case yaml.AliasNode:
		return mergeSets(n.Alias, key, conv)
	case yaml.SequenceNode:
		for _, e := range n.Content {
			if mergeSets(e, key, conv) {
				return true
			}
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			kn := n.Content[i]
			if isMergeKey(kn) {
				if mergeSets(n.Content[i+1], key, conv) {
					return true
				}
			} else if s, err := conv.key(kn); err == nil && s == key {
				return true
			}
		}
	}
	return false
}
