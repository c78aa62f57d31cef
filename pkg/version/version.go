// Package version is prodready's release version, stamped at build time
// with -ldflags "-X github.com/prodready/prodready/pkg/version.Version=...",
// and the version of the rule catalogue the library implements.
package version

// Version of the library and its policy bundle.
var Version = "0.1.0-dev"

// Catalogue is the version of the rule catalogue (the spec of every rule's
// ID, severity, profile and parameters) that the embedded rules implement;
// docs/releases.md says how it moves.
const Catalogue = "1.1"
