package opabundle_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prodready/prodready/internal/enginetest"
	"github.com/prodready/prodready/pkg/bundle"
	"github.com/prodready/prodready/pkg/bundle/opabundle"
	"github.com/prodready/prodready/pkg/engine"
	"github.com/prodready/prodready/pkg/manifest"
	"github.com/prodready/prodready/pkg/policy"
)

// verdict is what OPA and the SDK both say of one object.
type verdict struct{ Rule, Container, Message string }

// sdkVerdicts evaluates objs with the built-in engine and keeps what obj got.
func sdkVerdicts(t *testing.T, eng *engine.Engine, obj *manifest.Object, objs []*manifest.Object) []verdict {
	t.Helper()
	out, err := eng.Evaluate(context.Background(), objs)
	findings := out.All()
	if err != nil {
		t.Fatal(err)
	}
	var vs []verdict
	for _, f := range findings {
		if f.File == obj.File && f.ObjectLine == obj.Line {
			vs = append(vs, verdict{f.Rule, f.Container, f.Message})
		}
	}
	return vs
}

// opaFinding is an element of a rule's findings set as OPA returns it.
type opaFinding struct {
	Msg       string `json:"msg"`
	Container string `json:"container"`
}

// ruleByPackage maps the last segment of a rule's package to its ID.
func ruleByPackage(t *testing.T) map[string]string {
	ids := map[string]string{}
	for _, r := range enginetest.Builtin(t).Rules {
		ids[strings.TrimPrefix(r.Package, policy.RulesPackage+".")] = r.ID
	}
	return ids
}

func toVerdicts(t *testing.T, ids map[string]string, pkg string, findings []opaFinding) []verdict {
	t.Helper()
	id, ok := ids[pkg]
	if !ok {
		t.Fatalf("OPA reported package %s, which is no rule", pkg)
	}
	vs := make([]verdict, len(findings))
	for i, f := range findings {
		vs[i] = verdict{id, f.Container, f.Msg}
	}
	return vs
}

func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestOPAEval runs `opa eval --bundle` on one object at a time, as a CI job
// without prodready would, and compares with the SDK on that object alone.
func TestOPAEval(t *testing.T) {
	opaBin := enginetest.Binary(t, "opa")
	tarball := writeFile(t, opabundle.FileName, build(t, bundle.Options{}, nil))
	eng, err := engine.New()
	if err != nil {
		t.Fatal(err)
	}
	ids := ruleByPackage(t)
	total := 0
	for _, file := range []string{"resources/memory-limit-no-headroom.yaml", "probes/liveness-checks-dependencies.yaml", "rbac/rbac-wildcard.yaml", "config/secret-env-not-reloadable.yaml", "good/nodejs-api.yaml"} {
		loaded := manifest.Load(context.Background(), []string{filepath.Join(examplesDir, file)}, manifest.Options{})
		if len(loaded.Errors) > 0 || len(loaded.Objects) == 0 {
			t.Fatalf("%s: %v", file, loaded.Errors)
		}
		obj := loaded.Objects[0]
		t.Run(file, func(t *testing.T) {
			input, err := json.Marshal(obj.Content())
			if err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command(opaBin, "eval", "--bundle", tarball, "--input", writeFile(t, "input.json", input),
				"--format", "json", "data.prodready.rules[r].findings").Output()
			if err != nil {
				t.Fatalf("opa eval: %v\n%s", err, stderr(err))
			}
			var res struct {
				Result []struct {
					Expressions []struct{ Value []opaFinding }
					Bindings    struct{ R string }
				}
			}
			if err := json.Unmarshal(out, &res); err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			var got []verdict
			for _, r := range res.Result {
				got = append(got, toVerdicts(t, ids, r.Bindings.R, r.Expressions[0].Value)...)
			}
			want := sdkVerdicts(t, eng, obj, []*manifest.Object{obj})
			total += len(want)
			if d := enginetest.Diff(got, want); len(d) > 0 {
				t.Errorf("opa eval differs from the SDK on %s/%s:\n%s", obj.Kind, obj.Name, strings.Join(d, "\n"))
			}
		})
	}
	if total == 0 {
		t.Error("the objects compared gave no findings at all")
	}
}

