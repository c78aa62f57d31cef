package main

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// TestReleaseBuildIsReproducible: the CLI built as a release builds it
// (the binary the end-to-end tests run) from a copy of the source at
// another path is the same, byte for byte, and records neither the path
// nor the commit.
func TestReleaseBuildIsReproducible(t *testing.T) {
	repo, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	// The working tree as it is: tracked files and new ones not ignored.
	ls := exec.Command("git", "ls-files", "--cached", "--others", "--exclude-standard", "-z")
	ls.Dir = repo
	files, err := ls.Output()
	if err != nil {
		t.Fatalf("git ls-files: %v", err)
	}
	elsewhere := filepath.Join(t.TempDir(), "another", "checkout")
	for _, f := range strings.Split(strings.TrimSuffix(string(files), "\x00"), "\x00") {
		if err := copyFile(filepath.Join(repo, f), filepath.Join(elsewhere, f)); err != nil {
			t.Fatal(err)
		}
	}
	again := filepath.Join(t.TempDir(), "prodready")
	build := exec.Command("bash", filepath.Join(elsewhere, "scripts", "build-release.sh"), runtime.GOOS, runtime.GOARCH, again)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building in %s: %v\n%s", elsewhere, err, out)
	}
	first, err := os.ReadFile(binary)
	if err != nil {
		t.Fatal(err)
	}
	second, err := os.ReadFile(again)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, second) {
		t.Errorf("built in %s and in %s, the CLI differs (%d and %d bytes)", repo, elsewhere, len(first), len(second))
	}
	for _, path := range []string{repo, elsewhere} {
		if bytes.Contains(first, []byte(path)) || bytes.Contains(second, []byte(path)) {
			t.Errorf("the binary holds the path %s", path)
		}
	}
	info, err := exec.Command("go", "version", "-m", binary).Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"-trimpath=true", "CGO_ENABLED=0"} {
		if !strings.Contains(string(info), want) {
			t.Errorf("go version -m: no %s\n%s", want, info)
		}
	}
	if strings.Contains(string(info), "vcs.revision") {
		t.Errorf("go version -m: the commit is stamped\n%s", info)
	}
}

func copyFile(from, to string) error {
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		return err
	}
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	info, err := src.Stat()
	if err != nil {
		return err
	}
	dst, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, info.Mode())
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}

// TestReleaseWorkflow: a tag v1.2.0 runs make release with version 1.2.0,
// the repository's ghcr.io packages and the signing key from the secret
// (removed after), and the GitHub release it publishes holds the binaries
// make release-binaries builds, under the names the action downloads,
// with checksums.txt and release.json.
func TestReleaseWorkflow(t *testing.T) {
	data, err := os.ReadFile("../../.github/workflows/release.yml")
	if err != nil {
		t.Fatal(err)
	}
	var wf struct {
		// YAML 1.1, which sigs.k8s.io/yaml reads, takes the key on for true.
		On struct {
			Push struct {
				Tags []string `json:"tags"`
			} `json:"push"`
		} `json:"true"`
		Permissions map[string]string `json:"permissions"`
		Jobs        map[string]struct {
			Steps []actionStep `json:"steps"`
		} `json:"jobs"`
	}
	if err := yaml.Unmarshal(data, &wf); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(wf.On.Push.Tags, []string{"v*.*.*"}) || wf.Permissions["contents"] != "write" || wf.Permissions["packages"] != "write" || len(wf.Jobs) != 1 {
		t.Fatalf("the workflow runs on %q with %v, %d jobs", wf.On.Push.Tags, wf.Permissions, len(wf.Jobs))
	}

	// The checkout, with dist/ as make release leaves it (binaries built by
	// the Makefile's loop with a go that writes its -o file).
	checkout := t.TempDir()
	fakeGo := filepath.Join(t.TempDir(), "go")
	if err := os.WriteFile(fakeGo, []byte("#!/bin/sh\nwhile [ $# -gt 0 ]; do if [ \"$1\" = -o ]; then echo built > \"$2\"; fi; shift; done\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	dist := filepath.Join(checkout, "dist")
	mk := exec.Command("make", "-C", "../..", "release-binaries", "VERSION=1.2.0", "GO="+fakeGo, "DIST="+dist)
	if out, err := mk.CombinedOutput(); err != nil {
		t.Fatalf("make release-binaries: %v\n%s", err, out)
	}
	for _, f := range []string{"checksums.txt", "release.json"} {
		if err := os.WriteFile(filepath.Join(dist, f), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	record := `printf '%s\n' "$(basename "$0") $*" >> "$RUNNER_TEMP/calls"`
	fakes := map[string]string{
		"docker": record + `; read -r token; echo "token $token" >> "$RUNNER_TEMP/calls"`,
		// make sees the key it is given.
		"make": record + `; for a; do case "$a" in SIGNING_KEY=*) echo "key $(cat "${a#SIGNING_KEY=}")" >> "$RUNNER_TEMP/calls" ;; esac; done`,
		"gh":   record,
	}
	values := map[string]string{"secrets.GITHUB_TOKEN": "ghs_token", "secrets.RELEASE_SIGNING_KEY": "-----BEGIN PRIVATE KEY-----"}
	env := []string{"GITHUB_REF_NAME=v1.2.0", "GITHUB_REPOSITORY=Prodready/Prodready", "GITHUB_ACTOR=releaser"}
	for _, job := range wf.Jobs {
		run := runSteps(t, job.Steps, checkout, fakes, values, env)
		if run.stopped != "" {
			t.Fatalf("stopped at %q:\n%s", run.stopped, run.log)
		}
		calls, err := os.ReadFile(filepath.Join(run.temp, "calls"))
		if err != nil {
			t.Fatal(err)
		}
		key := filepath.Join(run.temp, "release-key.pem")
		var assets []string
		for _, a := range releaseAssets("1.2.0") {
			assets = append(assets, "dist/"+a)
		}
		want := strings.Join([]string{
			"docker login ghcr.io -u releaser --password-stdin",
			"token ghs_token",
			"make release VERSION=1.2.0 REGISTRY=oci://ghcr.io/prodready/prodready SIGNING_KEY=" + key,
			"key -----BEGIN PRIVATE KEY-----",
			`gh release create v1.2.0 --verify-tag --title prodready v1.2.0 --notes What changed, rule by rule: CHANGELOG.md. What this release holds, with every digest and checksum: release.json. ` +
				strings.Join(assets, " ") + " dist/checksums.txt dist/release.json",
		}, "\n") + "\n"
		if string(calls) != want {
			t.Errorf("the workflow ran\n%s\nwant\n%s", calls, want)
		}
		if _, err := os.Stat(key); err == nil {
			t.Error("the signing key was left on the runner")
		}
	}
	values["secrets.RELEASE_SIGNING_KEY"] = ""
	for _, job := range wf.Jobs {
		if run := runSteps(t, job.Steps, checkout, fakes, values, env); run.stopped != "Build and push" || !strings.Contains(run.log, "set the RELEASE_SIGNING_KEY secret") {
			t.Errorf("without a signing key: stopped at %q\n%s", run.stopped, run.log)
		}
	}
}
