package gatekeeper

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"os/exec"
	"path"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"go.yaml.in/yaml/v3"

	"github.com/prodready/prodready/examples"
	"github.com/prodready/prodready/internal/enginetest"
	"github.com/prodready/prodready/internal/lookup"
	"github.com/prodready/prodready/pkg/bundle"
	"github.com/prodready/prodready/pkg/config"
	"github.com/prodready/prodready/pkg/engine"
	"github.com/prodready/prodready/pkg/manifest"
	"github.com/prodready/prodready/pkg/policy"
)

// built caches one build per profile: building evaluates every example.
var built = map[policy.Profile]func() (bundle.Files, error){}

func init() {
	for _, p := range []policy.Profile{policy.Baseline, policy.Strict} {
		built[p] = sync.OnceValues(func() (bundle.Files, error) { return Build(bundle.Options{Profile: p}, "") })
	}
}

func build(t *testing.T, p policy.Profile) bundle.Files {
	t.Helper()
	files, err := built[p]()
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// write puts the bundle in a temporary directory for the engine.
func write(t *testing.T, files bundle.Files) string {
	t.Helper()
	dir := t.TempDir()
	if err := files.Write(dir); err != nil {
		t.Fatal(err)
	}
	return dir
}

func decode(t *testing.T, data []byte, v any) {
	t.Helper()
	if err := yaml.Unmarshal(data, v); err != nil {
		t.Fatal(err)
	}
}

func TestProfileSelectsRules(t *testing.T) {
	set := enginetest.Builtin(t)
	for _, p := range []policy.Profile{policy.Baseline, policy.Strict} {
		files := build(t, p)
		var want []string
		for _, r := range set.Enabled(p) {
			want = append(want, r.ID)
		}
		var tmpl templateDoc
		decode(t, files[templateFile], &tmpl)
		if got := strings.Split(tmpl.Metadata.Annotations[RulesAnnotation], ","); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: the template carries %v, want %v", p, got, want)
		}
		if got := slices.Sorted(maps.Keys(tableOf(t, tmpl))); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: the template's table has %v, want %v", p, got, want)
		}
		if got := slices.Sorted(maps.Keys(enforcedBy(t, files))); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: constraints enforce %v, want %v", p, got, want)
		}
		for _, id := range want {
			if files["suites/"+id+"/suite.yaml"] == nil || files["suites/"+id+"/constraint.yaml"] == nil {
				t.Errorf("%s: no suite for %s", p, id)
			}
		}
		// Each install step is one kubectl apply -k: its kustomization
		// lists every file of its directory.
		for _, dir := range []string{"templates", "constraints", "sync"} {
			var k struct {
				Kind      string   `yaml:"kind"`
				Resources []string `yaml:"resources"`
			}
			decode(t, files[dir+"/kustomization.yaml"], &k)
			var listed []string
			for _, f := range files.Paths() {
				if name, ok := strings.CutPrefix(f, dir+"/"); ok && name != "kustomization.yaml" {
					listed = append(listed, name)
				}
			}
			if k.Kind != "Kustomization" || !reflect.DeepEqual(k.Resources, listed) {
				t.Errorf("%s: %s/kustomization.yaml lists %v, want %v", p, dir, k.Resources, listed)
			}
		}
	}
}

func TestRulePackage(t *testing.T) {
	for id, want := range map[string]string{
		"memory-request-missing": "lib.prodready.rules.memory_request_missing",
		"rbac-wildcard":          "lib.prodready.rules.rbac_wildcard",
	} {
		if got := RulePackage(id); got != want {
			t.Errorf("RulePackage(%q) = %q, want %q", id, got, want)
		}
	}
}

// doc reads back a resource of the bundle with its spec of type S.
type doc[S any] struct {
	APIVersion string   `yaml:"apiVersion"`
	Kind       string   `yaml:"kind"`
	Metadata   metadata `yaml:"metadata"`
	Spec       S        `yaml:"spec"`
}

type (
	templateDoc   = doc[templateSpec]
	constraintDoc = doc[constraintSpec]
)

