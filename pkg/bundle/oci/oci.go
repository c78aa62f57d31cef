// Package oci packs a built bundle as an OCI artifact, with the media types
// its engine reads, and pushes it to a registry with oras-go:
//
//   - conftest: a layer per file, .rego files as
//     application/vnd.cncf.openpolicyagent.policy.layer.v1+rego and data
//     files as ...data.layer.v1+json, each titled with its path, as
//     conftest push makes them and conftest pull writes them back;
//   - opa: the bundle tarball (signature inside) as one
//     application/vnd.oci.image.layer.v1.tar+gzip layer, which OPA's oci
//     service downloads;
//   - gatekeeper: a layer per manifest (templates, constraints, sync
//     config; not the gator suites), titled with its path, for oras pull.
//
// The manifest carries no timestamp and the layers come in path order, so
// the same bundle always has the same digest. Credentials come from the
// Docker configuration and its credential helpers, as docker, oras and
// conftest read them.
package oci

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"

	"github.com/opencontainers/image-spec/specs-go"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"oras.land/oras-go/v2/content"
	"oras.land/oras-go/v2/errdef"
	"oras.land/oras-go/v2/registry"
	"oras.land/oras-go/v2/registry/remote"
	"oras.land/oras-go/v2/registry/remote/auth"
	"oras.land/oras-go/v2/registry/remote/credentials"
	"oras.land/oras-go/v2/registry/remote/retry"

	"github.com/prodready/prodready/pkg/bundle"
)

// The media types of the artifacts' layers and configs.
const (
	ConftestPolicyLayer = "application/vnd.cncf.openpolicyagent.policy.layer.v1+rego"
	ConftestDataLayer   = "application/vnd.cncf.openpolicyagent.data.layer.v1+json"
	// ConftestConfig is what conftest push gives (oras' unknown config).
	ConftestConfig = "application/vnd.unknown.config.v1+json"
	// GatekeeperLayer is a Kubernetes manifest of the Gatekeeper bundle.
	GatekeeperLayer = "application/vnd.prodready.gatekeeper.manifest.v1+yaml"
	// GatekeeperConfig marks the Gatekeeper artifact.
	GatekeeperConfig = "application/vnd.prodready.gatekeeper.config.v1+json"
)

// Layer is a file of an artifact.
type Layer struct {
	MediaType string
	Title     string
	Data      []byte
}

// Artifact is what a push sends: a config and its layers, in order.
type Artifact struct {
	ConfigType string
	Config     []byte
	Layers     []Layer
}

// Pack is the artifact of a bundle built for target (opa, conftest or
// gatekeeper).
func Pack(target string, files bundle.Files) (*Artifact, error) {
	a := &Artifact{Config: []byte("{}")}
	switch target {
	case "opa":
		a.ConfigType = ocispec.MediaTypeImageConfig
		for _, path := range files.Paths() {
			if strings.HasSuffix(path, ".tar.gz") {
				a.Layers = append(a.Layers, Layer{ocispec.MediaTypeImageLayerGzip, path, files[path]})
			}
		}
		if len(a.Layers) != 1 {
			return nil, fmt.Errorf("oci: an OPA bundle is one .tar.gz, not %d", len(a.Layers))
		}
	case "conftest":
		a.ConfigType = ConftestConfig
		for _, path := range files.Paths() {
			media := ConftestDataLayer
			if strings.HasSuffix(path, ".rego") {
				media = ConftestPolicyLayer
			}
			a.Layers = append(a.Layers, Layer{media, path, files[path]})
		}
	case "gatekeeper":
		a.ConfigType = GatekeeperConfig
		for _, path := range files.Paths() {
			if !strings.HasPrefix(path, "suites/") {
				a.Layers = append(a.Layers, Layer{GatekeeperLayer, path, files[path]})
			}
		}
	default:
		return nil, fmt.Errorf("oci: unknown target %q (want opa, gatekeeper or conftest)", target)
	}
	return a, nil
}

