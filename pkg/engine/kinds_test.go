package engine_test

import (
	"context"
	"os"
	"path"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/prodready/prodready/pkg/engine"
	"github.com/prodready/prodready/pkg/manifest"
	"github.com/prodready/prodready/pkg/policy"
)

// TestRulesDeclareTheKindsTheyReportOn runs every strict rule, its kinds
// widened to every kind of the input so that nothing is skipped or
// filtered, on the examples and on the real-world corpora, and checks each
// raw finding is on a kind its rule's METADATA declares: a kind missing
// there would be a finding Gatekeeper never makes and the SDK drops.
func TestRulesDeclareTheKindsTheyReportOn(t *testing.T) {
	set, err := policy.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	inputs := map[string]string{"examples": "../../examples"}
	for _, c := range corpora {
		inputs[path.Base(c)] = c
	}
	for name, dir := range inputs {
		t.Run(name, func(t *testing.T) {
			if _, err := os.Stat(dir); err != nil {
				t.Skipf("%s not found", dir)
			}
			objs := manifest.Load(context.Background(), []string{dir}, manifest.Options{}).Objects
			eng, err := engine.New(engine.WithProfile(policy.Strict), engine.WithPolicies(widened(set, objs)))
			if err != nil {
				t.Fatal(err)
			}
			out, err := eng.Evaluate(context.Background(), objs)
			findings := out.All()
			if err != nil {
				t.Fatal(err)
			}
			if len(findings) == 0 {
				t.Fatalf("no findings on %s", dir)
			}
			reported := map[string]bool{}
			for _, f := range findings {
				rule, _ := set.Rule(f.Rule)
				reported[f.Rule] = true
				if !slices.Contains(rule.Kinds, f.Object.Kind) {
					t.Errorf("%s reports on %s (%s:%d), a kind its METADATA kinds %v lack", f.Rule, f.Object, f.File, f.Line, rule.Kinds)
				}
			}
			t.Logf("%d findings of %d rules on %d objects", len(findings), len(reported), len(objs))
		})
	}
}

// widened is set with every rule declaring every kind of objs.
func widened(set *policy.Set, objs []*manifest.Object) *policy.Set {
	var kinds []string
	for _, o := range objs {
		if !slices.Contains(kinds, o.Kind) {
			kinds = append(kinds, o.Kind)
		}
	}
	out := *set
	out.Rules = slices.Clone(set.Rules)
	for i := range out.Rules {
		out.Rules[i].Kinds = kinds
	}
	return &out
}

// kindsModule is a rule that reports on every object it is evaluated on,
// and fails to evaluate on a ConfigMap (two values for one complete rule):
// an error from a ConfigMap shows it was evaluated.
const kindsModule = `# METADATA
# title: Any object
# description: Reports on every object.
# custom:
#   id: any-object
#   severity: low
#   profile: baseline
#   kinds: %KINDS%
#   version: 1.0.0
#   remediation: None.
package prodready.rules.any_object

broken := 1 if input.kind == "ConfigMap"

broken := 2 if input.kind == "ConfigMap"

findings contains {"msg": input.kind} if input.kind

findings contains {"msg": "unreachable"} if broken == 0
`

// secretsModule is a rule about Secrets that never fires: the engine
// evaluates Secrets, but may not return any-object's findings on them.
const secretsModule = `# METADATA
# title: Secrets
# description: Reports nothing.
# custom:
#   id: secrets
#   severity: low
#   profile: baseline
#   kinds: [Secret]
#   version: 1.0.0
#   remediation: None.
package prodready.rules.secrets

findings contains {"msg": "never"} if false
`

const kindsInput = `apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: api, namespace: shop}
---
apiVersion: v1
kind: Secret
metadata: {name: api, namespace: shop}
`

func TestEngineEvaluatesOnlyTheDeclaredKinds(t *testing.T) {
	evaluate := func(kinds string) ([]engine.Finding, error) {
		src := strings.Replace(kindsModule, "%KINDS%", kinds, 1)
		set, err := policy.Load(fstest.MapFS{"any.rego": {Data: []byte(src)}, "secrets.rego": {Data: []byte(secretsModule)}})
		if err != nil {
			t.Fatal(err)
		}
		eng, err := engine.New(engine.WithPolicies(set))
		if err != nil {
			t.Fatal(err)
		}
		out, err := eng.Evaluate(context.Background(), parse(t, "objs.yaml", kindsInput))
		findings := out.All()
		return findings, err
	}
	all, err := evaluate("[Service, ConfigMap]")
	if err == nil {
		t.Fatal("the rule evaluated on a ConfigMap without error: this test cannot tell whether ConfigMaps are skipped")
	}
	if len(all) != 1 || all[0].Object.Kind != "Service" {
		t.Fatalf("findings %+v, want one on the Service", all)
	}
	findings, err := evaluate("[Service]")
	if err != nil {
		t.Fatalf("a ConfigMap was evaluated although no rule reports on ConfigMaps: %v", err)
	}
	var on []string
	for _, f := range findings {
		on = append(on, f.Object.Kind)
	}
	if !slices.Equal(on, []string{"Service"}) {
		t.Errorf("findings on %v, want on the Service only (the Secret is evaluated, but any-object does not report on Secrets)", on)
	}
}
