// Package version is prodready's release version, stamped at build time
// with -ldflags "-X github.com/prodready/prodready/pkg/version.Version=...".
package version

// Version of the library and its policy bundle.
var Version = "0.1.0-dev"
