package config_test

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/prodready/prodready/pkg/config"
	"github.com/prodready/prodready/pkg/policy"
)

// loadBuiltin parses the embedded library once for every test.
var loadBuiltin = sync.OnceValues(policy.Builtin)

func builtin(t *testing.T) *policy.Set {
	t.Helper()
	set, err := loadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func TestLoadReadsEveryKey(t *testing.T) {
	cfg, err := config.Load("testdata/good.yaml", builtin(t))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.File != "testdata/good.yaml" || cfg.Profile != policy.Strict {
		t.Errorf("file %q, profile %q", cfg.File, cfg.Profile)
	}
	single := cfg.Rules["single-replica"]
	if single.Severity != policy.Critical || single.Parameters["minReplicas"] != 3 || single.Enabled != nil {
		t.Errorf("single-replica: %+v", single)
	}
	if got := cfg.Rules["memory-limit-no-headroom"].Parameters["minRatio"]; got != 1.25 {
		t.Errorf("minRatio = %#v", got)
	}
	if got := cfg.Rules["liveness-checks-dependencies"].Parameters["patterns"]; !reflect.DeepEqual(got, []any{"db", "redis"}) {
		t.Errorf("patterns = %#v", got)
	}
	if on := cfg.Rules["zone-spread-missing"].Enabled; on == nil || *on {
		t.Errorf("zone-spread-missing enabled = %v", on)
	}
	if len(cfg.Exemptions) != 3 {
		t.Fatalf("%d exemptions", len(cfg.Exemptions))
	}
	want := config.Exemption{
		Rules: []string{"*"},
		Name:  "legacy-??",
		Selector: &config.LabelSelector{
			MatchLabels: map[string]string{"app.kubernetes.io/part-of": "legacy"},
			MatchExpressions: []config.Requirement{
				{Key: "tier", Operator: "In", Values: []string{"frontend", "backend"}},
				{Key: "canary", Operator: "DoesNotExist"},
			},
		},
		Reason:  "The legacy stack is being replaced (PLAT-123).",
		Expires: "2027-03-31", // unquoted in the file: still the string
		Line:    23,
	}
	if !reflect.DeepEqual(cfg.Exemptions[1], want) {
		t.Errorf("exemption 1:\n got %+v\nwant %+v", cfg.Exemptions[1], want)
	}
	if lines := [2]int{cfg.Exemptions[0].Line, cfg.Exemptions[2].Line}; lines != [2]int{20, 36} {
		t.Errorf("exemption lines %v, want [20 36]", lines)
	}
	if cfg.Exemptions[2].Expires != "2026-12-31" {
		t.Errorf("quoted expires = %q", cfg.Exemptions[2].Expires)
	}
}

func TestParseEmpty(t *testing.T) {
	for _, src := range []string{"", "# nothing set yet\n", "---\n", "~\n"} {
		cfg, err := config.Parse("empty.yaml", []byte(src), builtin(t))
		if err != nil {
			t.Errorf("%q: %v", src, err)
			continue
		}
		if cfg.File != "empty.yaml" || cfg.Profile != "" || cfg.Rules != nil || cfg.Exemptions != nil {
			t.Errorf("%q: %+v", src, cfg)
		}
	}
}

// errorCases are files with one problem each, and the error that names it.
// structural ones are errors the JSON Schema itself states: schema_test
// checks that a JSON Schema validator refuses them too.
var errorCases = []struct {
	name, src, want string
	structural      bool
}{
	{"unknown top-level key", "profile: strict\nrule:\n  single-replica: {}\n",
		`c.yaml:2: rule: unknown key "rule"; did you mean rules? (known: exemptions, profile, rules)`, true},
	{"unknown key in a rule", "rules:\n  single-replica:\n    enable: false\n",
		`c.yaml:3: rules.single-replica.enable: unknown key "enable"; did you mean enabled? (known: admission, enabled, parameters, severity)`, true},
	{"unknown rule ID", "rules:\n  single-replicas:\n    enabled: false\n",
		`c.yaml:2: rules.single-replicas: "single-replicas" is not a known rule ID; did you mean single-replica?`, true},
	{"undeclared parameter", "rules:\n  single-replica:\n    parameters:\n      maxReplicas: 3\n",
		`c.yaml:4: rules.single-replica.parameters.maxReplicas: unknown key "maxReplicas"; did you mean minReplicas? (known: minReplicas)`, true},
	{"parameters of a rule without any", "rules:\n  memory-request-missing:\n    parameters: {}\n",
		`c.yaml:3: rules.memory-request-missing.parameters: unknown key "parameters" (known: admission, enabled, severity)`, true},
	{"integer parameter given a string", "rules:\n  single-replica:\n    parameters:\n      minReplicas: two\n",
		`c.yaml:4: rules.single-replica.parameters.minReplicas: want an integer, got "two"`, true},
	{"integer parameter given a fraction", "rules:\n  single-replica:\n    parameters:\n      minReplicas: 2.5\n",
		`c.yaml:4: rules.single-replica.parameters.minReplicas: want an integer, got 2.5`, true},
	{"number parameter given a quoted number", "rules:\n  memory-limit-no-headroom:\n    parameters:\n      minRatio: \"1.5\"\n",
		`c.yaml:4: rules.memory-limit-no-headroom.parameters.minRatio: want a number, got "1.5"`, true},
	{"array parameter given a string", "rules:\n  liveness-checks-dependencies:\n    parameters:\n      patterns: db\n",
		`c.yaml:4: rules.liveness-checks-dependencies.parameters.patterns: want an array, got "db"`, true},
	{"array parameter with an item of the wrong type", "rules:\n  liveness-checks-dependencies:\n    parameters:\n      patterns:\n        - db\n        - [redis]\n",
		`c.yaml:6: rules.liveness-checks-dependencies.parameters.patterns[1]: want a string, got an array`, true},
	{"enabled not a boolean", "rules:\n  single-replica:\n    enabled: yes\n",
		`c.yaml:3: rules.single-replica.enabled: want a boolean, got "yes"`, true},
	{"bad severity", "rules:\n  single-replica:\n    severity: urgent\n",
		`c.yaml:3: rules.single-replica.severity: want one of critical, high, medium or low, got "urgent"`, true},
	{"bad profile", "profile: paranoid\n",
		`c.yaml:1: profile: want one of baseline or strict, got "paranoid"`, true},
	{"rules not a mapping", "rules:\n  - single-replica\n",
		`c.yaml:2: rules: want an object, got an array`, true},
	{"not a mapping at all", "- profile: strict\n",
		`c.yaml:1: want an object, got an array`, true},
	{"exemption without a reason", "exemptions:\n  - rules: [single-replica]\n    namespace: batch\n",
		`c.yaml:2: exemptions[0]: "reason" is required`, true},
	{"exemption with a blank reason", "exemptions:\n  - rules: [single-replica]\n    reason: \"  \"\n",
		`c.yaml:3: exemptions[0].reason: "  " is not a reason (it may not be blank)`, true},
	{"exemption without rules", "exemptions:\n  - namespace: batch\n    reason: why\n",
		`c.yaml:2: exemptions[0]: "rules" is required`, true},
	{"exemption with no rule", "exemptions:\n  - rules: []\n    reason: why\n",
		`c.yaml:2: exemptions[0].rules: want at least 1 item(s), got 0`, true},
	{"exemption of an unknown rule", "exemptions:\n  - rules: [single-replica, singel-replica]\n    reason: why\n",
		`c.yaml:2: exemptions[0].rules[1]: "singel-replica" is not a known rule ID or *; did you mean single-replica?`, true},
	{"unknown key in an exemption", "exemptions:\n  - rules: ['*']\n    namespaces: batch\n    reason: why\n",
		`c.yaml:3: exemptions[0].namespaces: unknown key "namespaces"; did you mean namespace? (known: expires, name, namespace, reason, rules, selector)`, true},
	{"namespace not a string", "exemptions:\n  - rules: ['*']\n    namespace: 42\n    reason: why\n",
		`c.yaml:3: exemptions[0].namespace: want a string, got 42`, true},
	{"bad namespace glob", "exemptions:\n  - rules: ['*']\n    namespace: Batch_*\n    reason: why\n",
		`c.yaml:3: exemptions[0].namespace: "Batch_*" is not a glob of lower-case letters, digits, '-', '.', '*' and '?'`, true},
	{"bad name glob", "exemptions:\n  - rules: ['*']\n    name: 'api-[0-9]'\n    reason: why\n",
		`c.yaml:3: exemptions[0].name: "api-[0-9]" is not a glob of lower-case letters, digits, '-', '.', '*' and '?'`, true},
	{"expires not a date", "exemptions:\n  - rules: ['*']\n    reason: why\n    expires: next spring\n",
		`c.yaml:4: exemptions[0].expires: "next spring" is not a date (YYYY-MM-DD)`, true},
	{"expires on a day that does not exist", "exemptions:\n  - rules: ['*']\n    reason: why\n    expires: 2027-02-30\n",
		`c.yaml:4: exemptions[0].expires: "2027-02-30" is not a date (YYYY-MM-DD)`, false},
	{"selector with an unknown operator", "exemptions:\n  - rules: ['*']\n    reason: why\n    selector:\n      matchExpressions:\n        - {key: tier, operator: Has}\n",
		`c.yaml:6: exemptions[0].selector.matchExpressions[0].operator: want one of In, NotIn, Exists or DoesNotExist, got "Has"`, true},
	{"selector label value Kubernetes refuses", "exemptions:\n  - rules: ['*']\n    reason: why\n    selector:\n      matchLabels:\n        app.kubernetes.io/name: \"my app\"\n",
		`c.yaml:6: exemptions[0].selector.matchLabels["app.kubernetes.io/name"]: invalid label selector: `, false},
	{"selector In without values", "exemptions:\n  - rules: ['*']\n    reason: why\n    selector:\n      matchExpressions:\n        - key: tier\n          operator: In\n",
		`c.yaml:6: exemptions[0].selector.matchExpressions[0]: invalid label selector: `, false},
	{"duplicate key", "profile: strict\nprofile: baseline\n",
		`c.yaml:2: profile: duplicate key (first at line 1)`, false},
	{"second document", "profile: strict\n---\nprofile: baseline\n",
		`c.yaml:2: a configuration is one YAML document; this is a second one`, false},
	{"YAML syntax error", "rules:\n  single-replica: {\n",
		`c.yaml:2: did not find expected node content`, false},
}

func TestParseErrorsNameTheLine(t *testing.T) {
	set := builtin(t)
	for _, c := range errorCases {
		t.Run(c.name, func(t *testing.T) {
			_, err := config.Parse("c.yaml", []byte(c.src), set)
			if err == nil {
				t.Fatal("no error")
			}
			if lines := strings.Split(err.Error(), "\n"); len(lines) != 1 || !strings.HasPrefix(lines[0], c.want) {
				t.Errorf("got\n%v\nwant one error starting\n%s", err, c.want)
			}
		})
	}
}

func TestParseReportsEveryError(t *testing.T) {
	src := `profile: strict
rules:
  single-replica:
    severity: urgent
    parameters:
      minReplicas: two
exemptions:
  - rules: [single-replica]
    expires: soon
`
	_, err := config.Parse("c.yaml", []byte(src), builtin(t))
	want := `c.yaml:4: rules.single-replica.severity: want one of critical, high, medium or low, got "urgent"
c.yaml:6: rules.single-replica.parameters.minReplicas: want an integer, got "two"
c.yaml:8: exemptions[0]: "reason" is required
c.yaml:9: exemptions[0].expires: "soon" is not a date (YYYY-MM-DD)`
	if err == nil || err.Error() != want {
		t.Errorf("got\n%v\nwant\n%s", err, want)
	}
}

// A team's rules are known to Parse when the set holds them.
func TestTeamRulesAreKnown(t *testing.T) {
	set, err := policy.LoadFiles(map[string]string{"team/owner.rego": `# METADATA
# title: Workloads name an owner
# description: The owner label says whom to page.
# custom:
#   id: team-owner-label
#   severity: medium
#   profile: baseline
#   version: 1.0.0
#   kinds: [Deployment]
#   parameters:
#     label:
#       type: string
#       default: team
#   remediation: Add the label.
package prodready.rules.team_owner_label

findings contains {"msg": "no owner"} if false
`})
	if err != nil {
		t.Fatal(err)
	}
	src := "rules:\n  team-owner-label:\n    parameters:\n      label: owner\nexemptions:\n  - rules: [team-owner-label]\n    reason: why\n"
	cfg, err := config.Parse("c.yaml", []byte(src), set)
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Rules["team-owner-label"].Parameters["label"]; got != "owner" {
		t.Errorf("label = %v", got)
	}
	if _, err := config.Parse("c.yaml", []byte("rules:\n  single-replica: {}\n"), set); err == nil {
		t.Error("a rule the set lacks is accepted")
	}
}

func TestValidateChecksAConfigBuiltInCode(t *testing.T) {
	set := builtin(t)
	var nilConfig *config.Config
	if err := nilConfig.Validate(set); err != nil {
		t.Errorf("nil: %v", err)
	}
	good := &config.Config{
		Profile: policy.Strict,
		Rules: map[string]config.Rule{
			"single-replica":               {Severity: policy.Low, Parameters: map[string]any{"minReplicas": 3}},
			"liveness-checks-dependencies": {Parameters: map[string]any{"patterns": []string{"db"}}},
		},
		Exemptions: []config.Exemption{{Rules: []string{"*"}, Namespace: "kube-*", Reason: "platform components"}},
	}
	if err := good.Validate(set); err != nil {
		t.Errorf("good: %v", err)
	}
	bad := &config.Config{
		Rules:      map[string]config.Rule{"single-replica": {Parameters: map[string]any{"minReplicas": "3"}}},
		Exemptions: []config.Exemption{{Namespace: "kube-*", Reason: "platform components"}},
	}
	want := "rules.single-replica.parameters.minReplicas: want an integer, got \"3\"\nexemptions[0].rules: want an array, got null"
	if err := bad.Validate(set); err == nil || err.Error() != want {
		t.Errorf("got\n%v\nwant\n%s", err, want)
	}
}

func TestFindLooksUpward(t *testing.T) {
	root := t.TempDir()
	deep := filepath.Join(root, "a", "b", "c")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	// A directory of that name is not a configuration.
	if err := os.Mkdir(filepath.Join(root, "a", "b", config.FileName), 0o755); err != nil {
		t.Fatal(err)
	}
	_, above := config.Find(filepath.Dir(root))
	if got, ok := config.Find(deep); !above && ok {
		t.Errorf("found %s in an empty tree", got)
	}
	want := filepath.Join(root, "a", config.FileName)
	if err := os.WriteFile(want, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if got, ok := config.Find(deep); !ok || got != want {
		t.Errorf("Find(%s) = %s, %v; want %s", deep, got, ok, want)
	}
	if got, ok := config.Find(filepath.Join(root, "a")); !ok || got != want {
		t.Errorf("Find in the directory itself = %s, %v", got, ok)
	}
}

func TestLoadMissingFile(t *testing.T) {
	if _, err := config.Load("testdata/none.yaml", builtin(t)); err == nil || !strings.Contains(err.Error(), "testdata/none.yaml") {
		t.Errorf("err = %v", err)
	}
}

// The example of docs/configuration.md is a valid configuration.
func TestDocumentedExampleParses(t *testing.T) {
	doc, err := os.ReadFile("../../docs/configuration.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(doc), "```yaml\n")
	example, _, closed := strings.Cut(rest, "```")
	if !ok || !closed {
		t.Fatal("no yaml example")
	}
	cfg, err := config.Parse("docs/configuration.md", []byte(example), builtin(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Rules) == 0 || len(cfg.Exemptions) == 0 {
		t.Errorf("the example sets no rules or exemptions: %+v", cfg)
	}
}

func TestLoadWithoutASetChecksAgainstTheBuiltInRules(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, ".prodready.yaml")
	if err := os.WriteFile(path, []byte("rules:\n  single-replica:\n    parameters:\n      minReplicas: 3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := config.Load(path, nil); err != nil {
		t.Fatalf("Load(path, nil): %v", err)
	}
	if err := os.WriteFile(path, []byte("rules:\n  single-replicas: {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := config.Load(path, nil); err == nil {
		t.Error("Load(path, nil) accepted an unknown rule")
	}
}
