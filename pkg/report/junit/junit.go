// Package junit writes a report as JUnit XML, the test report every CI
// system shows: one test suite per file, one test case per object and rule.
//
// A test case fails when one of its findings is at or above the report's
// threshold (--fail-on), as the exit code does; findings below it leave the
// case passing and are listed in its system-out, so that the CI's count of
// failures is the count of what fails the build. A case whose findings are
// all exempted is skipped, with the exemption's reason, and so is one
// whose findings a baseline knows (check --baseline). Input errors are
// test cases with an error, in the suite of their file. A warning about the
// input (an object defined twice) is a passing test case named by its code
// and object ("duplicate-object Deployment/shop/api"), in the suite of the
// first place it names, with the warning in its system-err: CI systems
// show it, and it fails nothing, as it changes no exit code.
//
// Given the objects read and the rules that ran, every rule that applies to
// an object's kind is a test case, passing when it found nothing; without
// them, only the object and rule pairs with findings are.
package junit

import (
	"cmp"
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/prodready/prodready/pkg/engine"
	"github.com/prodready/prodready/pkg/manifest"
	"github.com/prodready/prodready/pkg/policy"
	"github.com/prodready/prodready/pkg/report"
)

// Options add the passing test cases.
type Options struct {
	Objects []*manifest.Object
	Rules   []policy.Rule
}

