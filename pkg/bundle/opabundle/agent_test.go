package opabundle_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prodready/prodready/internal/enginetest"
	"github.com/prodready/prodready/pkg/bundle"
	"github.com/prodready/prodready/pkg/bundle/opabundle"
	"github.com/prodready/prodready/pkg/engine"
	"github.com/prodready/prodready/pkg/manifest"
	"github.com/prodready/prodready/pkg/policy"
)

// agentConfig is the OPA configuration docs/bundles.md (a bundle server)
// and docs/releases.md (a registry: service type oci) show, with short
// polling delays: the bundle resource is pulled from the service bundles,
// verified with the key named by signing.keyid, and the agent reports its
// status to the service status.
const agentConfig = `services:
  bundles:
    url: %s
    type: %q
  status:
    url: %s
bundles:
  prodready:
    service: bundles
    resource: %s
    polling:
      min_delay_seconds: 1
      max_delay_seconds: 2
    signing:
      keyid: prodready
keys:
  prodready:
    algorithm: RS256
    key: |
      %s
status:
  service: status
`

// writeAgentConfig writes agentConfig for an agent pulling resource from
// bundlesURL (a service of type serviceType: "" for a bundle server, oci
// for a registry), verifying it with keys' public key and reporting to
// statusURL; it returns the file's path.
func writeAgentConfig(t *testing.T, name string, keys keyPair, bundlesURL, serviceType, resource, statusURL string) string {
	t.Helper()
	pubKey := strings.ReplaceAll(strings.TrimSpace(string(keys.public)), "\n", "\n      ")
	return writeFile(t, name, fmt.Appendf(nil, agentConfig, bundlesURL, serviceType, statusURL, resource, pubKey))
}

// bundleStatus is the part of an agent's status report about one bundle.
type bundleStatus struct {
	ActiveRevision string `json:"active_revision"`
	Code           string `json:"code"`
	Message        string `json:"message"`
}

// bundleServer plays the fleet's bundle server: it serves the one bundle the
// test puts there, with an ETag as object stores do, and keeps the last
// status report the agent posts.
type bundleServer struct {
	mu      sync.Mutex
	tarball []byte
	etag    string
	served  int // downloads of the current tarball, 304s not counted
	status  bundleStatus
}

func (s *bundleServer) put(tarball []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tarball, s.served = tarball, 0
	s.etag = fmt.Sprintf(`"%x"`, sha256.Sum256(tarball))
}

// state returns how often the current tarball was downloaded and the last
// status reported.
func (s *bundleServer) state() (int, bundleStatus) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.served, s.status
}

func (s *bundleServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/bundles/prodready.tar.gz":
		w.Header().Set("ETag", s.etag)
		if r.Header.Get("If-None-Match") == s.etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		s.served++
		w.Header().Set("Content-Type", "application/gzip")
		_, _ = w.Write(s.tarball)
	case r.Method == http.MethodPost && r.URL.Path == "/status":
		var report struct{ Bundles map[string]bundleStatus }
		if err := json.NewDecoder(r.Body).Decode(&report); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		s.status = report.Bundles["prodready"]
	default:
		http.NotFound(w, r)
	}
}

