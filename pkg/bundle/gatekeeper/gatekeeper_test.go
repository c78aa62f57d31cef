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

	"go.yaml.in/yaml/v3"

	"github.com/prodready/prodready/examples"
	"github.com/prodready/prodready/internal/enginetest"
	"github.com/prodready/prodready/internal/lookup"
	"github.com/prodready/prodready/pkg/bundle"
	"github.com/prodready/prodready/pkg/manifest"
	"github.com/prodready/prodready/pkg/policy"
)

// built caches one build per profile: building evaluates every example.
var built = map[policy.Profile]func() (bundle.Files, error){}

func init() {
	for _, p := range []policy.Profile{policy.Baseline, policy.Strict} {
		built[p] = sync.OnceValues(func() (bundle.Files, error) { return Build(bundle.Options{Profile: p}) })
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
			if id, ok := strings.CutPrefix(f, "templates/"); ok {
				got = append(got, strings.TrimSuffix(id, ".yaml"))
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: templates for %v, want %v", p, got, want)
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

func TestTemplatesAndConstraints(t *testing.T) {
	set := enginetest.Builtin(t)
	files := build(t, policy.Strict)
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
		if c.Spec.EnforcementAction != r.Severity.Enforcement() {
			t.Errorf("%s: enforcementAction %q for severity %s", r.ID, c.Spec.EnforcementAction, r.Severity)
		}
		if c.Spec.Match == nil || !reflect.DeepEqual(c.Spec.Match.Kinds, []kindMatch{{APIGroups: []string{"*"}, Kinds: r.Kinds}}) {
			t.Errorf("%s: match %+v, want the rule's kinds %v", r.ID, c.Spec.Match, r.Kinds)
		}
		want, _ := json.Marshal(r.Defaults())
		got, _ := json.Marshal(c.Spec.Parameters)
		if len(r.Parameters) > 0 && !bytes.Equal(got, want) {
			t.Errorf("%s: parameters %s, want the defaults %s", r.ID, got, want)
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
