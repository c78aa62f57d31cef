# METADATA
# title: RBAC rule with a wildcard verb or resource
# description: |
#   A rule of a Role or ClusterRole has "*" in verbs or in resources. A
#   wildcard grants more than anyone reviewed: "*" verbs include delete,
#   deletecollection, escalate, bind and impersonate; "*" resources include
#   Secrets, RBAC objects, webhooks, and every custom resource and verb
#   installed later, including those of operators added next year. A
#   ServiceAccount meant to restart deployments ends up able to delete
#   them, or read every Secret, and the holder of its token can do the
#   same. Wildcards also hide what a role is for, so no review catches the
#   day it becomes dangerous. Aggregated ClusterRoles (aggregationRule, no
#   rules of their own) have nothing to check here.
# custom:
#   id: rbac-wildcard
#   severity: high
#   profile: baseline
#   kinds: [ClusterRole, Role]
#   version: 1.0.0
#   remediation: |
#     List the verbs (get, list, watch, create, update, patch, delete) and
#     the resources the subject actually uses, one rule per API group; find
#     them in the API server's audit log, or with a tool such as audit2rbac.
#     Keep "*" for cluster-admin, which Kubernetes ships.
package prodready.rules.rbac_wildcard

import data.lib.prodready.rbac

findings contains {"msg": msg} if {
	some i, rule in rbac.rules
	fields := [f | some f in ["verbs", "resources"]; "*" in rbac.field(rule, f)]
	count(fields) > 0
	msg := sprintf("rules[%d] has \"*\" in %s (%s): it grants %s %s; list only the verbs and resources it needs", [i, concat(" and ", fields), rbac.describe(rule), grants(fields), rbac.scope])
}

grants(["verbs"]) := "every verb on these resources, delete, deletecollection and any verb added later included,"

grants(["resources"]) := "these verbs on every resource of these API groups, including resources installed later,"

grants(["verbs", "resources"]) := "every verb on every resource of these API groups, as cluster-admin does,"
