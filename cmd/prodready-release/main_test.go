package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prodready/prodready/internal/enginetest"
	"github.com/prodready/prodready/pkg/policy"
	"github.com/prodready/prodready/pkg/version"
)

// TestReleaseIsReproducible: a release pushed twice from one source gives
// the same manifest, byte for byte: the same digests. The manifest says
// what the release holds: every rule's version, the catalogue's, the
// commit, the three signed or unsigned artifacts and the binaries, whose
// checksums.txt sha256sum verifies.
func TestReleaseIsReproducible(t *testing.T) {
	host := enginetest.Registry(t)
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	key := filepath.Join(t.TempDir(), "key.pem")
	private, _ := enginetest.KeyPair(t)
	if err := os.WriteFile(key, private, 0o600); err != nil {
		t.Fatal(err)
	}
	bins := t.TempDir()
	for _, name := range []string{"prodready_1.2.0_linux_amd64", "prodready_1.2.0_windows_arm64.exe", "prodready_1.1.0_linux_amd64"} {
		if err := os.WriteFile(filepath.Join(bins, name), []byte("the binary of "+name), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	var manifests [2][]byte
	var out string
	for i := range manifests {
		out = t.TempDir()
		var log bytes.Buffer
		args := []string{"-version", "1.2.0", "-registry", "oci://" + host + "/prodready", "-commit", "0123abc", "-signing-key", key,
			"-binaries", bins, "-out", out}
		if err := run(context.Background(), args, &log); err != nil {
			t.Fatal(err)
		}
		if strings.Count(log.String(), "@sha256:") != 3 {
			t.Errorf("run %d printed:\n%s", i+1, log.String())
		}
		data, err := os.ReadFile(filepath.Join(out, "release.json"))
		if err != nil {
			t.Fatal(err)
		}
		manifests[i] = data
	}
	if !bytes.Equal(manifests[0], manifests[1]) {
		t.Fatalf("two releases of one source differ:\n%s\n%s", manifests[0], manifests[1])
	}
	var m Manifest
	if err := json.Unmarshal(manifests[0], &m); err != nil {
		t.Fatal(err)
	}
	set, err := policy.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	if m.Version != "1.2.0" || m.Catalogue != version.Catalogue || m.Commit != "0123abc" || len(m.Rules) != len(set.Rules) {
		t.Errorf("manifest %+v", m)
	}
	for _, r := range set.Rules {
		if m.Rules[r.ID] != r.Version {
			t.Errorf("%s: version %q in the manifest, %q in the rule", r.ID, m.Rules[r.ID], r.Version)
		}
	}
	targets := map[string]Artifact{}
	for _, a := range m.Artifacts {
		targets[a.Target] = a
		if !strings.HasPrefix(a.Digest, "sha256:") || a.Reference != "oci://"+host+"/prodready/"+a.Target+":1.2.0" {
			t.Errorf("artifact %+v", a)
		}
	}
	if len(targets) != 3 || !targets["opa"].Signed || targets["conftest"].Signed {
		t.Errorf("artifacts %+v", m.Artifacts)
	}
	// The other version's binary is not this release's.
	if len(m.Binaries) != 2 || m.Binaries[0].File != "prodready_1.2.0_linux_amd64" || m.Binaries[0].OS != "linux" || m.Binaries[0].Arch != "amd64" ||
		m.Binaries[1].OS != "windows" || m.Binaries[1].Arch != "arm64" {
		t.Errorf("binaries %+v", m.Binaries)
	}
	check := func() ([]byte, error) {
		cmd := exec.Command("sha256sum", "--strict", "-c", filepath.Join(out, "checksums.txt"))
		cmd.Dir = bins
		return cmd.CombinedOutput()
	}
	if res, err := check(); err != nil || strings.Count(string(res), ": OK") != 2 {
		t.Errorf("sha256sum -c checksums.txt: %v\n%s", err, res)
	}
	if err := os.WriteFile(filepath.Join(bins, "prodready_1.2.0_linux_amd64"), []byte("changed"), 0o755); err != nil {
		t.Fatal(err)
	}
	if res, err := check(); err == nil || !strings.Contains(string(res), "prodready_1.2.0_linux_amd64: FAILED") {
		t.Errorf("sha256sum -c passed a changed binary:\n%s", res)
	}
	if err := run(context.Background(), []string{"-version", "1.2.0"}, &bytes.Buffer{}); err == nil {
		t.Error("a release without a registry and a commit ran")
	}
}
