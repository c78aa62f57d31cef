// Command prodready-release publishes a release's bundles: it builds the
// library as it ships for OPA (signed when given a key), Conftest and
// Gatekeeper, pushes each as an OCI artifact tagged with the version, and
// writes the release manifest: the version, the catalogue's, the source
// commit, every rule's version and each artifact's digest. The same source
// gives the same digests, so a second run changes nothing. make release
// runs it; docs/releases.md says how to pin what it pushes.
//
//	prodready-release -version 1.2.0 -registry oci://ghcr.io/acme/prodready -commit SHA [-signing-key key.pem] [-out dist]
package main

import (
	"context"
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
	out := fs.String("out", "dist", "where release.json is written")
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
	return os.WriteFile(filepath.Join(*out, "release.json"), append(data, '\n'), 0o644)
}
