package engine

import (
	"maps"
	"slices"

	"github.com/prodready/prodready/pkg/config"
)

// WithConfig applies a team's configuration (a .prodready.yaml, read with
// config.Load, or one built in code): its profile, unless WithProfile
// names one; per rule enabled, severity (and so each finding's Severity
// and Enforcement) and parameters over the defaults; and its exemptions,
// ahead of any WithExemptions adds. New checks it against the rules, the
// built-in ones and the WithPolicyFS ones.
func WithConfig(cfg *config.Config) Option {
	return func(o *options) { o.config = cfg }
}

// WithRule tunes one rule as the configuration's rules.<id> entry would,
// in place of that entry: the option for code that has no configuration
// file, or that overrides one.
func WithRule(id string, r config.Rule) Option {
	return func(o *options) {
		if o.rules == nil {
			o.rules = map[string]config.Rule{}
		}
		o.rules[id] = r
	}
}

// configuration is the configuration the options add up to, nil when
// they set none, leaving the callers' values unchanged. New validates it.
func (o *options) configuration() *config.Config {
	if o.config == nil && o.rules == nil && o.exemptions == nil {
		return nil
	}
	cfg := &config.Config{}
	if o.config != nil {
		*cfg = *o.config
	}
	if o.rules != nil {
		cfg.Rules = maps.Clone(cfg.Rules)
		if cfg.Rules == nil {
			cfg.Rules = map[string]config.Rule{}
		}
		maps.Copy(cfg.Rules, o.rules)
	}
	cfg.Exemptions = append(slices.Clone(cfg.Exemptions), o.exemptions...)
	return cfg
}
