// Package reporttest builds the report the output formats' tests render: two
// files and standard input, a failing finding, one below the threshold,
// exempted ones (by annotation and by configuration), a message with the
// characters every format must escape, input errors, and a warning: an
// object defined twice.
package reporttest

import (
	"errors"

	"github.com/prodready/prodready/pkg/engine"
	"github.com/prodready/prodready/pkg/manifest"
	"github.com/prodready/prodready/pkg/policy"
	"github.com/prodready/prodready/pkg/report"
)

// Tricky is the message of the finding read from standard input.
const Tricky = "50% of \"pods\" <fail> & a,b:c\nsecond line\r"

// Rules are the rules that ran.
func Rules() []policy.Rule {
	return []policy.Rule{
		{ID: "memory-limit-no-headroom", Title: "Memory limit without headroom", Description: "A memory limit equal to the request OOMKills.", Severity: policy.Medium, Profile: policy.Baseline, Remediation: "Set the limit 1.25x the request.", Kinds: []string{"Deployment"}, Source: policy.BuiltinSource},
		{ID: "readiness-probe-missing", Title: "Readiness probe missing", Description: "Traffic reaches pods that are not ready.", Severity: policy.High, Profile: policy.Baseline, Remediation: "Add a readinessProbe.", Kinds: []string{"Deployment"}, Source: policy.BuiltinSource},
		{ID: "team-label-missing", Title: "Team label missing", Severity: policy.Low, Profile: policy.Baseline, Remediation: "Add the team label.", Kinds: []string{"Deployment", "Service"}, Source: "team/policy"},
	}
}

// Objects are the objects read.
func Objects() []*manifest.Object {
	return []*manifest.Object{
		{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "shop", Name: "checkout-api", File: "deploy/shop.yaml", Doc: 1, Line: 2},
		{APIVersion: "v1", Kind: "Service", Namespace: "shop", Name: "checkout-api", File: "deploy/shop.yaml", Doc: 2, Line: 40},
		{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "batch", Name: "worker", File: "deploy/worker.yaml", Doc: 1, Line: 1},
		{APIVersion: "apps/v1", Kind: "Deployment", Name: "web", File: manifest.StdinName, Doc: 1, Line: 3},
	}
}

func finding(rule string, sev policy.Severity, obj *manifest.Object, container string, line int, msg string) engine.Finding {
	fix := map[string]string{}
	for _, r := range Rules() {
		fix[r.ID] = r.Remediation
	}
	return engine.Finding{
		Rule: rule, Severity: sev, Enforcement: sev.Enforcement(), Message: msg, Remediation: fix[rule],
		Object:    engine.ObjectRef{APIVersion: obj.APIVersion, Kind: obj.Kind, Namespace: obj.Namespace, Name: obj.Name},
		Container: container, Field: "spec.template.spec.containers[" + container + "]", File: obj.File, Line: line, ObjectLine: obj.Line,
	}
}

// Report is the report of a check failing on high, with Rules and Objects.
func Report() *report.Report {
	objs := Objects()
	shop, worker, web := objs[0], objs[2], objs[3]
	annotated := finding("memory-limit-no-headroom", policy.Medium, worker, "run", 9, "container \"run\" memory limit equals its request")
	annotated.Exempted = true
	annotated.Exemption = &engine.Exemption{Source: engine.SourceAnnotation, Reason: "batch job, restarts are fine", Until: "2027-01-31"}
	configured := finding("readiness-probe-missing", policy.High, worker, "run", 7, "container \"run\" has no readinessProbe")
	configured.Exempted = true
	configured.Exemption = &engine.Exemption{Source: engine.SourceConfig, Reason: "not serving traffic", Line: 12}
	res := &engine.Results{
		Findings: []engine.Finding{
			finding("memory-limit-no-headroom", policy.Medium, shop, "api", 18, "container \"api\" memory limit 512Mi is 1.0x its request 512Mi"),
			finding("readiness-probe-missing", policy.High, shop, "api", 12, "container \"api\" has no readinessProbe"),
			finding("readiness-probe-missing", policy.High, shop, "sidecar", 25, "container \"sidecar\" has no readinessProbe"),
			finding("readiness-probe-missing", policy.High, web, "web", 9, Tricky),
		},
		Exempted: []engine.Finding{annotated, configured},
		Warnings: Warnings(),
	}
	loaded := &manifest.Result{
		Objects: objs,
		Errors:  []*manifest.Error{{File: "deploy/broken.yaml", Doc: 2, Line: 14, Err: errors.New("yaml: did not find expected key")}},
		Skipped: []manifest.Skipped{{File: "deploy/values.yaml", Doc: 1, Reason: "not a Kubernetes object"}},
	}
	return report.New(loaded, res, errors.New("rule team-label-missing timed out"), policy.High)
}

// Warnings are the report's warnings: Deployment shop/checkout-api is
// written twice in deploy/shop.yaml, the second time under an older API
// version.
func Warnings() []engine.Warning {
	return []engine.Warning{{
		Code: engine.WarningDuplicateObject,
		Message: "Deployment shop/checkout-api is defined twice, at deploy/shop.yaml:2 (document 1, apps/v1) and deploy/shop.yaml:60 (document 3, extensions/v1beta1): " +
			"they are one object to the API server, so applying both keeps only the one applied last; both were checked",
		Object: engine.ObjectRef{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "shop", Name: "checkout-api"},
		Places: []engine.Place{
			{File: "deploy/shop.yaml", Document: 1, Line: 2, APIVersion: "apps/v1"},
			{File: "deploy/shop.yaml", Document: 3, Line: 60, APIVersion: "extensions/v1beta1"},
		},
	}}
}

// Results are an engine's Results of findings (exempted ones set apart, in
// their order) and warnings.
func Results(findings []engine.Finding, warnings []engine.Warning) *engine.Results {
	res := &engine.Results{Findings: []engine.Finding{}, Exempted: []engine.Finding{}, Warnings: warnings}
	for _, f := range findings {
		if f.Exempted {
			res.Exempted = append(res.Exempted, f)
		} else {
			res.Findings = append(res.Findings, f)
		}
	}
	return res
}
