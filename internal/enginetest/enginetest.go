// Package enginetest finds the real engine binaries (opa, conftest, gator)
// that tests run prodready's bundles with. scripts/install-tools.sh installs
// them at pinned versions into .tools/bin; CI sets PRODREADY_REQUIRE_ENGINES=1
// so that a missing engine fails the run instead of skipping the proof.
package enginetest

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"maps"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prodready/prodready/pkg/config"
	"github.com/prodready/prodready/pkg/engine"
	"github.com/prodready/prodready/pkg/manifest"
	"github.com/prodready/prodready/pkg/policy"
)

// Binary returns the path of the named engine: from $PRODREADY_TOOLS_BIN,
// then the module's .tools/bin, then PATH. When it is found nowhere the test
// is skipped, or fails if PRODREADY_REQUIRE_ENGINES=1.
func Binary(t testing.TB, name string) string {
	t.Helper()
	var dirs []string
	if dir := os.Getenv("PRODREADY_TOOLS_BIN"); dir != "" {
		dirs = append(dirs, dir)
	}
	if root, err := ModuleRoot(); err == nil {
		dirs = append(dirs, filepath.Join(root, ".tools", "bin"))
	}
	for _, dir := range dirs {
		p := filepath.Join(dir, name)
		if info, err := os.Stat(p); err == nil && !info.IsDir() {
			return p
		}
	}
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	if os.Getenv("PRODREADY_REQUIRE_ENGINES") == "1" {
		t.Fatalf("%s not found: run scripts/install-tools.sh", name)
	}
	t.Skipf("%s not found: run scripts/install-tools.sh to prove this target with the real engine", name)
	return ""
}

// ModuleRoot is the directory of prodready's go.mod, found upward from the
// working directory: also from a module nested in it (internal/admission).
func ModuleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if data, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && declares(string(data)) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", os.ErrNotExist
		}
		dir = parent
	}
}

// declares reports whether a go.mod's text is prodready's.
func declares(gomod string) bool {
	for line := range strings.Lines(gomod) {
		if fields := strings.Fields(line); len(fields) == 2 && fields[0] == "module" {
			return strings.Trim(fields[1], `"`) == "github.com/prodready/prodready"
		}
	}
	return false
}

// Corpus is a directory of real-world manifests that other projects wrote.
type Corpus struct {
	Name, Dir string
}

// Corpora are the real-world corpora every engine is held to the SDK on:
// the shared corpus beside the repository (read-only, absent on a machine
// without it) and the one vendored in testdata/realworld (see its
// SOURCES.md). A test skips the corpora it does not find.
func Corpora(t testing.TB) []Corpus {
	t.Helper()
	root, err := ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	return []Corpus{
		{Name: "corpus", Dir: filepath.Join(root, "..", "shared", "corpus")},
		{Name: "realworld", Dir: filepath.Join(root, "testdata", "realworld")},
	}
}

// Builtin is the embedded policy library.
func Builtin(t testing.TB) *policy.Set {
	t.Helper()
	set, err := policy.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// Key names one (rule, object) finding the same way for every engine:
// "rule-id Kind/namespace/name" ("rule-id Kind/name" for cluster-scoped objects).
func Key(rule, kind, namespace, name string) string {
	return rule + " " + engine.ObjectRef{Kind: kind, Namespace: namespace, Name: name}.String()
}

// SDKFindings evaluates the files under paths with the embedded library
// and returns the keys of the findings that are not exempted: the
// reference every bundle's engine must reproduce.
func SDKFindings(t testing.TB, profile policy.Profile, paths ...string) map[string]bool {
	t.Helper()
	return SDKFindingsWith(t, []engine.Option{engine.WithProfile(profile)}, paths...)
}

// SDKFindingsWith is SDKFindings with the engine built with opts.
func SDKFindingsWith(t testing.TB, opts []engine.Option, paths ...string) map[string]bool {
	t.Helper()
	ctx := context.Background()
	// Documents that do not parse are left out here as by every engine.
	loaded := manifest.Load(ctx, paths, manifest.Options{})
	e, err := engine.New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.Evaluate(ctx, loaded.Objects)
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	for _, f := range res.Findings {
		keys[Key(f.Rule, f.Object.Kind, f.Object.Namespace, f.Object.Name)] = true
	}
	return keys
}

// Team is examples/team-overrides: a team's configuration, its policy
// directory (a rule of its own and an override of a built-in one) and
// manifests whose "# expect-team:" lines name the failing findings under
// them, and "# expect-team-exempted:" lines the exempted ones.
type Team struct {
	Dir, Manifests string
	Config         *config.Config
	// Set is the built-in library with the team's rules merged in.
	Set *policy.Set
	// Engine builds the SDK with the configuration and the team's rules.
	Engine []engine.Option
	// Expected and Exempted are the keys of the expect-team and
	// expect-team-exempted lines.
	Expected, Exempted map[string]bool
}

// TeamOverrides loads examples/team-overrides.
func TeamOverrides(t testing.TB) Team {
	t.Helper()
	root, err := ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	tm := Team{Dir: filepath.Join(root, "examples", "team-overrides"), Expected: map[string]bool{}, Exempted: map[string]bool{}}
	tm.Manifests = filepath.Join(tm.Dir, "manifests.yaml")
	policyDir := filepath.Join(tm.Dir, "policy")
	team, err := policy.LoadTeam(filepath.ToSlash(policyDir), os.DirFS(policyDir))
	if err != nil {
		t.Fatal(err)
	}
	if tm.Set, err = policy.Merge(Builtin(t), team); err != nil {
		t.Fatal(err)
	}
	if tm.Config, err = config.Load(filepath.Join(tm.Dir, config.FileName), tm.Set); err != nil {
		t.Fatal(err)
	}
	tm.Engine = []engine.Option{engine.WithConfig(tm.Config), engine.WithPolicyFS(filepath.ToSlash(policyDir), os.DirFS(policyDir))}
	data, err := os.ReadFile(tm.Manifests)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		for prefix, keys := range map[string]map[string]bool{"# expect-team: ": tm.Expected, "# expect-team-exempted: ": tm.Exempted} {
			if key, ok := strings.CutPrefix(line, prefix); ok {
				keys[strings.TrimSpace(key)] = true
			}
		}
	}
	if len(tm.Expected) == 0 || len(tm.Exempted) == 0 {
		t.Fatalf("%s has no expect-team or expect-team-exempted lines", tm.Manifests)
	}
	return tm
}

