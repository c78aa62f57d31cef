# METADATA
# title: RBAC rule grants escalate, bind or impersonate
# description: |
#   A rule of a Role or ClusterRole grants escalate or bind on roles or
#   clusterroles (apiGroup rbac.authorization.k8s.io), or impersonate on
#   users, groups, serviceaccounts (core group), uids or userextras
#   (authentication.k8s.io); "*" in verbs, resources or apiGroups counts,
#   as Kubernetes applies it. These verbs are RBAC's own escape hatches:
#   escalate lets the holder write a role with permissions it does not
#   have, bind lets it bind a role it does not hold (to itself), and
#   impersonate lets it act as any user, group or ServiceAccount, with
#   their permissions. Whoever gets the token of a subject with one of them
#   (a compromised CI job, operator or pod) can make itself cluster-admin
#   in one request. resourceNames narrow the grant but do not remove it, so
#   they are reported too: review them.
# custom:
#   id: rbac-escalation
#   severity: high
#   profile: baseline
#   kinds: [ClusterRole, Role]
#   version: 1.0.0
#   remediation: |
#     Remove escalate, bind and impersonate, and any "*" verb on roles,
#     clusterroles, users, groups or serviceaccounts. Grant the subject the
#     permissions themselves instead of the power to grant them; where a
#     controller must create RoleBindings, limit bind to the roles it hands
#     out with resourceNames and exempt that role with
#     prodready.dev/exempt: rbac-escalation and a reason.
package prodready.rules.rbac_escalation

import data.lib.prodready.rbac

findings contains {"msg": msg} if {
	some i, rule in rbac.rules
	granted := [verb | some verb in ["escalate", "bind", "impersonate"]; grants(rule, verb)]
	count(granted) > 0
	msg := sprintf("rules[%d] grants %s (%s) %s: %s; grant the permissions themselves, not the power to grant them", [i, concat(", ", granted), rbac.describe(rule), rbac.scope, concat(", and ", [effect[verb] | some verb in granted])])
}

effect := {
	"escalate": "escalate lets its holder write roles with permissions it does not have",
	"bind": "bind lets it bind roles it does not hold, to itself",
	"impersonate": "impersonate lets it act as other users, groups or ServiceAccounts",
}

# grants(rule, verb) is true when the rule allows verb on a resource the verb acts on.
grants(rule, verb) if {
	verb in {"escalate", "bind"}
	rbac.grants_verb(rule, verb)
	rbac.covers_group(rule, "rbac.authorization.k8s.io")
	some resource in ["roles", "clusterroles"]
	rbac.covers_resource(rule, resource)
}

grants(rule, "impersonate") if {
	rbac.grants_verb(rule, "impersonate")
	some [group, resource] in [
		["", "users"],
		["", "groups"],
		["", "serviceaccounts"],
		["authentication.k8s.io", "uids"],
		["authentication.k8s.io", "userextras"],
	]
	rbac.covers_group(rule, group)
	rbac.covers_resource(rule, resource)
}
