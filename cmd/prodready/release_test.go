package main

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
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
