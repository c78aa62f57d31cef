package gatekeeper

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os/exec"
	"path"
	"path/filepath"
	"reflect"
	"regexp"
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
		var want, got []string
		for _, r := range set.Enabled(p) {
			want = append(want, r.ID)
		}
		for _, f := range files.Paths() {
			if id, ok := strings.CutPrefix(f, "templates/"); ok && id != "kustomization.yaml" {
				got = append(got, strings.TrimSuffix(id, ".yaml"))
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: templates for %v, want %v", p, got, want)
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

func TestKind(t *testing.T) {
	for id, want := range map[string]string{
		"memory-request-missing": "ProdreadyMemoryRequestMissing",
		"hpa-vpa-conflict":       "ProdreadyHpaVpaConflict",
		"rbac-wildcard":          "ProdreadyRbacWildcard",
	} {
		if got := Kind(id); got != want {
			t.Errorf("Kind(%q) = %q, want %q", id, got, want)
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

// TestTemplatesAndConstraints: every rule has its template and its
// constraint, enforced at its severity's action in audit and gator, and at
// admission too unless it reads other objects: then it warns there, since
// the webhook's cache may not hold them yet.
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
	validKind := regexp.MustCompile(`^Prodready[A-Z][A-Za-z0-9]*$`)
	for _, r := range set.Rules {
		var tmpl templateDoc
		decode(t, files["templates/"+r.ID+".yaml"], &tmpl)
		kind := tmpl.Spec.CRD.Spec.Names.Kind
		if !validKind.MatchString(kind) || tmpl.Kind != "ConstraintTemplate" || tmpl.APIVersion != TemplateAPIVersion {
			t.Errorf("%s: template %s %s of kind %q", r.ID, tmpl.APIVersion, tmpl.Kind, kind)
		}
		if tmpl.Metadata.Name != strings.ToLower(kind) {
			t.Errorf("%s: template named %q, Gatekeeper needs the lowercase kind %q", r.ID, tmpl.Metadata.Name, strings.ToLower(kind))
		}
		a := tmpl.Metadata.Annotations
		if a[RuleIDAnnotation] != r.ID || a["metadata.gatekeeper.sh/version"] != r.Version || a["metadata.gatekeeper.sh/title"] != r.Title || a["description"] != r.Description {
			t.Errorf("%s: annotations %v", r.ID, a)
		}
		code := tmpl.Spec.Targets[0].Code[0]
		if !strings.HasPrefix(code.Source.Rego, set.Sources[r.File]) || !strings.Contains(code.Source.Rego, "violation contains") {
			t.Errorf("%s: the template's Rego is not the rule's source with a violation rule", r.ID)
		}
		if !strings.Contains(code.Source.Rego, fmt.Sprintf(`{"rule": %q, "severity": %q, "remediation": `, r.ID, r.Severity)) {
			t.Errorf("%s: the violations' details do not name the rule, its severity and its fix", r.ID)
		}
		if tmpl.Metadata.Labels[PartOfLabel] != "prodready" {
			t.Errorf("%s: template labels %v", r.ID, tmpl.Metadata.Labels)
		}
		var props map[string]schema
		if v := tmpl.Spec.CRD.Spec.Validation; v != nil {
			props = v.OpenAPIV3Schema.Properties
		}
		if len(props) != len(r.Parameters) {
			t.Errorf("%s: schema has %d properties, the rule %d parameters", r.ID, len(props), len(r.Parameters))
		}
		for _, p := range r.Parameters {
			if s := props[p.Name]; s.Type != p.Type || (p.Type == "array") != (s.Items != nil) {
				t.Errorf("%s: parameter %s has schema %+v", r.ID, p.Name, s)
			}
		}

		var c constraintDoc
		decode(t, files["constraints/"+r.ID+".yaml"], &c)
		if c.Kind != kind || c.APIVersion != ConstraintAPIVersion || c.Metadata.Name != r.ID {
			t.Errorf("%s: constraint %s %s/%s, want kind %s named after the rule", r.ID, c.APIVersion, c.Kind, c.Metadata.Name, kind)
		}
		webhook := r.Severity.Enforcement()
		if crossObject[r.ID] {
			webhook = "warn"
		}
		want := map[string]string{WebhookPoint: webhook, AuditPoint: r.Severity.Enforcement(), GatorPoint: r.Severity.Enforcement()}
		if got := actions(c.Spec); !reflect.DeepEqual(got, want) {
			t.Errorf("%s (%s, cross-object %v): actions %v, want %v", r.ID, r.Severity, crossObject[r.ID], got, want)
		}
		if c.Spec.Match == nil || !reflect.DeepEqual(c.Spec.Match.Kinds, []kindMatch{{APIGroups: []string{"*"}, Kinds: r.Kinds}}) {
			t.Errorf("%s: match %+v, want the rule's kinds %v", r.ID, c.Spec.Match, r.Kinds)
		}
		defaults, _ := json.Marshal(r.Defaults())
		params, _ := json.Marshal(c.Spec.Parameters)
		if len(r.Parameters) > 0 && !bytes.Equal(params, defaults) {
			t.Errorf("%s: parameters %s, want the defaults %s", r.ID, params, defaults)
		}
	}
}

// A rule that reads no other object carries only the libs it imports, and
// the exemption lib (with its own) that the violation rule calls.
func TestTemplateCarriesTheLibsItImports(t *testing.T) {
	var tmpl templateDoc
	decode(t, build(t, policy.Baseline)["templates/memory-request-missing.yaml"], &tmpl)
	var packages []string
	for _, lib := range tmpl.Spec.Targets[0].Code[0].Source.Libs {
		packages = append(packages, regexp.MustCompile(`(?m)^package (\S+)`).FindStringSubmatch(lib)[1])
	}
	want := []string{"lib.prodready.exemption", "lib.prodready.quantity", "lib.prodready.resources", "lib.prodready.review", "lib.prodready.selector", "lib.prodready.workload"}
	if !reflect.DeepEqual(packages, want) {
		t.Errorf("libs %v, want %v", packages, want)
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

// The SyncSet syncs what every template declares it needs.
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
		var c constraintDoc
		decode(t, files["constraints/"+id+".yaml"], &c)
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
			for _, r := range eng.Rules() {
				var tmpl templateDoc
				decode(t, files["templates/"+r.ID+".yaml"], &tmpl)
				target := tmpl.Spec.Targets[0]
				if len(target.Code) > 0 || target.Rego == "" {
					t.Fatalf("%s: want the Rego in rego:, got %+v", r.ID, target)
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
						t.Fatalf("%s: %s does not parse as Rego v0: %v", r.ID, name, err)
					}
					parsed[name] = m
				}
				c := ast.NewCompiler().WithCapabilities(caps)
				if c.Compile(parsed); c.Failed() {
					t.Errorf("%s: does not compile with OPA %s's builtins: %v", r.ID, oldestOPA, c.Errors)
				}

				var con constraintDoc
				decode(t, files["constraints/"+r.ID+".yaml"], &con)
				severity := r.Severity.Enforcement()
				want := map[string]string{WebhookPoint: severity, AuditPoint: severity, GatorPoint: severity}
				if crossObject[r.ID] {
					want[WebhookPoint] = "warn"
					if !scoped {
						want = map[string]string{WebhookPoint: "warn", AuditPoint: "warn", GatorPoint: "warn"}
					}
				}
				if got := actions(con.Spec); !reflect.DeepEqual(got, want) {
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
