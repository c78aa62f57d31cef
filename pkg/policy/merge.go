package policy

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
)

// reservedPackages are the packages a team module may neither use, nor
// nest in, nor enclose, besides the base library's own: prodready's lib,
// the rule tree, and the data documents the SDK and the bundles provide
// (data.lib.parameters, data.lib.exemptions, data.inventory). Patching
// them from a team module would change every rule silently.
var reservedPackages = []string{"lib.prodready", "lib.parameters", "lib.exemptions", "inventory", "prodready"}

// Merge returns base with the team libraries added, in order, and leaves
// its arguments unchanged. A team rule whose ID is a base rule's replaces
// that rule's module (and its tests) entirely, and may reuse its package.
// It is an error for two team rules to share an ID, for a team rule to
// use another rule's package, for a team helper module to use a package
// of the base library's (lib.prodready...) or a reserved one, and for two
// modules to have the same file name.
func Merge(base *Set, team ...*Set) (*Set, error) {
	teamRules := map[string]Rule{}
	for _, t := range team {
		for _, r := range t.Rules {
			if other, dup := teamRules[r.ID]; dup {
				return nil, fmt.Errorf("rule ID %q is declared by both %s and %s", r.ID, other.File, r.File)
			}
			teamRules[r.ID] = r
		}
	}

	merged := &Set{Modules: maps.Clone(base.Modules), Sources: maps.Clone(base.Sources), Tests: maps.Clone(base.Tests), verified: base.verified}
	// owners are the rule packages taken, by the file declaring them.
	owners := map[string]string{}
	baseRuleFiles := map[string]bool{}
	for _, r := range base.Rules {
		baseRuleFiles[r.File] = true
		if _, replaced := teamRules[r.ID]; replaced {
			delete(merged.Modules, r.File)
			delete(merged.Sources, r.File)
			delete(merged.Tests, strings.TrimSuffix(r.File, ".rego")+"_test.rego")
			continue
		}
		merged.Rules = append(merged.Rules, r)
		owners[r.Package] = r.File
	}
	reserved := slices.Clone(reservedPackages)
	for name, mod := range base.Modules {
		if !baseRuleFiles[name] {
			reserved = append(reserved, packageOf(mod))
		}
	}

	for _, t := range team {
		rules := map[string]bool{}
		for _, r := range t.Rules {
			rules[r.File] = true
			if other, taken := owners[r.Package]; taken {
				return nil, fmt.Errorf("%s: package %s is already the package of %s: give the rule a package of its own, or its ID to replace that rule", r.File, r.Package, other)
			}
			owners[r.Package] = r.File
			merged.Rules = append(merged.Rules, r)
		}
		for _, name := range slices.Sorted(maps.Keys(t.Modules)) {
			mod := t.Modules[name]
			if !rules[name] {
				if pkg := packageOf(mod); overlapsAny(pkg, reserved) {
					return nil, fmt.Errorf("%s:%d: package %s is prodready's: a team module may not add to the built-in library; put helpers in a package of your own, such as lib.<team>", name, mod.Package.Location.Row, pkg)
				}
			}
			if _, taken := merged.Modules[name]; taken {
				return nil, fmt.Errorf("%s: two policy sources have a module of this name (is a source given twice?)", name)
			}
			merged.Modules[name] = mod
			merged.Sources[name] = t.Sources[name]
		}
		for name, src := range t.Tests {
			if _, taken := merged.Tests[name]; taken {
				return nil, fmt.Errorf("%s: two policy sources have a test of this name (is a source given twice?)", name)
			}
			merged.Tests[name] = src
		}
	}
	sort.Slice(merged.Rules, func(i, j int) bool { return merged.Rules[i].ID < merged.Rules[j].ID })
	return merged, nil
}

// overlapsAny reports whether package pkg is one of pkgs, lies under one,
// or encloses one: either way its rules and theirs would share documents.
func overlapsAny(pkg string, pkgs []string) bool {
	for _, p := range pkgs {
		if pkg == p || strings.HasPrefix(pkg, p+".") || strings.HasPrefix(p, pkg+".") {
			return true
		}
	}
	return false
}
