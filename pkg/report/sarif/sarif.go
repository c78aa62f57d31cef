// Package sarif writes a report as a SARIF 2.1.0 log, the format code
// scanning (GitHub, GitLab, Azure DevOps) and editors import: one run whose
// tool lists every rule that ran, with its help and severity, and one
// result per finding, located in its file and named by its object.
//
// Exempted findings are results too, with a suppression that carries the
// exemption's reason: visible, never failing. With a baseline (check
// --baseline), every result has a baselineState: "new", or "unchanged"
// for one the baseline holds, which is suppressed (external, "known")
// unless its exemption already is. Input errors are the run's
// tool execution notifications, and make the run unsuccessful. Warnings
// (an object defined twice) are notifications too, of level warning, at
// every place they name, with a descriptor in the driver's notifications
// whose id is the warning's code ("duplicate-object"): the run stays
// successful.
//
// Findings read from standard input are located in the artifact "-", the
// path the CLI was given, since SARIF has no name for a stream.
package sarif

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/prodready/prodready/pkg/engine"
	"github.com/prodready/prodready/pkg/manifest"
	"github.com/prodready/prodready/pkg/policy"
	"github.com/prodready/prodready/pkg/report"
	"github.com/prodready/prodready/pkg/version"
)

const (
	schemaURI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	// InformationURI is the tool's home page.
	InformationURI = "https://github.com/prodready/prodready"
	// docsURI is where each built-in rule's page lives, docs/rules/<id>.md.
	docsURI = InformationURI + "/blob/main/docs/rules/"
	// FingerprintKey names the partial fingerprint of a result: a hash of
	// its rule, object (kind, namespace, name) and container, so that an
	// alert follows its object when lines move.
	FingerprintKey = "prodready/object/v1"
)

// Level is the SARIF level of a severity: critical and high are errors (they
// deny), medium a warning, low a note.
func Level(s policy.Severity) string {
	switch s {
	case policy.Critical, policy.High:
		return "error"
	case policy.Medium:
		return "warning"
	}
	return "note"
}

// Write writes r as a SARIF log. rules are the rules that ran (the engine's
// Rules): every one is described in the log, whether or not it found
// anything, so that code scanning knows a rule that stopped finding.
func Write(w io.Writer, r *report.Report, rules []policy.Rule) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(build(r, rules))
}

func build(r *report.Report, rules []policy.Rule) *log {
	ran := run{
		Tool: tool{Driver: driver{
			Name:           "prodready",
			Version:        version.Version,
			InformationURI: InformationURI,
			Rules:          []descriptor{},
		}},
		Results: []result{},
	}
	inv := invoke(r.Errors)
	for _, w := range r.Warnings {
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, warn(w, &ran.Tool.Driver))
	}
	ran.Invocations = []invocation{inv}
	index := map[string]int{}
	add := func(rule policy.Rule) int {
		if i, ok := index[rule.ID]; ok {
			return i
		}
		index[rule.ID] = len(ran.Tool.Driver.Rules)
		ran.Tool.Driver.Rules = append(ran.Tool.Driver.Rules, describe(rule))
		return index[rule.ID]
	}
	for _, rule := range rules {
		add(rule)
	}
	b := r.Baseline
	state := func(known bool) string {
		switch {
		case b == nil:
			return ""
		case known:
			return "unchanged"
		}
		return "new"
	}
	for _, f := range r.Findings {
		res := resultOf(f, add)
		res.BaselineState = state(false)
		ran.Results = append(ran.Results, res)
	}
	for i, f := range r.Exempted {
		res := resultOf(f, add)
		res.BaselineState = state(b != nil && b.KnownExempted[i])
		ran.Results = append(ran.Results, res)
	}
	if b != nil {
		for _, f := range b.Known {
			res := resultOf(f, add)
			res.BaselineState = state(true)
			res.Suppressions = []suppression{{Kind: "external", Status: "accepted", Justification: "known: in the baseline " + b.File}}
			ran.Results = append(ran.Results, res)
		}
	}
	return &log{Schema: schemaURI, Version: "2.1.0", Runs: []run{ran}}
}

func describe(r policy.Rule) descriptor {
	d := descriptor{
		ID:   r.ID,
		Name: name(r.ID),
		DefaultConfiguration: &configuration{
			Level: Level(r.Severity),
		},
		Properties: &ruleProperties{
			Severity: string(r.Severity),
			Profile:  string(r.Profile),
			Source:   r.Source,
			Tags:     []string{"kubernetes", "production-readiness"},
		},
	}
	if r.Title != "" {
		d.ShortDescription = &text{Text: r.Title}
	}
	if r.Description != "" {
		d.FullDescription = &text{Text: r.Description}
	}
	// A team rule has no page on the project's site.
	if r.Source == "" || r.Source == policy.BuiltinSource {
		d.HelpURI = docsURI + r.ID + ".md"
	}
	if r.Remediation != "" || d.HelpURI != "" {
		d.Help = help(r, d.HelpURI)
	}
	return d
}

