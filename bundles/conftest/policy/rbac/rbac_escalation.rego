# METADATA
# title: RBAC rule grants escalate, bind or impersonate
# description: >-
#   A rule of a Role or ClusterRole grants escalate or bind on roles or
#   clusterroles (apiGroup rbac.authorization.k8s.io), or impersonate on
#   users, groups, serviceaccounts (core group), uids or userextras
#   (authentication.k8s.io), naming the verb and the resource explicitly:
#   a "*" in verbs or resources is rbac-wildcard's finding, not this one's
#   (one finding per wildcard), while "*" in apiGroups counts, the verb and
#   the resource being named. These verbs are RBAC's own escape hatches:
#   escalate lets the holder write a role with permissions it does not
#   have, bind lets it bind a role it does not hold (to itself), and
#   impersonate lets it act as any user, group or ServiceAccount, with
#   their permissions. Whoever gets the token of a subject with one of them
#   (a compromised CI job, operator or pod) can make itself cluster-admin
#   in one request. resourceNames narrow the grant but do not remove it, so
#   they are reported too: review them. One finding per role names every
#   rule of it that grants one of these verbs.
# custom:
#   id: rbac-escalation
#   severity: high
#   profile: baseline
#   kinds: [ClusterRole, Role]
#   version: 1.1.0
#   remediation: >-
#     Remove escalate, bind and impersonate. Grant the subject the
#     permissions themselves instead of the power to grant them; where a
#     controller must create RoleBindings, limit bind to the roles it hands
#     out with resourceNames and exempt that role with
#     prodready.dev/exempt: rbac-escalation and a reason.
package prodready.rules.rbac_escalation

import data.lib.prodready.rbac
import data.lib.prodready.review
import data.lib.prodready.text

findings contains {"msg": msg} if {
	causes := [sprintf("rules[%d] grants %s (%s)", [i, text.and_list(granted(rule)), rbac.describe(rule)]) |
		some i, rule in rbac.rules
		count(granted(rule)) > 0
	]
	count(causes) > 0
	verbs := {verb | some rule in rbac.rules; some verb in granted(rule)}
	effects := [effect[verb] | some verb in ["escalate", "bind", "impersonate"]; verb in verbs]
	msg := sprintf("%s %s: %s; grant the permissions themselves, not the power to grant them, or, where a controller needs %s, limit %s with resourceNames to the roles or subjects concerned and exempt this %s (prodready.dev/exempt: rbac-escalation) with a reason", [text.and_list(causes), rbac.scope, concat(", and ", effects), pronoun(verbs), pronoun(verbs), review.kind])
}

pronoun(verbs) := "it" if {
	count(verbs) == 1
} else := "them"

effect := {
	"escalate": "escalate lets its holder write roles with permissions it does not have",
	"bind": "bind lets it bind roles it does not hold, to itself",
	"impersonate": "impersonate lets it act as other users, groups or ServiceAccounts",
}

# granted(rule) are the escalation verbs rule names on a resource they act on.
granted(rule) := [verb | some verb in ["escalate", "bind", "impersonate"]; grants(rule, verb)]

# grants(rule, verb) is true when the rule names verb, and a resource the
# verb acts on, explicitly: a "*" verb or resource is rbac-wildcard's
# finding. "*" apiGroups count (the resource and the verb are named).
grants(rule, verb) if {
	verb in {"escalate", "bind"}
	rbac.lists_verb(rule, verb)
	rbac.covers_group(rule, "rbac.authorization.k8s.io")
	some resource in ["roles", "clusterroles"]
	rbac.lists_resource(rule, resource)
}

grants(rule, "impersonate") if {
	rbac.lists_verb(rule, "impersonate")
	some [group, resource] in [
		["", "users"],
		["", "groups"],
		["", "serviceaccounts"],
		["authentication.k8s.io", "uids"],
		["authentication.k8s.io", "userextras"],
	]
	rbac.covers_group(rule, group)
	rbac.lists_resource(rule, resource)
}