// Manifest is the artifact's image manifest and its descriptor.
func (a *Artifact) Manifest() (ocispec.Descriptor, []byte, error) {
	m := ocispec.Manifest{
		Versioned: specs.Versioned{SchemaVersion: 2},
		MediaType: ocispec.MediaTypeImageManifest,
		Config:    content.NewDescriptorFromBytes(a.ConfigType, a.Config),
	}
	for _, l := range a.Layers {
		d := content.NewDescriptorFromBytes(l.MediaType, l.Data)
		d.Annotations = map[string]string{ocispec.AnnotationTitle: l.Title}
		m.Layers = append(m.Layers, d)
	}
	data, err := json.Marshal(m)
	if err != nil {
		return ocispec.Descriptor{}, nil, err
	}
	return content.NewDescriptorFromBytes(ocispec.MediaTypeImageManifest, data), data, nil
}

// ParseReference reads oci://HOST/REPO:TAG (the scheme is optional); a
// reference must name a tag or a digest.
func ParseReference(ref string) (registry.Reference, error) {
	r, err := registry.ParseReference(strings.TrimPrefix(ref, "oci://"))
	if err != nil {
		return r, fmt.Errorf("%s: %w (want oci://HOST/REPOSITORY:TAG)", ref, err)
	}
	if r.Reference == "" {
		return r, fmt.Errorf("%s: no tag (want oci://HOST/REPOSITORY:TAG)", ref)
	}
	return r, nil
}

// Repository is ref's repository, with the Docker configuration's
// credentials; a registry on the loopback interface is spoken to in plain
// HTTP, as docker and conftest do.
func Repository(ref registry.Reference) (*remote.Repository, error) {
	repo, err := remote.NewRepository(ref.Registry + "/" + ref.Repository)
	if err != nil {
		return nil, err
	}
	repo.PlainHTTP = loopback(ref.Host())
	store, err := credentials.NewStoreFromDocker(credentials.StoreOptions{DetectDefaultNativeStore: true})
	if err != nil {
		return nil, fmt.Errorf("reading the Docker configuration's credentials: %w", err)
	}
	repo.Client = &auth.Client{
		Client:     &http.Client{Transport: retry.NewTransport(http.DefaultTransport)},
		Credential: credentials.Credential(store),
		Cache:      auth.NewCache(),
	}
	return repo, nil
}

func loopback(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Push pushes the artifact to ref (oci://HOST/REPO:TAG) and tags it,
// returning the manifest's descriptor: its digest names this content for
// ever.
func Push(ctx context.Context, ref string, a *Artifact) (ocispec.Descriptor, error) {
	r, err := ParseReference(ref)
	if err != nil {
		return ocispec.Descriptor{}, err
	}
	repo, err := Repository(r)
	if err != nil {
		return ocispec.Descriptor{}, err
	}
	blobs := append([]Layer{{a.ConfigType, "", a.Config}}, a.Layers...)
	for _, b := range blobs {
		if err := push(ctx, repo, content.NewDescriptorFromBytes(b.MediaType, b.Data), b.Data); err != nil {
			return ocispec.Descriptor{}, fmt.Errorf("pushing to %s: %w", ref, err)
		}
	}
	desc, manifest, err := a.Manifest()
	if err != nil {
		return ocispec.Descriptor{}, err
	}
	if err := repo.PushReference(ctx, desc, bytes.NewReader(manifest), r.Reference); err != nil {
		return ocispec.Descriptor{}, fmt.Errorf("pushing to %s: %w", ref, err)
	}
	return desc, nil
}

func push(ctx context.Context, repo *remote.Repository, desc ocispec.Descriptor, data []byte) error {
	err := repo.Push(ctx, desc, bytes.NewReader(data))
	if errors.Is(err, errdef.ErrAlreadyExists) {
		return nil
	}
	return err
}