// name is the rule ID in the PascalCase SARIF suggests for reportingDescriptor.name.
func name(id string) string {
	var b strings.Builder
	for part := range strings.SplitSeq(id, "-") {
		if part != "" {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String()
}

func help(r policy.Rule, uri string) *message {
	var txt, md []string
	if r.Description != "" {
		txt = append(txt, r.Description)
		md = append(md, r.Description)
	}
	if r.Remediation != "" {
		txt = append(txt, "Fix: "+r.Remediation)
		md = append(md, "**Fix:** "+r.Remediation)
	}
	if uri != "" {
		txt = append(txt, "Details: "+uri)
		md = append(md, fmt.Sprintf("[%s](%s)", r.ID, uri))
	}
	return &message{Text: strings.Join(txt, "\n\n"), Markdown: strings.Join(md, "\n\n")}
}

func resultOf(f engine.Finding, ruleIndex func(policy.Rule) int) result {
	i := ruleIndex(policy.Rule{ID: f.Rule, Severity: f.Severity, Remediation: f.Remediation})
	msg := f.Message
	if f.Remediation != "" {
		msg += "\nFix: " + f.Remediation
	}
	res := result{
		RuleID:              f.Rule,
		RuleIndex:           i,
		Level:               Level(f.Severity),
		Message:             message{Text: msg},
		Locations:           []location{locate(f)},
		PartialFingerprints: map[string]string{FingerprintKey: fingerprint(f)},
		Properties:          &resultProperties{Severity: string(f.Severity), Container: f.Container, Field: f.Field},
	}
	if x := f.Exemption; f.Exempted && x != nil {
		res.Suppressions = []suppression{suppress(*x)}
	}
	return res
}

func locate(f engine.Finding) location {
	obj := f.Object.String()
	loc := location{
		PhysicalLocation: &physicalLocation{ArtifactLocation: artifactLocation{URI: URI(f.File)}},
		LogicalLocations: []logicalLocation{{
			Name:               f.Object.Name,
			FullyQualifiedName: obj,
			Kind:               "resource",
		}},
	}
	if f.Line > 0 {
		loc.PhysicalLocation.Region = &region{StartLine: f.Line}
	}
	if f.Container != "" {
		loc.LogicalLocations = append(loc.LogicalLocations, logicalLocation{
			Name:               f.Container,
			FullyQualifiedName: obj + "/" + f.Container,
			Kind:               "member",
		})
	}
	return loc
}

// URI is a file's artifact location: a relative reference with forward
// slashes, a file: URI for an absolute path, "-" for standard input.
func URI(file string) string {
	if file == manifest.StdinName || file == "-" {
		return "-"
	}
	p := filepath.ToSlash(file)
	if filepath.IsAbs(file) {
		if !strings.HasPrefix(p, "/") {
			p = "/" + p // a Windows drive: file:///C:/...
		}
		return (&url.URL{Scheme: "file", Path: p}).String()
	}
	return (&url.URL{Path: p}).String()
}

func fingerprint(f engine.Finding) string {
	sum := sha256.Sum256([]byte(strings.Join([]string{f.Rule, f.Object.Kind, f.Object.Namespace, f.Object.Name, f.Container}, "\x00")))
	return hex.EncodeToString(sum[:16])
}

// suppress describes an exemption: in the object's annotations it is in
// source, in the configuration external.
func suppress(x engine.Exemption) suppression {
	s := suppression{Kind: "external", Status: "accepted", Justification: x.Reason}
	if x.Source == engine.SourceAnnotation {
		s.Kind = "inSource"
	}
	if x.Until != "" {
		s.Properties = &suppressionProperties{Until: x.Until}
	}
	return s
}

func invoke(errs []report.InputError) invocation {
	inv := invocation{ExecutionSuccessful: len(errs) == 0}
	for _, e := range errs {
		n := notification{Level: "error", Message: message{Text: e.Message}}
		if e.File != "" {
			loc := location{PhysicalLocation: &physicalLocation{ArtifactLocation: artifactLocation{URI: URI(e.File)}}}
			if e.Line > 0 {
				loc.PhysicalLocation.Region = &region{StartLine: e.Line}
			}
			n.Locations = []location{loc}
		}
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, n)
	}
	return inv
}

// warningDescriptors describe the warnings' codes, for driver.notifications.
var warningDescriptors = map[string]descriptor{
	engine.WarningDuplicateObject: {
		ID:               engine.WarningDuplicateObject,
		Name:             name(engine.WarningDuplicateObject),
		ShortDescription: &text{Text: "An object defined more than once"},
		FullDescription: &text{Text: "Two or more objects of the input have one kind, namespace and name: the API server holds one object, " +
			"and applying them all keeps the one applied last. Each was checked, and the cross-object rules saw them all."},
		DefaultConfiguration: &configuration{Level: "warning"},
	},
}

// warn is a warning's notification, its code described in drv.Notifications.
func warn(w engine.Warning, drv *driver) notification {
	ref := &descriptorReference{ID: w.Code, Index: -1}
	for i, d := range drv.Notifications {
		if d.ID == w.Code {
			ref.Index = i
		}
	}
	if ref.Index < 0 {
		d, ok := warningDescriptors[w.Code]
		if !ok {
			d = descriptor{ID: w.Code, Name: name(w.Code)}
		}
		ref.Index = len(drv.Notifications)
		drv.Notifications = append(drv.Notifications, d)
	}
	n := notification{Level: "warning", Message: message{Text: w.Message}, Descriptor: ref}
	obj := w.Object.String()
	seen := map[string]bool{}
	for _, p := range w.Places {
		loc := location{
			PhysicalLocation: &physicalLocation{ArtifactLocation: artifactLocation{URI: URI(p.File)}},
			LogicalLocations: []logicalLocation{{Name: w.Object.Name, FullyQualifiedName: obj, Kind: "resource"}},
		}
		if p.Line > 0 {
			loc.PhysicalLocation.Region = &region{StartLine: p.Line}
		}
		// SARIF wants a notification's locations distinct.
		if key := fmt.Sprintf("%s:%d", URI(p.File), p.Line); !seen[key] {
			seen[key] = true
			n.Locations = append(n.Locations, loc)
		}
	}
	return n
}
