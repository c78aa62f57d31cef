package config

import (
	"fmt"
	"slices"
	"strings"

	"github.com/prodready/prodready/pkg/policy"
)

// SchemaDialect is the JSON Schema draft Schema is written in.
const SchemaDialect = "https://json-schema.org/draft/2020-12/schema"

// Schema is the JSON Schema of a configuration file for the rules of set,
// as a JSON value. Closed (open false), it is what Parse checks a file
// against: a rule ID set does not declare is an error. Open, it is the
// published docs/config.schema.json, for editors: it accepts other rule
// IDs too, since a team's own rules are not in it.
//
// The title of a schema is the noun Parse's messages use for it ("a date
// (YYYY-MM-DD)"), so keep titles short and in that form.
func Schema(set *policy.Set, open bool) map[string]any {
	ids := make([]any, 0, len(set.Rules)+1)
	rules := map[string]any{}
	for _, r := range set.Rules {
		ids = append(ids, r.ID)
		rules[r.ID] = ruleSchema(r)
	}
	ruleID := map[string]any{"type": "string", "title": "a known rule ID", "enum": ids}
	exempted := map[string]any{"type": "string", "title": "a known rule ID or *", "enum": append(slices.Clone(ids), "*")}
	rulesSchema := map[string]any{
		"type":        "object",
		"description": "Rules tuned by ID: enabled, severity and parameters. A rule not listed keeps what its METADATA and the profile say.",
		"properties":  rules,
	}
	if open {
		// Any string, while still offering the known IDs to complete.
		ruleID = map[string]any{"type": "string", "examples": ruleID["enum"]}
		exempted = map[string]any{"type": "string", "examples": exempted["enum"]}
		rulesSchema["additionalProperties"] = map[string]any{
			"type":                 "object",
			"description":          "A team's own rule (loaded with --policy).",
			"additionalProperties": false,
			"properties": map[string]any{
				"enabled":    enabledSchema,
				"severity":   map[string]any{"$ref": "#/$defs/severity"},
				"admission":  map[string]any{"$ref": "#/$defs/admission"},
				"parameters": map[string]any{"type": "object", "description": "Values for the parameters the rule's METADATA declares."},
			},
		}
	} else {
		rulesSchema["propertyNames"] = map[string]any{"$ref": "#/$defs/ruleID"}
		rulesSchema["additionalProperties"] = false
	}
	return map[string]any{
		"$schema":              SchemaDialect,
		"title":                "prodready configuration (" + FileName + ")",
		"description":          "Tunes prodready's rules for a team: the profile, per rule enabled, severity and parameters, and exemptions, each with a reason. The SDK, the CLI and the OPA, Gatekeeper and Conftest bundles honour it alike.",
		"type":                 "object",
		"additionalProperties": false,
		"properties": map[string]any{
			"profile": map[string]any{
				"type":        "string",
				"description": "The rules to run: baseline, or strict for baseline plus the noisier rules. A command's --profile takes precedence.",
				"enum":        []any{string(policy.Baseline), string(policy.Strict)},
			},
			"rules": rulesSchema,
			"exemptions": map[string]any{
				"type":        "array",
				"description": "Objects opted out of rules. An object matches an exemption when every field set matches it.",
				"items":       map[string]any{"$ref": "#/$defs/exemption"},
			},
		},
		"$defs": map[string]any{
			"ruleID":        ruleID,
			"exemptedRule":  exempted,
			"severity":      severitySchema,
			"admission":     admissionSchema,
			"exemption":     exemptionSchema,
			"labelSelector": labelSelectorSchema,
		},
	}
}

var enabledSchema = map[string]any{
	"type":        "boolean",
	"description": "false turns the rule off; true turns it on under a profile that leaves it out (a strict rule under baseline).",
}

var severitySchema = map[string]any{
	"type":        "string",
	"description": "The rule's severity, and so its enforcement everywhere: critical and high deny, medium and low warn.",
	"enum":        []any{string(policy.Critical), string(policy.High), string(policy.Medium), string(policy.Low)},
}

var admissionSchema = map[string]any{
	"type":        "string",
	"description": "What Gatekeeper's admission webhook does with the rule's violations: deny, warn or dryrun (Gatekeeper 3.17 or later; audit and gator keep the severity's action). Default: warn for a rule that reads other objects, which the webhook's cache may not hold yet when an application is applied, else the severity's.",
	"enum":        []any{AdmissionDeny, AdmissionWarn, AdmissionDryRun},
}