// waitFor polls cond until it holds, failing the test after a deadline far
// above the polling delays configured.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); !cond(); time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// TestOPAAgentPullsSignedBundles runs OPA as a fleet does: an agent that
// pulls the signed bundle from a bundle server, activates each new revision
// while it serves, and refuses a bundle whose signature does not hold,
// keeping the last good revision and the data pushed to it.
func TestOPAAgentPullsSignedBundles(t *testing.T) {
	opaBin := enginetest.Binary(t, "opa")
	keys := newKeyPair(t)
	rev1, rev2, tampered := revisions(t, keys)
	unsigned := build(t, bundle.Options{Profile: policy.Baseline, Revision: "4"}, nil)
	// Whoever can write to the bundle server but holds another key.
	forged := build(t, bundle.Options{Profile: policy.Baseline, Revision: "5"}, &opabundle.Signing{PrivateKey: newKeyPair(t).private, KeyID: "prodready"})

	objs, want := expectations(t)
	ids := ruleByPackage(t)

	srv := &bundleServer{}
	srv.put(rev1)
	ts := httptest.NewServer(srv)
	defer ts.Close()
	config := writeAgentConfig(t, "opa-config.yaml", keys, ts.URL, "", "bundles/prodready.tar.gz", ts.URL)
	// startOPA returns once /health?bundles says the bundle is activated.
	base := startOPA(t, opaBin, "--config-file", config)

	a := &agent{base: base, ids: ids, objs: objs, want: want}
	a.pushInventory(t)
	a.serves(t, "1", policy.Baseline)

	// A new revision is activated by the same process, while it serves.
	srv.put(rev2)
	waitFor(t, "revision 2", func() bool { return a.revision(t) == "2" })
	a.serves(t, "2", policy.Strict)
	waitFor(t, "the status report of revision 2", func() bool {
		_, st := srv.state()
		return st.ActiveRevision == "2" && st.Code == ""
	})

	for _, bad := range []struct {
		name    string
		tarball []byte
		reason  string
	}{
		{"tampered", tampered, "digest mismatch"},
		{"unsigned", unsigned, ".signatures.json"},
		{"forged", forged, "failed to verify JWT signature"},
	} {
		srv.put(bad.tarball)
		// OPA forgets the ETag of a bundle it refused, so it downloads it
		// again at each poll: two downloads, two refusals.
		waitFor(t, "the "+bad.name+" bundle to be refused twice", func() bool {
			if rev := a.revision(t); rev != "2" {
				t.Fatalf("the %s bundle was activated: revision %q", bad.name, rev)
			}
			served, st := srv.state()
			return served >= 2 && st.Code == "bundle_error" && strings.Contains(st.Message, bad.reason)
		})
		if _, st := srv.state(); st.ActiveRevision != "2" {
			t.Errorf("%s bundle: status reports revision %q active, want 2", bad.name, st.ActiveRevision)
		}
		// Health says a bundle was activated, not that the last one was good.
		call(t, http.MethodGet, base+"/health?bundles", nil, nil)
		a.serves(t, "2", policy.Strict)
	}
}

// sameJSON reports whether a and b are the same JSON document.
func sameJSON(t *testing.T, a, b any) bool {
	t.Helper()
	var docs [2]any
	for i, v := range []any{a, b} {
		raw, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(raw, &docs[i]); err != nil {
			t.Fatal(err)
		}
	}
	return reflect.DeepEqual(docs[0], docs[1])
}

// expectations are the objects the agent tests query, and what the SDK
// finds on each under each profile, run on all of them at once: objects
// that baseline and strict rules find fault with, and the ones
// cross-object rules look up (pushed to the agent as data.inventory).
func expectations(t *testing.T) ([]*manifest.Object, map[policy.Profile]map[*manifest.Object][]verdict) {
	t.Helper()
	var paths []string
	for _, file := range []string{
		"resources/memory-limit-no-headroom.yaml", "probes/liveness-checks-dependencies.yaml",
		"probes/startup-probe-missing.yaml", "config/secret-volume-permissive.yaml",
		"rbac/service-account-token-automount.yaml", "availability/zone-spread-missing.yaml",
		"availability/pdb-missing.yaml", "good/nodejs-api.yaml",
	} {
		paths = append(paths, filepath.Join(examplesDir, file))
	}
	loaded := manifest.Load(context.Background(), paths, manifest.Options{})
	if len(loaded.Errors) > 0 {
		t.Fatal(loaded.Errors[0])
	}
	objs := loaded.Objects
	type position struct {
		file string
		line int
	}
	at := map[position]*manifest.Object{}
	for _, obj := range objs {
		at[position{obj.File, obj.Line}] = obj
	}
	// What the SDK finds on each object, run on all of them at once.
	want := map[policy.Profile]map[*manifest.Object][]verdict{}
	for _, profile := range []policy.Profile{policy.Baseline, policy.Strict} {
		eng, err := engine.New(engine.WithProfile(profile))
		if err != nil {
			t.Fatal(err)
		}
		out, err := eng.Evaluate(context.Background(), objs)
		if err != nil {
			t.Fatal(err)
		}
		want[profile] = map[*manifest.Object][]verdict{}
		for _, f := range out.All() {
			obj, ok := at[position{f.File, f.ObjectLine}]
			if !ok {
				t.Fatalf("finding %s at %s:%d is on no object given", f.Rule, f.File, f.ObjectLine)
			}
			want[profile][obj] = append(want[profile][obj], verdict{f.Rule, f.Container, f.Message})
		}
	}
	if reflect.DeepEqual(want[policy.Baseline], want[policy.Strict]) {
		t.Fatal("the objects get the same findings under both profiles: the decisions cannot tell revisions apart")
	}

	return objs, want
}