// Compare reports every key one engine found and the other did not.
func Compare(t testing.TB, wantName string, want map[string]bool, gotName string, got map[string]bool) {
	t.Helper()
	for _, k := range slices.Sorted(maps.Keys(want)) {
		if !got[k] {
			t.Errorf("%s reports %s, %s does not", wantName, k, gotName)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(got)) {
		if !want[k] {
			t.Errorf("%s reports %s, %s does not", gotName, k, wantName)
		}
	}
}

// Diff lists what is in got and not in want ("extra") and the reverse
// ("missing"), duplicates counted, sorted.
func Diff[T comparable](got, want []T) []string {
	count := map[T]int{}
	for _, g := range got {
		count[g]++
	}
	for _, w := range want {
		count[w]--
	}
	var lines []string
	for v, n := range count {
		switch {
		case n > 0:
			lines = append(lines, fmt.Sprintf("extra %+v", v))
		case n < 0:
			lines = append(lines, fmt.Sprintf("missing %+v", v))
		}
	}
	slices.Sort(lines)
	return lines
}

// CrossObject maps the ID of every rule e runs to whether it reads other
// objects (policy.Rule.CrossObject).
func CrossObject(e *engine.Engine) map[string]bool {
	out := map[string]bool{}
	for _, r := range e.Rules() {
		out[r.ID] = r.CrossObject
	}
	return out
}

// KeyPair is a fresh 2048-bit RSA key in PEM (PKCS #1 private, PKIX
// public), so that no private key is committed.
func KeyPair(t testing.TB) (private, public []byte) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}),
		pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub})
}

// Registry runs the real registry of distribution (installed by
// scripts/install-tools.sh) on a free port of 127.0.0.1, storing in a
// temporary directory, until the test ends; it returns host:port.
func Registry(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	base := Serve(t, Binary(t, "registry"), func(addr string) []string {
		config := filepath.Join(dir, "config.yml")
		yml := fmt.Sprintf("version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: %s\n  delete:\n    enabled: true\nhttp:\n  addr: %s\n", filepath.Join(dir, "data"), addr)
		if err := os.WriteFile(config, []byte(yml), 0o644); err != nil {
			t.Fatal(err)
		}
		return []string{"serve", config}
	}, []string{"OTEL_TRACES_EXPORTER=none"}, "/v2/")
	return strings.TrimPrefix(base, "http://")
}

// Serve runs the server bin, with the arguments args gives for a free
// address of 127.0.0.1 (host:port) and env added to this process's, until
// the test ends, and returns its base URL once GET health answers 200 OK.
// What it printed is shown when it exits or is not healthy within 30s, and
// after a failed test.
func Serve(t testing.TB, bin string, args func(addr string) []string, env []string, health string) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	cmd := exec.Command(bin, args(addr)...)
	cmd.Env = append(os.Environ(), env...)
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// logs is read only once the process is gone.
	exited := make(chan struct{})
	var waitErr error
	go func() {
		waitErr = cmd.Wait()
		close(exited)
	}()
	stop := func() {
		_ = cmd.Process.Kill()
		<-exited
	}
	t.Cleanup(func() {
		stop()
		if t.Failed() {
			t.Logf("%s:\n%s", filepath.Base(bin), logs.String())
		}
	})
	base := "http://" + addr
	deadline := time.After(30 * time.Second)
	for {
		select {
		case <-exited:
			t.Fatalf("%s exited: %v\n%s", filepath.Base(bin), waitErr, logs.String())
		case <-deadline:
			stop()
			t.Fatalf("%s not healthy after 30s\n%s", filepath.Base(bin), logs.String())
		case <-time.After(100 * time.Millisecond):
		}
		if resp, err := http.Get(base + health); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return base
			}
		}
	}
}
