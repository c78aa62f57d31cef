// Package examples embeds the example manifests: the post's good
// configurations, a manifest that breaks each rule, the demo and the
// incidents. The rule docs and `prodready explain` quote them.
package examples

import "embed"

// FS holds examples/<area>/<rule-id>.yaml and the other example folders.
//
//go:embed */*.yaml
var FS embed.FS