// globPattern admits what Kubernetes names are made of, plus * and ?:
// nothing else would ever match, and no other character is special to
// the glob matching of any target.
const globPattern = `^[a-z0-9.*?-]+$`

var exemptionSchema = map[string]any{
	"type":                 "object",
	"description":          "Opts the objects it matches out of rules. Without namespace, name and selector it matches every object.",
	"additionalProperties": false,
	"required":             []any{"rules", "reason"},
	"properties": map[string]any{
		"rules": map[string]any{
			"type":        "array",
			"description": "The rule IDs exempted, or * for every rule.",
			"minItems":    1,
			"items":       map[string]any{"$ref": "#/$defs/exemptedRule"},
		},
		"namespace": map[string]any{
			"type":        "string",
			"title":       "a glob of lower-case letters, digits, '-', '.', '*' and '?'",
			"description": "The object's namespace, a glob: * is any run of characters, ? one character.",
			"pattern":     globPattern,
		},
		"name": map[string]any{
			"type":        "string",
			"title":       "a glob of lower-case letters, digits, '-', '.', '*' and '?'",
			"description": "The object's name, a glob: * is any run of characters, ? one character.",
			"pattern":     globPattern,
		},
		"selector": map[string]any{"$ref": "#/$defs/labelSelector"},
		"reason": map[string]any{
			"type":        "string",
			"title":       "a reason (it may not be blank)",
			"description": "Why the exception is needed: required, and shown with every exempted finding.",
			"pattern":     `\S`,
		},
		"expires": map[string]any{
			"type":        "string",
			"title":       "a date (YYYY-MM-DD)",
			"description": "The last day (UTC) the exemption applies; after it the findings fail again and say the exemption expired.",
			"format":      "date",
			"pattern":     `^[0-9]{4}-[0-9]{2}-[0-9]{2}$`,
		},
	},
}

var labelSelectorSchema = map[string]any{
	"type":                 "object",
	"description":          "A Kubernetes label selector on the object's labels, as in a PodDisruptionBudget or a Gatekeeper match.",
	"additionalProperties": false,
	"properties": map[string]any{
		"matchLabels": map[string]any{
			"type":                 "object",
			"description":          "Labels the object must have, with these values.",
			"additionalProperties": map[string]any{"type": "string"},
		},
		"matchExpressions": map[string]any{
			"type":        "array",
			"description": "Requirements on the object's labels, all of which must hold.",
			"items": map[string]any{
				"type":                 "object",
				"additionalProperties": false,
				"required":             []any{"key", "operator"},
				"properties": map[string]any{
					"key":      map[string]any{"type": "string"},
					"operator": map[string]any{"type": "string", "enum": []any{"In", "NotIn", "Exists", "DoesNotExist"}},
					"values":   map[string]any{"type": "array", "items": map[string]any{"type": "string"}},
				},
			},
		},
	},
}

// ruleSchema is what rules.<id> may hold for rule r.
func ruleSchema(r policy.Rule) map[string]any {
	props := map[string]any{
		"enabled":   enabledSchema,
		"severity":  map[string]any{"$ref": "#/$defs/severity"},
		"admission": map[string]any{"$ref": "#/$defs/admission"},
	}
	if len(r.Parameters) > 0 {
		params := map[string]any{}
		for _, p := range r.Parameters {
			params[p.Name] = parameterSchema(p)
		}
		props["parameters"] = map[string]any{
			"type":                 "object",
			"description":          "Values in place of the rule's defaults, parameter by parameter.",
			"additionalProperties": false,
			"properties":           params,
		}
	}
	return map[string]any{
		"type":                 "object",
		"description":          fmt.Sprintf("%s (%s, %s profile).", strings.TrimSuffix(r.Title, "."), r.Severity, r.Profile),
		"additionalProperties": false,
		"properties":           props,
	}
}

// parameterSchema is a parameter's METADATA type (and items), default and
// description: the METADATA contract uses JSON Schema's type names.
func parameterSchema(p policy.Parameter) map[string]any {
	s := map[string]any{"type": p.Type, "default": p.Default}
	if p.Description != "" {
		s["description"] = p.Description
	}
	if p.Type == "array" && p.Items != nil {
		s["items"] = p.Items
	}
	return s
}