// agent is an OPA agent under test, and what it must answer.
type agent struct {
	base      string
	ids       map[string]string
	objs      []*manifest.Object
	want      map[policy.Profile]map[*manifest.Object][]verdict
	inventory any
}

// pushInventory puts every object as data.inventory, as a fleet's
// replicator does.
func (a *agent) pushInventory(t *testing.T) {
	t.Helper()
	a.inventory = engine.Inventory(a.objs)
	call(t, http.MethodPut, a.base+"/v1/data/inventory", a.inventory, nil)
}

// revision is the revision of the bundle in force.
func (a *agent) revision(t *testing.T) string {
	t.Helper()
	var res struct{ Result string }
	call(t, http.MethodGet, a.base+"/v1/data/system/bundles/prodready/manifest/revision", nil, &res)
	return res.Result
}

// serves checks the revision in force, its decisions and that the
// inventory pushed is still there: the store was kept, nothing lost.
func (a *agent) serves(t *testing.T, rev string, profile policy.Profile) {
	t.Helper()
	if got := a.revision(t); got != rev {
		t.Fatalf("active revision %q, want %q", got, rev)
	}
	total := 0
	for _, obj := range a.objs {
		total += len(a.want[profile][obj])
		if d := enginetest.Diff(queryOPA(t, a.base, a.ids, obj), a.want[profile][obj]); len(d) > 0 {
			t.Errorf("revision %s, %s/%s: the agent differs from the SDK (%s):\n%s", rev, obj.Kind, obj.Name, profile, strings.Join(d, "\n"))
		}
	}
	if total == 0 {
		t.Error("no findings compared")
	}
	var got struct{ Result any }
	call(t, http.MethodGet, a.base+"/v1/data/inventory", nil, &got)
	if !sameJSON(t, got.Result, a.inventory) {
		t.Errorf("revision %s: data.inventory is no longer what was pushed", rev)
	}
}

// revisions are the signed bundles the agent tests publish: revision 1
// (baseline) and 2 (strict), whose rules differ so that the decisions show
// which one is in force, and revision 3 with data.json changed after
// signing.
func revisions(t *testing.T, keys keyPair) (rev1, rev2, tampered []byte) {
	t.Helper()
	sign := &opabundle.Signing{PrivateKey: keys.private, KeyID: "prodready"}
	rev1 = build(t, bundle.Options{Profile: policy.Baseline, Revision: "1"}, sign)
	rev2 = build(t, bundle.Options{Profile: policy.Strict, Revision: "2"}, sign)
	tampered = edit(t, build(t, bundle.Options{Profile: policy.Baseline, Revision: "3"}, sign), "/data.json", func(b []byte) []byte {
		changed := bytes.Replace(b, []byte(`"minRatio":1.5`), []byte(`"minRatio":0.1`), 1)
		if bytes.Equal(changed, b) {
			t.Fatal("data.json has no minRatio of 1.5 to tamper with")
		}
		return changed
	})
	return rev1, rev2, tampered
}