// enforcedBy maps every rule the bundle's constraints list to the
// constraint that lists it, failing if one lists a rule another does.
func enforcedBy(t *testing.T, files bundle.Files) map[string]constraintDoc {
	t.Helper()
	out := map[string]constraintDoc{}
	for _, p := range files.Paths() {
		if !strings.HasPrefix(p, "constraints/") || path.Base(p) == "kustomization.yaml" {
			continue
		}
		var c constraintDoc
		decode(t, files[p], &c)
		if path.Base(p) != c.Metadata.Name+".yaml" {
			t.Errorf("%s holds the constraint %s", p, c.Metadata.Name)
		}
		rules, _ := c.Spec.Parameters[RulesParameter].(map[string]any)
		for id := range rules {
			if other, ok := out[id]; ok {
				t.Errorf("%s is enforced by %s and %s", id, other.Metadata.Name, c.Metadata.Name)
			}
			out[id] = c
		}
	}
	return out
}

// tableOf reads the rules table of the template's own module.
func tableOf(t *testing.T, tmpl templateDoc) map[string]ruleEntry {
	t.Helper()
	src := tmpl.Spec.Targets[0].Rego
	if len(tmpl.Spec.Targets[0].Code) > 0 {
		src = tmpl.Spec.Targets[0].Code[0].Source.Rego
	}
	m, err := ast.ParseModuleWithOpts(templateFile, src, ast.ParserOptions{RegoVersion: ast.RegoV1})
	if err != nil {
		m, err = ast.ParseModuleWithOpts(templateFile, src, ast.ParserOptions{RegoVersion: ast.RegoV0})
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range m.Rules {
		if r.Head.Name.String() != "rules" {
			continue
		}
		v, err := ast.JSON(r.Head.Value.Value)
		if err != nil {
			t.Fatal(err)
		}
		data, _ := json.Marshal(v)
		var table map[string]ruleEntry
		if err := json.Unmarshal(data, &table); err != nil {
			t.Fatal(err)
		}
		return table
	}
	t.Fatal("the template has no rules table")
	return nil
}

// actions are a constraint's actions by enforcement point.
func actions(spec constraintSpec) map[string]string {
	out := map[string]string{}
	if spec.EnforcementAction != "scoped" {
		for _, p := range []string{WebhookPoint, AuditPoint, GatorPoint} {
			out[p] = spec.EnforcementAction
		}
		return out
	}
	for _, a := range spec.ScopedEnforcementActions {
		for _, p := range a.EnforcementPoints {
			out[p.Name] = a.Action
		}
	}
	return out
}

// TestTemplatesAndConstraints: one template carries every rule, each in
// its lib package with its source otherwise unchanged, its row (kinds,
// severity, fix) and its parameters' schema; one constraint enforces each
// rule, at its severity's action in audit and gator, and at admission too
// unless it reads other objects: then it warns there, since the webhook's
// cache may not hold them yet.
func TestTemplatesAndConstraints(t *testing.T) {
	set := enginetest.Builtin(t)
	files := build(t, policy.Strict)
	eng, err := engine.New(engine.WithProfile(policy.Strict))
	if err != nil {
		t.Fatal(err)
	}
	crossObject := enginetest.CrossObject(eng)
	if !crossObject["pdb-missing"] || crossObject["readiness-probe-missing"] {
		t.Fatalf("cross-object rules %v: want pdb-missing and not readiness-probe-missing", crossObject)
	}
	var tmpl templateDoc
	decode(t, files[templateFile], &tmpl)
	if tmpl.Spec.CRD.Spec.Names.Kind != Kind || tmpl.Kind != "ConstraintTemplate" || tmpl.APIVersion != TemplateAPIVersion || tmpl.Metadata.Name != "prodready" {
		t.Errorf("template %s %s %s of kind %q", tmpl.APIVersion, tmpl.Kind, tmpl.Metadata.Name, tmpl.Spec.CRD.Spec.Names.Kind)
	}
	if tmpl.Metadata.Labels[PartOfLabel] != "prodready" {
		t.Errorf("template labels %v", tmpl.Metadata.Labels)
	}
	code := tmpl.Spec.Targets[0].Code[0].Source
	if !strings.Contains(code.Rego, "violation contains") {
		t.Error("the template's Rego has no violation rule")
	}
	libs := map[string]string{}
	for _, lib := range code.Libs {
		libs[regexp.MustCompile(`(?m)^package (\S+)`).FindStringSubmatch(lib)[1]] = lib
	}
	table := tableOf(t, tmpl)
	ruleSchemas := tmpl.Spec.CRD.Spec.Validation.OpenAPIV3Schema.Properties[RulesParameter].Properties
	constraints := enforcedBy(t, files)
	for _, r := range set.Rules {
		// The rule's source, but for its package line.
		src := strings.Split(set.Sources[r.File], "\n")
		lib := strings.Split(libs[RulePackage(r.ID)], "\n")
		var changed []string
		for i := 0; i < len(src) && len(src) == len(lib); i++ {
			if src[i] != lib[i] {
				changed = append(changed, lib[i])
			}
		}
		if len(src) != len(lib) || !reflect.DeepEqual(changed, []string{"package " + RulePackage(r.ID)}) {
			t.Errorf("%s: the template's lib is not the rule's source in package %s: changed %q", r.ID, RulePackage(r.ID), changed)
		}
		row := ruleEntry{Module: strings.ReplaceAll(r.ID, "-", "_"), Kinds: r.Kinds, Severity: string(r.Severity), Remediation: strings.TrimSpace(r.Remediation)}
		if got := table[r.ID]; !reflect.DeepEqual(got, row) {
			t.Errorf("%s: the template's row %+v, want %+v", r.ID, got, row)
		}
		props := ruleSchemas[r.ID].Properties
		if ruleSchemas[r.ID].Type != "object" || len(props) != len(r.Parameters) {
			t.Errorf("%s: schema %+v, the rule has %d parameters", r.ID, ruleSchemas[r.ID], len(r.Parameters))
		}
		for _, p := range r.Parameters {
			if s := props[p.Name]; s.Type != p.Type || (p.Type == "array") != (s.Items != nil) {
				t.Errorf("%s: parameter %s has schema %+v", r.ID, p.Name, s)
			}
		}

		c, ok := constraints[r.ID]
		if !ok {
			t.Errorf("%s: no constraint enforces it", r.ID)
			continue
		}
		if c.Kind != Kind || c.APIVersion != ConstraintAPIVersion {
			t.Errorf("%s: constraint %s %s/%s", r.ID, c.APIVersion, c.Kind, c.Metadata.Name)
		}
		webhook := r.Severity.Enforcement()
		if crossObject[r.ID] {
			webhook = "warn"
		}
		want := map[string]string{WebhookPoint: webhook, AuditPoint: r.Severity.Enforcement(), GatorPoint: r.Severity.Enforcement()}
		if got := actions(c.Spec); !reflect.DeepEqual(got, want) {
			t.Errorf("%s (%s, cross-object %v): %s's actions %v, want %v", r.ID, r.Severity, crossObject[r.ID], c.Metadata.Name, got, want)
		}
		if c.Spec.Match == nil || len(c.Spec.Match.Kinds) != 1 || !isSubset(r.Kinds, c.Spec.Match.Kinds[0].Kinds) {
			t.Errorf("%s: %s matches %+v, not the rule's kinds %v", r.ID, c.Metadata.Name, c.Spec.Match, r.Kinds)
		}
		defaults, _ := json.Marshal(r.Defaults())
		params, _ := json.Marshal(c.Spec.Parameters[RulesParameter].(map[string]any)[r.ID])
		if !bytes.Equal(params, defaults) {
			t.Errorf("%s: parameters %s, want the defaults %s", r.ID, params, defaults)
		}
	}
}

func isSubset(small, big []string) bool {
	return !slices.ContainsFunc(small, func(s string) bool { return !slices.Contains(big, s) })
}

// The template compiles as it is, and carries no lib module nothing refers to.
func TestTemplateCarriesTheLibsItImports(t *testing.T) {
	var tmpl templateDoc
	decode(t, build(t, policy.Baseline)[templateFile], &tmpl)
	src := tmpl.Spec.Targets[0].Code[0].Source
	modules := map[string]*ast.Module{}
	for i, text := range append([]string{src.Rego}, src.Libs...) {
		m, err := ast.ParseModuleWithOpts(fmt.Sprint(i), text, ast.ParserOptions{RegoVersion: ast.RegoV1})
		if err != nil {
			t.Fatal(err)
		}
		modules[fmt.Sprint(i)] = m
	}
	c := ast.NewCompiler().WithStrict(true)
	if c.Compile(modules); c.Failed() {
		t.Fatalf("the template does not compile: %v", c.Errors)
	}
	for name, m := range modules {
		pkg := m.Package.Path.String()
		if name == "0" || strings.HasPrefix(pkg, "data."+RulePackage("")) {
			continue
		}
		used := false
		for other, o := range modules {
			for _, imp := range o.Imports {
				used = used || (other != name && strings.HasPrefix(pkg, imp.Path.String()))
			}
		}
		if !used {
			t.Errorf("the template carries %s, which no module imports", pkg)
		}
	}
}

func TestSyncTableCoversLookups(t *testing.T) {
	lookups, err := lookup.ByRule(enginetest.Builtin(t))
	if err != nil {
		t.Fatal(err)
	}
	baseline := map[string]bool{}
	for _, r := range enginetest.Builtin(t).Enabled(policy.Baseline) {
		for _, kind := range lookups[r.ID] {
			baseline[kind] = true
		}
	}
	for id, kinds := range lookups {
		for _, kind := range kinds {
			if _, ok := syncVersions[kind]; !ok {
				t.Errorf("%s looks up %s, which syncVersions lacks", id, kind)
			}
		}
	}
	files := build(t, policy.Baseline)
	var set doc[struct {
		GVKs []gvk `yaml:"gvks"`
	}]
	decode(t, files["sync/syncset.yaml"], &set)
	var config doc[struct {
		Sync struct {
			SyncOnly []gvk `yaml:"syncOnly"`
		} `yaml:"sync"`
	}]
	decode(t, files["sync-config/config.yaml"], &config)
	for _, c := range []struct {
		kind string
		gvks []gvk
	}{{set.Kind, set.Spec.GVKs}, {config.Kind, config.Spec.Sync.SyncOnly}} {
		synced := map[string]bool{}
		for _, g := range c.gvks {
			synced[g.Kind] = true
		}
		if !reflect.DeepEqual(synced, baseline) {
			t.Errorf("the %s syncs %v, want the kinds the baseline rules look up %v", c.kind, synced, baseline)
		}
	}
	if set.Kind != "SyncSet" || config.Kind != "Config" {
		t.Errorf("sync kinds %s and %s, want SyncSet and Config", set.Kind, config.Kind)
	}
}

// Every object file of the suites reads back as the example's object.
func TestSuiteObjectsRoundTrip(t *testing.T) {
	files := build(t, policy.Strict)
	n := 0
	for _, p := range files.Paths() {
		rel, ok := strings.CutPrefix(p, examplesDir+"/")
		dir := path.Dir(rel)
		if !ok || !strings.Contains(dir, "/") {
			continue // an example file itself
		}
		src, err := examples.FS.ReadFile(dir + ".yaml")
		if err != nil {
			t.Fatal(err)
		}
		orig := manifest.Parse(dir+".yaml", src).Objects
		var i int
		if _, err := fmt.Sscanf(path.Base(rel), "%d", &i); err != nil || i < 1 || i > len(orig) {
			t.Fatalf("%s: no object index", p)
		}
		got := manifest.Parse(p, files[p]).Objects
		if len(got) != 1 || !reflect.DeepEqual(got[0].Content(), orig[i-1].Content()) {
			t.Errorf("%s does not read back as object %d of %s", p, i, dir)
		}
		n++
	}
	if n == 0 {
		t.Error("no object files")
	}
}

func TestGatorVerify(t *testing.T) {
	gator := enginetest.Binary(t, "gator")
	t.Parallel()
	dir := write(t, build(t, policy.Strict))
	start := time.Now()
	out, err := exec.Command(gator, "verify", filepath.Join(dir, "suites")+"/...").CombinedOutput()
	if err != nil {
		t.Fatalf("gator verify: %v\n%s", err, out)
	}
	t.Logf("gator verify on %d suites: %v", len(enginetest.Builtin(t).Rules), time.Since(start).Round(time.Millisecond))
}

// The SyncSet syncs what the template declares it needs.
func TestGatorSyncTest(t *testing.T) {
	gator := enginetest.Binary(t, "gator")
	dir := write(t, build(t, policy.Baseline))
	out, err := exec.Command(gator, "sync", "test", "--force-omit-gvk-manifest",
		"-n", filepath.Join(dir, "templates"), "-n", filepath.Join(dir, "sync")).CombinedOutput()
	if err != nil {
		t.Fatalf("gator sync test: %v\n%s", err, out)
	}
}

// TestAdmissionActionFromTheConfiguration: a rule's admission entry sets
// the webhook's action alone; audit and gator keep the severity's.
func TestAdmissionActionFromTheConfiguration(t *testing.T) {
	cfg, err := config.Parse(".prodready.yaml", []byte("rules:\n  pdb-missing:\n    admission: deny\n  readiness-probe-missing:\n    admission: dryrun\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	files, err := Build(bundle.Options{Config: cfg}, "")
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]map[string]string{
		"pdb-missing":             {WebhookPoint: "deny", AuditPoint: "deny", GatorPoint: "deny"},
		"readiness-probe-missing": {WebhookPoint: "dryrun", AuditPoint: "deny", GatorPoint: "deny"},
		"pdb-blocks-drain":        {WebhookPoint: "warn", AuditPoint: "deny", GatorPoint: "deny"},
	} {
		c := enforcedBy(t, files)[id]
		if got := actions(c.Spec); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: actions %v, want %v", id, got, want)
		}
	}
	if _, err := config.Parse("c.yaml", []byte("rules:\n  pdb-missing:\n    admission: block\n"), nil); err == nil || !strings.Contains(err.Error(), "admission") {
		t.Errorf("admission: block: %v, want an error naming the field", err)
	}
}

// TestOlderGatekeeperBuilds: a build for Gatekeeper 3.15 to 3.18 holds the
// same Rego in v0 syntax, which compiles with the builtins and keywords of
// the OPA Gatekeeper 3.15 embeds; before 3.17 a rule has one
// action, its admission one, everywhere. Versions before 3.15 are refused.
func TestOlderGatekeeperBuilds(t *testing.T) {
	caps, err := ast.LoadCapabilitiesVersion(oldestOPA)
	if err != nil {
		t.Fatal(err)
	}
	eng, err := engine.New()
	if err != nil {
		t.Fatal(err)
	}
	crossObject := enginetest.CrossObject(eng)
	for _, v := range []string{"3.15", "v3.16.3", "3.18"} {
		t.Run(v, func(t *testing.T) {
			files, err := Build(bundle.Options{}, v)
			if err != nil {
				t.Fatal(err)
			}
			scoped := v == "3.18"
			var tmpl templateDoc
			decode(t, files[templateFile], &tmpl)
			target := tmpl.Spec.Targets[0]
			if len(target.Code) > 0 || target.Rego == "" {
				t.Fatalf("want the Rego in rego:, got %+v", target)
			}
			modules := map[string]string{"template.rego": target.Rego}
			for i, lib := range target.Libs {
				modules[fmt.Sprintf("lib%d.rego", i)] = lib
			}
			// Rego v0 as OPA v0.60 parses it, with v0.60's builtins.
			parsed := map[string]*ast.Module{}
			for name, src := range modules {
				m, err := ast.ParseModuleWithOpts(name, src, ast.ParserOptions{RegoVersion: ast.RegoV0, Capabilities: caps})
				if err != nil {
					t.Fatalf("%s does not parse as Rego v0: %v", name, err)
				}
				parsed[name] = m
			}
			c := ast.NewCompiler().WithCapabilities(caps)
			if c.Compile(parsed); c.Failed() {
				t.Errorf("the template does not compile with OPA %s's builtins: %v", oldestOPA, c.Errors)
			}
			constraints := enforcedBy(t, files)
			for _, r := range eng.Rules() {
				severity := r.Severity.Enforcement()
				want := map[string]string{WebhookPoint: severity, AuditPoint: severity, GatorPoint: severity}
				if crossObject[r.ID] {
					want[WebhookPoint] = "warn"
					if !scoped {
						want = map[string]string{WebhookPoint: "warn", AuditPoint: "warn", GatorPoint: "warn"}
					}
				}
				if got := actions(constraints[r.ID].Spec); !reflect.DeepEqual(got, want) {
					t.Errorf("%s: actions %v, want %v", r.ID, got, want)
				}
			}
		})
	}
	for _, v := range []string{"3.14", "3.9.1", "three"} {
		if _, err := Build(bundle.Options{}, v); err == nil {
			t.Errorf("Gatekeeper %q: no error", v)
		}
	}
}
