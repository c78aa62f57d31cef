package main

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/prodready/prodready/pkg/manifest"
	"github.com/prodready/prodready/pkg/policy"
	"github.com/prodready/prodready/pkg/report"
	"github.com/prodready/prodready/pkg/report/github"
	"github.com/prodready/prodready/pkg/report/jsonreport"
	"github.com/prodready/prodready/pkg/report/junit"
	"github.com/prodready/prodready/pkg/report/sarif"
	"github.com/prodready/prodready/pkg/report/text"
)

// outputFormats are check's --output values; each is a package under pkg/report.
var outputFormats = []string{"text", "json", "sarif", "junit", "github"}

const outputHelp = "output format: text, json, sarif (SARIF 2.1.0, for code scanning), junit (JUnit XML, for CI test reports) or github (GitHub Actions annotations)"

func checkOutputFormat(format string) error {
	if !slices.Contains(outputFormats, format) {
		return fmt.Errorf("--output: unknown format %q (want %s)", format, strings.Join(outputFormats, ", "))
	}
	return nil
}

// rendering is what a check hands its output format: the report, and the
// rules that ran and the objects read, which SARIF and JUnit describe too.
type rendering struct {
	report  *report.Report
	rules   []policy.Rule
	objects []*manifest.Object
	text    text.Options
}

func (r rendering) write(w io.Writer, format string) error {
	switch format {
	case "json":
		return jsonreport.Write(w, r.report)
	case "sarif":
		return sarif.Write(w, r.report, r.rules)
	case "junit":
		return junit.Write(w, r.report, junit.Options{Objects: r.objects, Rules: r.rules})
	case "github":
		return github.Write(w, r.report, github.Options{ShowExempted: r.text.ShowExempted})
	}
	return text.Write(w, r.report, r.text)
}
