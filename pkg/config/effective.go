package config

import (
	"slices"

	"github.com/prodready/prodready/pkg/policy"
)

// ResolveProfile is the profile to run: the caller's explicit choice (a
// command's --profile) when not empty, else the configuration's, else
// baseline. c may be nil.
func (c *Config) ResolveProfile(explicit policy.Profile) policy.Profile {
	switch {
	case explicit != "":
		return explicit
	case c != nil && c.Profile != "":
		return c.Profile
	}
	return policy.Baseline
}

// Enables reports whether rule r runs under profile p: as the
// configuration's enabled says, else as the profile says. c may be nil.
func (c *Config) Enables(r policy.Rule, p policy.Profile) bool {
	if c != nil {
		if on := c.Rules[r.ID].Enabled; on != nil {
			return *on
		}
	}
	return p.Includes(r.Profile)
}

// Tune returns r with the configuration's severity and parameter values
// in place of its METADATA's (a parameter's Default becomes the value the
// rule runs with). r's own slices are left as they are. c may be nil.
func (c *Config) Tune(r policy.Rule) policy.Rule {
	if c == nil {
		return r
	}
	tuning, ok := c.Rules[r.ID]
	if !ok {
		return r
	}
	if tuning.Severity != "" {
		r.Severity = tuning.Severity
	}
	if len(tuning.Parameters) > 0 {
		r.Parameters = slices.Clone(r.Parameters)
		for i, p := range r.Parameters {
			if v, ok := tuning.Parameters[p.Name]; ok {
				r.Parameters[i].Default = v
			}
		}
	}
	return r
}

// Effective returns the rules of set that run under cfg and the explicit
// profile (see ResolveProfile), sorted by ID, tuned by cfg (see Tune):
// what the SDK enforces and what every bundle carries. cfg may be nil;
// it is assumed valid for set (Parse or Validate).
func Effective(set *policy.Set, cfg *Config, profile policy.Profile) []policy.Rule {
	profile = cfg.ResolveProfile(profile)
	var rules []policy.Rule
	for _, r := range set.Rules {
		if cfg.Enables(r, profile) {
			rules = append(rules, cfg.Tune(r))
		}
	}
	return rules
}