func stderr(err error) string {
	if ee, ok := err.(*exec.ExitError); ok {
		return string(ee.Stderr)
	}
	return ""
}

// TestOPABuildVerifies has OPA itself check the signature: opa build
// accepts the signed bundle with the right public key and refuses another.
func TestOPABuildVerifies(t *testing.T) {
	opaBin := enginetest.Binary(t, "opa")
	keys, other := newKeyPair(t), newKeyPair(t)
	tarball := writeFile(t, opabundle.FileName, build(t, bundle.Options{}, &opabundle.Signing{PrivateKey: keys.private}))
	for name, tc := range map[string]struct {
		key []byte
		ok  bool
	}{"right key": {keys.public, true}, "wrong key": {other.public, false}} {
		t.Run(name, func(t *testing.T) {
			out, err := exec.Command(opaBin, "build", "--bundle", tarball, "--verification-key", writeFile(t, "pub.pem", tc.key),
				"--output", filepath.Join(t.TempDir(), "out.tar.gz")).CombinedOutput()
			if (err == nil) != tc.ok {
				t.Fatalf("opa build --verification-key: err %v, want success %v\n%s", err, tc.ok, out)
			}
			if !tc.ok && !strings.Contains(string(out), "verify") {
				t.Errorf("opa build failed for another reason than the signature:\n%s", out)
			}
		})
	}
}

// TestOPARunServes serves a signed bundle with `opa run --server
// --verification-key` and queries it over HTTP for every example object.
func TestOPARunServes(t *testing.T) {
	opaBin := enginetest.Binary(t, "opa")
	keys := newKeyPair(t)
	tarball := writeFile(t, opabundle.FileName, build(t, bundle.Options{}, &opabundle.Signing{PrivateKey: keys.private}))
	base := startOPA(t, opaBin, "--bundle", tarball, "--verification-key", writeFile(t, "pub.pem", keys.public))

	eng, err := engine.New()
	if err != nil {
		t.Fatal(err)
	}
	ids := ruleByPackage(t)

	t.Run("each object alone", func(t *testing.T) {
		total := 0
		for _, obj := range loadExamples(t) {
			want := sdkVerdicts(t, eng, obj, []*manifest.Object{obj})
			total += len(want)
			if d := enginetest.Diff(queryOPA(t, base, ids, obj), want); len(d) > 0 {
				t.Errorf("%s:%d %s/%s: OPA differs from the SDK:\n%s", obj.File, obj.Line, obj.Kind, obj.Name, strings.Join(d, "\n"))
			}
		}
		if total == 0 {
			t.Error("no findings compared")
		}
	})

	// data.inventory lies outside the bundle's roots, so the objects that
	// cross-object rules look up can be pushed to the server.
	t.Run("with an inventory", func(t *testing.T) {
		loaded := manifest.Load(context.Background(), []string{filepath.Join(examplesDir, "availability/pdb-missing.yaml")}, manifest.Options{})
		call(t, http.MethodPut, base+"/v1/data/inventory", engine.Inventory(loaded.Objects), nil)
		defer call(t, http.MethodDelete, base+"/v1/data/inventory", nil, nil)
		for _, obj := range loaded.Objects {
			want := sdkVerdicts(t, eng, obj, loaded.Objects)
			if d := enginetest.Diff(queryOPA(t, base, ids, obj), want); len(d) > 0 {
				t.Errorf("%s/%s: OPA differs from the SDK:\n%s", obj.Kind, obj.Name, strings.Join(d, "\n"))
			}
		}
	})
}

// queryOPA asks the OPA server at base for every rule's findings on obj.
func queryOPA(t *testing.T, base string, ids map[string]string, obj *manifest.Object) []verdict {
	t.Helper()
	var res struct {
		Result map[string]struct{ Findings []opaFinding }
	}
	call(t, http.MethodPost, base+"/v1/data/prodready/rules", map[string]any{"input": obj.Content()}, &res)
	var got []verdict
	for pkg, r := range res.Result {
		got = append(got, toVerdicts(t, ids, pkg, r.Findings)...)
	}
	return got
}

