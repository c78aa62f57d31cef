//go:build race

package manifest

// The race detector makes the YAML parser about twenty times slower.
func init() { raceEnabled = true }
