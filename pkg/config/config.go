// Package config reads a team's .prodready.yaml: the profile, per rule
// enabled, severity and parameters, and the exemptions, each with a reason.
// Every target honours the same Config: the SDK through engine options,
// and the OPA, Gatekeeper and Conftest bundles through the data they carry.
package config

import "github.com/prodready/prodready/pkg/policy"

// FileName is the configuration file looked for upward from the working directory.
const FileName = ".prodready.yaml"

// Config is a parsed, validated configuration.
type Config struct {
	// Profile selects the rules; "" leaves the caller's default.
	Profile policy.Profile `json:"profile,omitempty" yaml:"profile,omitempty"`
	// Rules tune rules by ID.
	Rules map[string]Rule `json:"rules,omitempty" yaml:"rules,omitempty"`
	// Exemptions opt objects out of rules.
	Exemptions []Exemption `json:"exemptions,omitempty" yaml:"exemptions,omitempty"`
	// File is where the configuration was read from ("" when built in code).
	File string `json:"-" yaml:"-"`
}

// Rule tunes one rule.
type Rule struct {
	// Enabled nil keeps the profile's choice; false disables, true enables
	// a rule of another profile.
	Enabled *bool `json:"enabled,omitempty" yaml:"enabled,omitempty"`
	// Severity "" keeps the rule's own.
	Severity policy.Severity `json:"severity,omitempty" yaml:"severity,omitempty"`
	// Parameters override the rule's defaults, key by key.
	Parameters map[string]any `json:"parameters,omitempty" yaml:"parameters,omitempty"`
	// Admission "" keeps the Gatekeeper webhook's default action for the
	// rule: warn for a rule that reads other objects (the webhook's cache
	// may not hold them yet), else the severity's. AdmissionDeny,
	// AdmissionWarn or AdmissionDryRun set it; audit and gator keep the
	// severity's.
	Admission string `json:"admission,omitempty" yaml:"admission,omitempty"`
}

// The Gatekeeper webhook actions a rule's Admission may name.
const (
	AdmissionDeny   = "deny"
	AdmissionWarn   = "warn"
	AdmissionDryRun = "dryrun"
)

// Exemption opts the objects it matches out of rules. An object matches
// when every field set matches: Namespace and Name are globs (* and ?),
// Selector a Kubernetes label selector on the object's labels.
type Exemption struct {
	// Rules are rule IDs, or "*" for every rule.
	Rules     []string       `json:"rules" yaml:"rules"`
	Namespace string         `json:"namespace,omitempty" yaml:"namespace,omitempty"`
	Name      string         `json:"name,omitempty" yaml:"name,omitempty"`
	Selector  *LabelSelector `json:"selector,omitempty" yaml:"selector,omitempty"`
	// Reason is required: an exception nobody can explain is not kept.
	Reason string `json:"reason" yaml:"reason"`
	// Expires (YYYY-MM-DD) is the last day the exemption applies.
	Expires string `json:"expires,omitempty" yaml:"expires,omitempty"`
	// Line is the exemption's line in File.
	Line int `json:"-" yaml:"-"`
}

// LabelSelector is the Kubernetes label selector (matchLabels and
// matchExpressions), as in a PodDisruptionBudget or a Gatekeeper match.
type LabelSelector struct {
	MatchLabels      map[string]string `json:"matchLabels,omitempty" yaml:"matchLabels,omitempty"`
	MatchExpressions []Requirement     `json:"matchExpressions,omitempty" yaml:"matchExpressions,omitempty"`
}

// Requirement is one matchExpressions entry.
type Requirement struct {
	Key      string   `json:"key" yaml:"key"`
	Operator string   `json:"operator" yaml:"operator"`
	Values   []string `json:"values,omitempty" yaml:"values,omitempty"`
}