// Suites is the document: <testsuites>.
type Suites struct {
	XMLName  xml.Name `xml:"testsuites"`
	Name     string   `xml:"name,attr"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Errors   int      `xml:"errors,attr"`
	Skipped  int      `xml:"skipped,attr"`
	Suites   []Suite  `xml:"testsuite"`
}

// Suite is one file's test cases.
type Suite struct {
	Name     string `xml:"name,attr"`
	Tests    int    `xml:"tests,attr"`
	Failures int    `xml:"failures,attr"`
	Errors   int    `xml:"errors,attr"`
	Skipped  int    `xml:"skipped,attr"`
	Cases    []Case `xml:"testcase"`
}

// Case is one rule on one object, or one input error.
type Case struct {
	Name      string   `xml:"name,attr"`
	Classname string   `xml:"classname,attr"`
	File      string   `xml:"file,attr,omitempty"`
	Line      int      `xml:"line,attr,omitempty"`
	Failure   *Problem `xml:"failure"`
	Error     *Problem `xml:"error"`
	Skipped   *Skip    `xml:"skipped"`
	SystemOut string   `xml:"system-out,omitempty"`
	SystemErr string   `xml:"system-err,omitempty"`
}

// Problem is a failure or an error: a message, a type, and the details.
type Problem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Body    string `xml:",chardata"`
}

// Skip says why a case is skipped.
type Skip struct {
	Message string `xml:"message,attr"`
}

// noFile is the suite of the errors that belong to no file.
const noFile = "prodready"

// Write writes r as JUnit XML.
func Write(w io.Writer, r *report.Report, opts Options) error {
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(Build(r, opts)); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// key is one test case: a rule on an object.
type key struct {
	file string
	obj  engine.ObjectRef
	rule string
}

type pair struct {
	line     int
	failing  []engine.Finding
	below    []engine.Finding
	exempted []engine.Finding
	known    []engine.Finding
}

// Build is the document Write writes.
func Build(r *report.Report, opts Options) *Suites {
	pairs := map[key]*pair{}
	at := func(k key, line int) *pair {
		p, ok := pairs[k]
		if !ok {
			p = &pair{line: line}
			pairs[k] = p
		}
		return p
	}
	if len(opts.Rules) > 0 {
		for _, o := range opts.Objects {
			ref := engine.ObjectRef{APIVersion: o.APIVersion, Kind: o.Kind, Namespace: o.Namespace, Name: o.Name}
			for _, rule := range opts.Rules {
				if slices.Contains(rule.Kinds, o.Kind) {
					at(key{o.File, ref, rule.ID}, o.Line)
				}
			}
		}
	}
	for _, f := range r.Findings {
		p := at(key{f.File, f.Object, f.Rule}, cmp.Or(f.ObjectLine, f.Line))
		if f.Severity.AtLeast(r.Summary.FailOn) {
			p.failing = append(p.failing, f)
		} else {
			p.below = append(p.below, f)
		}
	}
	for _, f := range r.Exempted {
		p := at(key{f.File, f.Object, f.Rule}, cmp.Or(f.ObjectLine, f.Line))
		p.exempted = append(p.exempted, f)
	}
	baseline := ""
	if r.Baseline != nil {
		baseline = r.Baseline.File
		for _, f := range r.Baseline.Known {
			p := at(key{f.File, f.Object, f.Rule}, cmp.Or(f.ObjectLine, f.Line))
			p.known = append(p.known, f)
		}
	}

	suites := map[string]*Suite{}
	suite := func(file string) *Suite {
		s, ok := suites[file]
		if !ok {
			s = &Suite{Name: file}
			suites[file] = s
		}
		return s
	}
	keys := make([]key, 0, len(pairs))
	for k := range pairs {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b key) int {
		return cmp.Or(cmp.Compare(a.file, b.file), cmp.Compare(pairs[a].line, pairs[b].line),
			cmp.Compare(a.obj.String(), b.obj.String()), cmp.Compare(a.obj.APIVersion, b.obj.APIVersion), cmp.Compare(a.rule, b.rule))
	})
	for _, k := range keys {
		s := suite(k.file)
		s.Cases = append(s.Cases, testCase(k, pairs[k], baseline))
	}
	for _, e := range r.Errors {
		file := cmp.Or(e.File, noFile)
		s := suite(file)
		name := "input error"
		if e.Document > 0 {
			name = fmt.Sprintf("input error: document %d", e.Document)
		}
		s.Cases = append(s.Cases, Case{Name: name, Classname: file, File: e.File, Line: e.Line,
			Error: &Problem{Message: e.Message, Type: "input", Body: e.Message}})
	}
	for _, w := range r.Warnings {
		c := Case{Name: w.Code + " " + w.Object.String(), Classname: noFile, SystemErr: "warning: " + w.Message}
		if len(w.Places) > 0 {
			c.Classname, c.File, c.Line = w.Places[0].File, w.Places[0].File, w.Places[0].Line
		}
		s := suite(c.Classname)
		s.Cases = append(s.Cases, c)
	}

	doc := &Suites{Name: "prodready"}
	names := make([]string, 0, len(suites))
	for n := range suites {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		s := suites[n]
		for _, c := range s.Cases {
			s.Tests++
			switch {
			case c.Failure != nil:
				s.Failures++
			case c.Error != nil:
				s.Errors++
			case c.Skipped != nil:
				s.Skipped++
			}
		}
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Errors += s.Errors
		doc.Skipped += s.Skipped
		doc.Suites = append(doc.Suites, *s)
	}
	return doc
}

func testCase(k key, p *pair, baseline string) Case {
	c := Case{Name: k.rule + " " + k.obj.String(), Classname: k.file, File: k.file, Line: p.line}
	var out []string
	switch {
	case len(p.failing) > 0:
		c.Failure = &Problem{Message: p.failing[0].Message, Type: string(highest(p.failing)), Body: details(p.failing)}
		if n := len(p.failing); n > 1 {
			c.Failure.Message = fmt.Sprintf("%d findings; first: %s", n, p.failing[0].Message)
		}
	case len(p.below) == 0 && len(p.known) > 0:
		c.Skipped = &Skip{Message: "known: in the baseline " + baseline}
	case len(p.below) == 0 && len(p.exempted) > 0:
		c.Skipped = &Skip{Message: "exempted: " + reasons(p.exempted)}
	}
	if len(p.known) > 0 {
		out = append(out, "Known (in the baseline "+baseline+"):\n"+details(p.known))
	}
	if len(p.below) > 0 {
		out = append(out, "Below the failure threshold:\n"+details(p.below))
	}
	if len(p.exempted) > 0 && c.Skipped == nil {
		out = append(out, "Exempted ("+reasons(p.exempted)+"):\n"+details(p.exempted))
	}
	c.SystemOut = strings.Join(out, "\n")
	return c
}

func highest(fs []engine.Finding) policy.Severity {
	top := fs[0].Severity
	for _, f := range fs[1:] {
		if f.Severity.AtLeast(top) {
			top = f.Severity
		}
	}
	return top
}

// details are the findings one per paragraph: where, what, and the fix.
func details(fs []engine.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "%s:%d [%s]", f.File, f.Line, f.Severity)
		if f.Container != "" {
			fmt.Fprintf(&b, " container %s", f.Container)
		}
		fmt.Fprintf(&b, ": %s\n", f.Message)
		if f.Remediation != "" {
			fmt.Fprintf(&b, "Fix: %s\n", f.Remediation)
		}
	}
	return b.String()
}

func reasons(fs []engine.Finding) string {
	var rs []string
	for _, f := range fs {
		r := "no reason given"
		if x := f.Exemption; x != nil && x.Reason != "" {
			r = x.Reason
		}
		if !slices.Contains(rs, r) {
			rs = append(rs, r)
		}
	}
	return strings.Join(rs, "; ")
}
