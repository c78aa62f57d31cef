package config_test

import (
	"bytes"
	"encoding/json"
	"os"
	"reflect"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"

	"github.com/prodready/prodready/pkg/config"
)

// schemaFile is the published schema; `make docs` rewrites it.
const schemaFile = "../../docs/config.schema.json"

func marshalSchema(t *testing.T, schema map[string]any) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(schema); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestSchemaIsUpToDate fails when docs/config.schema.json is stale; run
// `make docs` (UPDATE_DOCS=1) to regenerate it.
func TestSchemaIsUpToDate(t *testing.T) {
	got := marshalSchema(t, config.Schema(builtin(t), true))
	if os.Getenv("UPDATE_DOCS") == "1" {
		if err := os.WriteFile(schemaFile, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	onDisk, err := os.ReadFile(schemaFile)
	if err != nil || !bytes.Equal(onDisk, got) {
		t.Errorf("%s is stale or missing: run `make docs`", schemaFile)
	}
}

// compile compiles a schema with a JSON Schema implementation, asserting
// formats (date) as prodready does.
func compile(t *testing.T, schema []byte) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schema))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("config.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("config.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// instance is a YAML file as JSON reads it: YAML 1.2, so that `yes` is a
// string and an unquoted date a string too, as editors read it.
func instance(t *testing.T, src []byte) any {
	t.Helper()
	var n yaml.Node
	if err := yaml.Unmarshal(src, &n); err != nil {
		t.Fatal(err)
	}
	var retag func(*yaml.Node)
	retag = func(n *yaml.Node) {
		if n.ShortTag() == "!!timestamp" {
			n.Tag = "!!str"
		}
		for _, c := range n.Content {
			retag(c)
		}
	}
	retag(&n)
	var v any
	if err := n.Decode(&v); err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return inst
}

func TestPublishedSchemaAcceptsConfigurations(t *testing.T) {
	schema, err := os.ReadFile(schemaFile)
	if err != nil {
		t.Fatal(err)
	}
	s := compile(t, schema)
	good, err := os.ReadFile("testdata/good.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(instance(t, good)); err != nil {
		t.Errorf("testdata/good.yaml: %v", err)
	}
	// Open to the rules of a team, which it cannot know.
	team := "rules:\n  team-owner-label:\n    severity: high\n    parameters:\n      label: owner\nexemptions:\n  - rules: [team-owner-label]\n    reason: why\n"
	if err := s.Validate(instance(t, []byte(team))); err != nil {
		t.Errorf("a team rule: %v", err)
	}
	// Still closed to what is wrong whatever the rules.
	for _, bad := range []string{"profile: paranoid\n", "rule: {}\n", "rules:\n  team-owner-label:\n    severity: urgent\n", "exemptions:\n  - rules: ['*']\n"} {
		if err := s.Validate(instance(t, []byte(bad))); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}

// The closed schema Parse checks against means the same to a JSON Schema
// implementation: it accepts the good file and refuses the structural errors.
func TestParseAgreesWithJSONSchema(t *testing.T) {
	s := compile(t, marshalSchema(t, config.Schema(builtin(t), false)))
	good, err := os.ReadFile("testdata/good.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(instance(t, good)); err != nil {
		t.Errorf("testdata/good.yaml: %v", err)
	}
	for _, c := range errorCases {
		if c.structural {
			if err := s.Validate(instance(t, []byte(c.src))); err == nil {
				t.Errorf("%s: accepted by the JSON Schema", c.name)
			}
		}
	}
}

// supportedKeywords are the JSON Schema keywords Parse's validator
// implements, and the annotations it ignores.
var supportedKeywords = map[string]bool{
	"$ref": true, "type": true, "properties": true, "additionalProperties": true, "propertyNames": true,
	"required": true, "enum": true, "items": true, "minItems": true, "pattern": true, "format": true,
	"$schema": true, "$defs": true, "title": true, "description": true, "default": true, "examples": true,
}

func TestParseImplementsEveryKeywordOfTheSchema(t *testing.T) {
	var walk func(path string, s map[string]any)
	walk = func(path string, s map[string]any) {
		for k, v := range s {
			if !supportedKeywords[k] {
				t.Errorf("%s: keyword %s", path, k)
			}
			switch k {
			case "properties", "$defs":
				for name, sub := range v.(map[string]any) {
					walk(path+"/"+k+"/"+name, sub.(map[string]any))
				}
			case "items", "additionalProperties", "propertyNames":
				if sub, ok := v.(map[string]any); ok {
					walk(path+"/"+k, sub)
				}
			case "format":
				if v != "date" {
					t.Errorf("%s: format %v", path, v)
				}
			}
		}
	}
	walk("#", config.Schema(builtin(t), false))
}

func TestSchemaDescribesEveryRuleAndParameter(t *testing.T) {
	set := builtin(t)
	rules := config.Schema(set, true)["properties"].(map[string]any)["rules"].(map[string]any)["properties"].(map[string]any)
	for _, r := range set.Rules {
		rule, ok := rules[r.ID].(map[string]any)
		if !ok {
			t.Errorf("%s missing", r.ID)
			continue
		}
		props := rule["properties"].(map[string]any)
		for _, p := range r.Parameters {
			got, _ := props["parameters"].(map[string]any)["properties"].(map[string]any)[p.Name].(map[string]any)
			if got["type"] != p.Type || !reflect.DeepEqual(got["default"], p.Default) {
				t.Errorf("%s.%s: %v", r.ID, p.Name, got)
			}
		}
	}
}
