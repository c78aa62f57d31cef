// Command prodready-release publishes a release: it builds the library as
// it ships for OPA (signed when given a key), Conftest and Gatekeeper,
// pushes each as an OCI artifact tagged with the version, and writes the
// release manifest, release.json: the version, the catalogue's, the source
// commit, every rule's version, each artifact's digest and each binary's
// SHA-256 (also written to checksums.txt, as sha256sum writes it, for the
// GitHub Action to verify what it downloads). The same source gives the
// same digests, so a second run changes nothing. make release runs it;
// docs/releases.md says how to pin what it pushes.
//
//	prodready-release -version 1.2.0 -registry oci://ghcr.io/acme/prodready -commit SHA [-signing-key key.pem] [-binaries dist] [-out dist]
package main

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/prodready/prodready/pkg/bundle"
	"github.com/prodready/prodready/pkg/bundle/oci"
	"github.com/prodready/prodready/pkg/bundle/opabundle"
	"github.com/prodready/prodready/pkg/bundle/target"
	"github.com/prodready/prodready/pkg/policy"
	"github.com/prodready/prodready/pkg/version"
)

// Manifest is what a release holds, written to release.json.
type Manifest struct {
	Version   string `json:"version"`
	Catalogue string `json:"catalogue"`
	Commit    string `json:"commit"`
	// Rules are every rule's version, by ID.
	Rules     map[string]string `json:"rules"`
	Artifacts []Artifact        `json:"artifacts"`
	Binaries  []Binary          `json:"binaries,omitempty"`
}

// Binary is one platform's CLI.
type Binary struct {
	File   string `json:"file"`
	OS     string `json:"os"`
	Arch   string `json:"arch"`
	SHA256 string `json:"sha256"`
}

// Artifact is one pushed bundle.
type Artifact struct {
	Target    string `json:"target"`
	Reference string `json:"reference"`
	Digest    string `json:"digest"`
	MediaType string `json:"mediaType"`
	Signed    bool   `json:"signed,omitempty"`
}

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "prodready-release:", err)
		os.Exit(2)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("prodready-release", flag.ContinueOnError)
	ver := fs.String("version", "", "the release's version, such as 1.2.0 (docs/releases.md)")
	registry := fs.String("registry", "", "where to push: oci://HOST/REPOSITORY, under which opa, conftest and gatekeeper are pushed tagged with the version")
	commit := fs.String("commit", "", "the source commit (git rev-parse HEAD)")
	key := fs.String("signing-key", "", "PEM private key to sign the OPA bundle with (key ID prodready)")
	binaries := fs.String("binaries", "", "the directory of the CLI's binaries, prodready_VERSION_OS_ARCH[.exe] (make release-binaries)")
	out := fs.String("out", "dist", "where release.json and checksums.txt are written")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *ver == "" || *registry == "" || *commit == "" {
		return errors.New("-version, -registry and -commit are required")
	}
	var sign *opabundle.Signing
	if *key != "" {
		pem, err := os.ReadFile(*key)
		if err != nil {
			return fmt.Errorf("-signing-key: %w", err)
		}
		sign = &opabundle.Signing{PrivateKey: pem, KeyID: "prodready"}
	}
	set, err := policy.Builtin()
	if err != nil {
		return err
	}
	m := Manifest{Version: *ver, Catalogue: version.Catalogue, Commit: *commit, Rules: map[string]string{}}
	if *binaries != "" {
		if m.Binaries, err = hashBinaries(*binaries, *ver); err != nil {
			return err
		}
	}
	for _, r := range set.Rules {
		m.Rules[r.ID] = r.Version
	}
	opts := bundle.Options{Set: set, Revision: *ver}
	for _, name := range target.Names {
		x := target.Extras{}
		if name == "opa" {
			x.Signing = sign
		}
		files, err := target.Build(name, opts, x)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		art, err := oci.Pack(name, files)
		if err != nil {
			return err
		}
		ref := strings.TrimSuffix(*registry, "/") + "/" + name + ":" + *ver
		desc, err := oci.Push(ctx, ref, art)
		if err != nil {
			return err
		}
		m.Artifacts = append(m.Artifacts, Artifact{Target: name, Reference: ref, Digest: desc.Digest.String(),
			MediaType: art.ConfigType, Signed: x.Signing != nil})
		fmt.Fprintf(stdout, "%s %s@%s\n", name, ref, desc.Digest)
	}
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	if len(m.Binaries) > 0 {
		var sums strings.Builder
		for _, b := range m.Binaries {
			fmt.Fprintf(&sums, "%s  %s\n", b.SHA256, b.File)
		}
		if err := os.WriteFile(filepath.Join(*out, "checksums.txt"), []byte(sums.String()), 0o644); err != nil {
			return err
		}
	}
	return os.WriteFile(filepath.Join(*out, "release.json"), append(data, '\n'), 0o644)
}

// hashBinaries lists the version's binaries in dir, in name order.
func hashBinaries(dir, ver string) ([]Binary, error) {
	prefix := "prodready_" + ver + "_"
	files, err := filepath.Glob(filepath.Join(dir, prefix+"*"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("-binaries: no %s* in %s (make release-binaries VERSION=%s)", prefix, dir, ver)
	}
	var bins []Binary
	for _, f := range files {
		name := filepath.Base(f)
		goos, arch, ok := strings.Cut(strings.TrimSuffix(strings.TrimPrefix(name, prefix), ".exe"), "_")
		if !ok {
			return nil, fmt.Errorf("-binaries: %s is not named %sOS_ARCH", name, prefix)
		}
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		bins = append(bins, Binary{File: name, OS: goos, Arch: arch, SHA256: fmt.Sprintf("%x", sha256.Sum256(data))})
	}
	return bins, nil
}
