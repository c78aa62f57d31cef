package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/prodready/prodready/pkg/policy"
)

// Find looks for FileName in dir and then in each of its parents, and
// returns the path of the first found.
func Find(dir string) (string, bool) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", false
	}
	for {
		path := filepath.Join(dir, FileName)
		if info, err := os.Stat(path); err == nil && info.Mode().IsRegular() {
			return path, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

// Load reads and checks the configuration file at path: see Parse. A nil
// set is the built-in library.
func Load(path string, set *policy.Set) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data, set)
}

// Parse reads a configuration file called name and checks it against the
// rules of set, which must hold every rule the file may name (the
// built-in ones and a team's). Unknown keys, unknown rule IDs, parameters
// a rule does not declare or of the wrong type, a bad severity, profile,
// glob, date or label selector, and an exemption without a reason are
// errors: every one is reported, each as "name:line: path: problem".
// An empty file is an empty configuration. A nil set is the built-in
// library.
func Parse(name string, data []byte, set *policy.Set) (*Config, error) {
	if set == nil {
		builtin, err := policy.Builtin()
		if err != nil {
			return nil, err
		}
		set = builtin
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	switch err := dec.Decode(&doc); {
	case errors.Is(err, io.EOF):
		return &Config{File: name}, nil
	case err != nil:
		return nil, yamlError(name, err)
	}
	var next yaml.Node
	if err := dec.Decode(&next); !errors.Is(err, io.EOF) {
		if err != nil {
			return nil, yamlError(name, err)
		}
		return nil, fmt.Errorf("%s:%d: a configuration is one YAML document; this is a second one", name, next.Line)
	}
	cfg := &Config{File: name}
	if len(doc.Content) == 0 || doc.Content[0].ShortTag() == "!!null" {
		return cfg, nil
	}
	root := doc.Content[0]
	if err := check(name, root, set); err != nil {
		return nil, err
	}
	stringTimestamps(root)
	if err := root.Decode(cfg); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	for i, n := range sequence(root, "exemptions") {
		cfg.Exemptions[i].Line = n.Line
	}
	return cfg, nil
}

// Validate checks a configuration built in code as Parse checks a file;
// the errors name the path of each problem (there are no lines). A nil
// configuration is valid.
func (c *Config) Validate(set *policy.Set) error {
	if c == nil {
		return nil
	}
	data, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("configuration: %w", err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return fmt.Errorf("configuration: %w", err)
	}
	return check("", doc.Content[0], set)
}

// check validates root against the closed schema of set; with a name,
// each error starts with name:line.
func check(name string, root *yaml.Node, set *policy.Set) error {
	schema := Schema(set, false)
	v := validator{defs: schema["$defs"].(map[string]any)}
	v.validate(schema, root, "")
	slices.SortStableFunc(v.problems, func(a, b problem) int { return a.line - b.line })
	errs := make([]error, len(v.problems))
	for i, p := range v.problems {
		var b strings.Builder
		if name != "" {
			fmt.Fprintf(&b, "%s:%d: ", name, p.line)
		}
		if p.path != "" {
			b.WriteString(p.path + ": ")
		}
		b.WriteString(p.msg)
		errs[i] = errors.New(b.String())
	}
	return errors.Join(errs...)
}

// stringTimestamps makes the unquoted dates of n strings, as they are in
// JSON: decoding would otherwise turn them into time.Time.
func stringTimestamps(n *yaml.Node) {
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!timestamp" {
		n.Tag = "!!str"
	}
	for _, c := range n.Content {
		stringTimestamps(c)
	}
}

// sequence returns the items of the sequence under key in mapping n.
func sequence(n *yaml.Node, key string) []*yaml.Node {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return resolve(n.Content[i+1]).Content
		}
	}
	return nil
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): `)

// yamlError puts the file name in front of a YAML syntax error, in the
// name:line form of the other errors when the error has a line.
func yamlError(name string, err error) error {
	msg := err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		return fmt.Errorf("%s:%s: %s", name, m[1], strings.TrimPrefix(msg, m[0]))
	}
	return fmt.Errorf("%s: %w", name, err)
}
