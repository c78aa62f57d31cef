// Package admission replays kubectl applies through Gatekeeper's constraint
// framework, the client its webhook, audit and gator evaluate with, loaded
// with the bundle prodready ships (bundles/gatekeeper). It is a Go module of
// its own: Gatekeeper's dependencies are no dependency of the library.
//
// Its tests hold the Gatekeeper bundle to what a cluster does: objects come
// one at a time, each reviewed by the webhook against the sync cache as it
// is at that moment, then synced.
package admission
