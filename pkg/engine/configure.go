package engine

import (
	"errors"
	"maps"
	"os"
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

// WithConfigFile applies the configuration file at path (a
// .prodready.yaml) as WithConfig does. New reads it and checks it against
// every rule, the WithPolicyFS ones too, so that it may tune a team's
// rules; its errors name the file and line.
func WithConfigFile(path string) Option {
	return func(o *options) {
		o.configFile = func() (string, []byte, error) {
			data, err := os.ReadFile(path)
			return path, data, err
		}
	}
}

// WithConfigYAML applies the configuration in data as WithConfigFile
// does; name labels its errors (name:line: ...). It is the option for a
// configuration embedded in a program.
func WithConfigYAML(name string, data []byte) Option {
	return func(o *options) {
		o.configFile = func() (string, []byte, error) { return name, data, nil }
	}
}

// loadConfig reads the WithConfigFile or WithConfigYAML configuration,
// once every rule is known, into o.config.
func (o *options) loadConfig() error {
	if o.configFile == nil {
		return nil
	}
	if o.config != nil {
		return errors.New("WithConfig and WithConfigFile (or WithConfigYAML) both given: give one configuration")
	}
	name, data, err := o.configFile()
	if err != nil {
		return err
	}
	o.config, err = config.Parse(name, data, o.set)
	return err
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