// startOPA runs `opa run --server` with args on a free local port until the
// test ends, and returns its base URL once it is healthy.
func startOPA(t *testing.T, opaBin string, args ...string) string {
	t.Helper()
	return enginetest.Serve(t, opaBin, func(addr string) []string {
		return append([]string{"run", "--server", "--addr", addr, "--log-level", "error"}, args...)
	}, nil, "/health?bundles")
}

// call sends body as JSON and decodes the answer into out (when not nil).
func call(t *testing.T, method, url string, body, out any) {
	t.Helper()
	var payload []byte
	if body != nil {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			t.Fatal(err)
		}
	}
	req, err := http.NewRequest(method, url, bytes.NewReader(payload))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		t.Fatalf("%s %s: %s", method, url, resp.Status)
	}
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			t.Fatal(err)
		}
	}
}

// teamQuery is what OPA runs for the failing findings of every object of
// input.objects, with the others as data.inventory, as the SDK runs them:
// a rule's findings on the kinds it declares, but for the exempted ones.
const teamQuery = `some obj in input.objects
some pkg, rule in input.rules
obj.kind in rule.kinds
data.prodready.rules[pkg].findings[_] with input as obj with data.inventory as input.inventory
not data.lib.prodready.exemption.exempt(rule.id) with input as obj`

// opaFindings runs teamQuery with opa eval on the objects of paths and
// returns the (rule, object) keys.
func opaFindings(t *testing.T, opaBin, tarball string, set *policy.Set, paths ...string) map[string]bool {
	t.Helper()
	loaded := manifest.Load(context.Background(), paths, manifest.Options{})
	var objects []any
	for _, obj := range loaded.Objects {
		objects = append(objects, obj.Content())
	}
	rules := map[string]any{}
	for _, r := range set.Rules {
		rules[strings.TrimPrefix(r.Package, policy.RulesPackage+".")] = map[string]any{"id": r.ID, "kinds": r.Kinds}
	}
	input, err := json.Marshal(map[string]any{"objects": objects, "rules": rules, "inventory": engine.Inventory(loaded.Objects)})
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(opaBin, "eval", "--bundle", tarball, "--input", writeFile(t, "input.json", input), "--format", "json", teamQuery).Output()
	if err != nil {
		t.Fatalf("opa eval: %v\n%s", err, stderr(err))
	}
	var res struct {
		Result []struct {
			Bindings struct {
				Obj struct {
					Kind     string
					Metadata struct{ Namespace, Name string }
				}
				Rule struct{ ID string }
			}
		}
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	keys := map[string]bool{}
	for _, r := range res.Result {
		o := r.Bindings.Obj
		keys[enginetest.Key(r.Bindings.Rule.ID, o.Kind, o.Metadata.Namespace, o.Metadata.Name)] = true
	}
	return keys
}

// A team's configuration and rules reach OPA: opa eval with the bundle
// built with them finds what the SDK finds with them, on the team's
// manifests and on every example; and the SDK runs the bundle as loaded
// by Load the same way.
func TestOPAEquivalenceWithTeamConfiguration(t *testing.T) {
	opaBin := enginetest.Binary(t, "opa")
	team := enginetest.TeamOverrides(t)
	tarball := build(t, bundle.Options{Set: team.Set, Config: team.Config}, nil)
	file := writeFile(t, opabundle.FileName, tarball)
	set, cfg, err := opabundle.Load(bytes.NewReader(tarball), nil)
	if err != nil {
		t.Fatal(err)
	}
	loaded := []engine.Option{engine.WithPolicies(set), engine.WithConfig(cfg)}
	for name, paths := range map[string][]string{"team manifests": {team.Manifests}, "examples": {examplesDir}} {
		t.Run(name, func(t *testing.T) {
			want := enginetest.SDKFindingsWith(t, team.Engine, paths...)
			if name == "team manifests" {
				enginetest.Compare(t, "the expect-team lines", team.Expected, "the SDK", want)
			}
			enginetest.Compare(t, "the SDK", want, "opa eval", opaFindings(t, opaBin, file, team.Set, paths...))
			enginetest.Compare(t, "the SDK", want, "the SDK on the loaded bundle", enginetest.SDKFindingsWith(t, loaded, paths...))
		})
	}
}
