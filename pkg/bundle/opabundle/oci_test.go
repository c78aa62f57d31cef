package opabundle_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prodready/prodready/internal/enginetest"
	"github.com/prodready/prodready/pkg/bundle"
	"github.com/prodready/prodready/pkg/bundle/oci"
	"github.com/prodready/prodready/pkg/policy"
)

// TestOPAAgentPullsFromARegistry runs OPA agents as a fleet pinned to a
// release does: one follows a tag, one a digest. Pushing a new revision
// under the tag moves the first and not the second; a bundle changed after
// signing and pushed under the tag is refused, and the last good one keeps
// serving.
func TestOPAAgentPullsFromARegistry(t *testing.T) {
	opaBin := enginetest.Binary(t, "opa")
	host := enginetest.Registry(t)
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	keys := newKeyPair(t)
	rev1, rev2, tampered := revisions(t, keys)
	push := func(tarball []byte) string {
		t.Helper()
		art, err := oci.Pack("opa", bundle.Files{"prodready.tar.gz": tarball})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		desc, err := oci.Push(ctx, "oci://"+host+"/prodready/opa:1.1.0", art)
		if err != nil {
			t.Fatal(err)
		}
		return desc.Digest.String()
	}
	digest1 := push(rev1)

	objs, want := expectations(t)
	ids := ruleByPackage(t)
	start := func(name, reference string) (*agent, *bundleServer) {
		status := &bundleServer{}
		ts := httptest.NewServer(status)
		t.Cleanup(ts.Close)
		// docs/releases.md's configuration: the signed bundle from the
		// registry, by tag or by digest.
		config := writeAgentConfig(t, name+".yaml", keys, "http://"+host, "oci", host+"/prodready/opa"+reference, ts.URL)
		a := &agent{base: startOPA(t, opaBin, "--config-file", config), ids: ids, objs: objs, want: want}
		a.pushInventory(t)
		return a, status
	}
	byTag, tagStatus := start("by-tag", ":1.1.0")
	byDigest, _ := start("by-digest", "@"+digest1)
	byTag.serves(t, "1", policy.Baseline)
	byDigest.serves(t, "1", policy.Baseline)

	push(rev2)
	waitFor(t, "the tag's agent to take revision 2", func() bool { return byTag.revision(t) == "2" })
	byTag.serves(t, "2", policy.Strict)
	byDigest.serves(t, "1", policy.Baseline)

	push(tampered)
	waitFor(t, "the tampered bundle to be refused", func() bool {
		if rev := byTag.revision(t); rev != "2" {
			t.Fatalf("the tampered bundle was activated: revision %q", rev)
		}
		_, st := tagStatus.state()
		return st.Code == "bundle_error" && strings.Contains(st.Message, "digest mismatch")
	})
	byTag.serves(t, "2", policy.Strict)
	byDigest.serves(t, "1", policy.Baseline)
}
