# METADATA
# title: RBAC rule with a wildcard verb or resource
# description: >-
#   A rule of a Role or ClusterRole has "*" in verbs or in resources. A
#   wildcard grants more than anyone reviewed: "*" verbs include delete,
#   deletecollection, escalate, bind and impersonate; "*" resources include
#   Secrets, RBAC objects, webhooks, and every custom resource and verb
#   installed later, including those of operators added next year. A
#   ServiceAccount meant to restart deployments ends up able to delete
#   them, or read every Secret, and the holder of its token can do the
#   same. Wildcards also hide what a role is for, so no review catches the
#   day it becomes dangerous. A wildcard is this rule's finding only:
#   rbac-escalation and rbac-secrets-read count the verbs and resources a
#   rule names explicitly, so a "*" verbs rule on secrets is reported once,
#   here. One finding per role names every rule of it with a wildcard.
#   Aggregated ClusterRoles (aggregationRule, no rules of their own) have
#   nothing to check here.
# custom:
#   id: rbac-wildcard
#   severity: high
#   profile: baseline
#   kinds: [ClusterRole, Role]
#   version: 1.1.0
#   remediation: >-
#     List the verbs (get, list, watch, create, update, patch, delete) and
#     the resources the subject actually uses, one rule per API group; find
#     them in the API server's audit log, or with a tool such as audit2rbac.
#     Keep "*" for cluster-admin, which Kubernetes ships.
package prodready.rules.rbac_wildcard

import data.lib.prodready.rbac
import data.lib.prodready.review
import data.lib.prodready.text

findings contains {"msg": msg} if {
	count(wild) > 0
	causes := [cause(k, [item | some [i, rule] in wild; key(rule) == k; item := sprintf("rules[%d] (%s)", [i, rbac.describe(rule)])]) | some k in keys]
	msg := sprintf("%s%s; list only the verbs and resources it needs, or, for a controller that truly needs them all (a GitOps deployer, a backup tool), keep it and exempt it (prodready.dev/exempt: rbac-wildcard) with a reason", [concat("; ", causes), scope_text])
}

# wild are the rules with a wildcard, as [index, rule], in order.
wild := [[i, rule] | some i, rule in rbac.rules; count(wildcards(rule)) > 0]

# wildcards(rule) are the fields of rule that hold "*": verbs, resources or both.
wildcards(rule) := [f | some f in ["verbs", "resources"]; "*" in rbac.field(rule, f)]

# key(rule) is what the wildcards of rule do: rules that do the same are
# named together in the message.
key(rule) := [wildcards(rule), grants(rule)]

# keys are the distinct keys of the wild rules, in the order they first come.
keys := [k |
	some j, [_, rule] in wild
	k := key(rule)
	not k in [key(earlier) | some [_, earlier] in array.slice(wild, 0, j)]
]

cause([fields, grant], [item]) := sprintf("%s has \"*\" in %s: it grants %s", [item, concat(" and ", fields), grant])

cause([fields, grant], items) := sprintf("%s have \"*\" in %s: they grant %s", [text.and_list(items), concat(" and ", fields), grant]) if count(items) > 1

# grants(rule) says what the wildcards of rule grant.
grants(rule) := "every HTTP verb on these URLs of the API server" if {
	not resource_rule(rule)
} else := "every verb on these resources, delete, deletecollection and any verb added later included" if {
	wildcards(rule) == ["verbs"]
} else := sprintf("these verbs on every resource of %s, including resources installed later", [groups(rule)]) if {
	wildcards(rule) == ["resources"]
} else := sprintf("every verb on every resource of %s", [groups(rule)])

groups(rule) := "every API group, as cluster-admin does" if {
	"*" in rbac.field(rule, "apiGroups")
	wildcards(rule) == ["verbs", "resources"]
} else := "every API group" if {
	"*" in rbac.field(rule, "apiGroups")
} else := "the API group listed" if {
	count(rbac.field(rule, "apiGroups")) == 1
} else := "the API groups listed"

resource_rule(rule) if count(rbac.field(rule, "resources")) > 0

# scope_text says where the role's holders get these permissions; left out
# when only nonResourceURLs rules have a wildcard (URLs are not namespaced).
scope_text := sprintf("; holders of this %s get these permissions %s", [review.kind, rbac.scope]) if {
	some rule in rbac.rules
	count(wildcards(rule)) > 0
	resource_rule(rule)
} else := ""
