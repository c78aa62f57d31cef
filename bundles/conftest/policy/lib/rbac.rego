# METADATA
# title: RBAC roles, bindings and their subjects
# description: >-
#   What the rbac rules share: whether the object under review is a Role or
#   ClusterRole (with its policy rules) or a RoleBinding or
#   ClusterRoleBinding (with its subjects) of the rbac.authorization.k8s.io
#   API; which verbs and resources a policy rule names explicitly
#   ("resource/subresource" naming a subresource; a "*" verb or resource is
#   rbac-wildcard's alone) and which API groups it covers ("*" covers every
#   group); which subjects are ServiceAccounts; and how to describe rules
#   and subjects in a message.
package lib.prodready.rbac

import data.lib.prodready.review

api_group := "rbac.authorization.k8s.io"

# is_role is true when the object under review is a Role or a ClusterRole.
is_role if {
	review.kind in {"Role", "ClusterRole"}
	review.api_group == api_group
}

# is_binding is true when the object under review is a RoleBinding or a ClusterRoleBinding.
is_binding if {
	review.kind in {"RoleBinding", "ClusterRoleBinding"}
	review.api_group == api_group
}

# rules are the policy rules of the Role or ClusterRole under review, by
# index. An aggregated ClusterRole (aggregationRule, no rules) has none:
# the controller fills them in from the ClusterRoles it aggregates, which
# are checked on their own.
rules[i] := rule if {
	is_role
	some i, rule in review.object.rules
	is_object(rule)
}

# subjects are the subjects of the binding under review.
subjects contains subject if {
	is_binding
	some subject in review.object.subjects
	is_object(subject)
}

# in_order(subjects) lists the subjects of the set subjects in the order the
# binding under review names them, each once.
in_order(subjects) := [subject |
	some i, subject in review.object.subjects
	subject in subjects
	not subject in array.slice(review.object.subjects, 0, i)
]

# binds_cluster_role(name) is true when the binding under review grants the ClusterRole name.
binds_cluster_role(name) if {
	is_binding
	review.object.roleRef.kind == "ClusterRole"
	review.object.roleRef.name == name
}

# field(rule, name) is the list rule[name] of a policy rule ([] when unset or null).
field(rule, name) := rule[name] if {
	is_array(rule[name])
} else := []

# covers_group(rule, group) is true when the rule applies to the API group
# group ("" is the core group; "*" covers every group).
covers_group(rule, group) if {
	some g in field(rule, "apiGroups")
	g in {group, "*"}
}

# lists_verb(rule, verb) is true when the rule lists verb itself, not
# through "*": a "*" is rbac-wildcard's finding, not the other rules'.
lists_verb(rule, verb) if verb in field(rule, "verbs")

# lists_resource(rule, resource) is true when the rule lists resource
# itself or one of its subresources ("resource/sub"), not through "*".
lists_resource(rule, resource) if resource in field(rule, "resources")

lists_resource(rule, resource) if {
	some r in field(rule, "resources")
	startswith(r, concat("", [resource, "/"]))
}

# names_resources(rule) is true when the rule is limited to resourceNames.
names_resources(rule) if count(field(rule, "resourceNames")) > 0

# list(xs) writes a list of strings for a message: ["get", "list"].
list(xs) := sprintf("[%s]", [concat(", ", [sprintf("%q", [x]) | some x in xs])])

# describe(rule) says what a policy rule grants, for a message:
# verbs ["get"] on resources ["secrets"] of apiGroups [""] (resourceNames ["tls"]).
describe(rule) := concat("", [
	sprintf("verbs %s on ", [list(field(rule, "verbs"))]),
	concat(" and ", targets(rule)),
	names_text(rule),
])

targets(rule) := [t |
	some [key, text] in [
		["resources", sprintf("resources %s of apiGroups %s", [list(field(rule, "resources")), list(field(rule, "apiGroups"))])],
		["nonResourceURLs", sprintf("nonResourceURLs %s", [list(field(rule, "nonResourceURLs"))])],
	]
	count(field(rule, key)) > 0
	t := text
]

names_text(rule) := sprintf(" (resourceNames %s)", [list(field(rule, "resourceNames"))]) if {
	names_resources(rule)
} else := ""

# scope is where the role under review applies, for a message: a Role
# without metadata.namespace applies in the namespace it is applied to.
scope := sprintf("in %s", [review.namespace_text]) if {
	review.kind == "Role"
} else := "in every namespace it is bound in (all of them through a ClusterRoleBinding)"

# service_account(subject) is the ServiceAccount a subject names, as
# {"namespace": ns, "name": name}: a ServiceAccount subject (namespace unset
# = the binding's own), or the User system:serviceaccount:<ns>:<name>, the
# user name Kubernetes gives a ServiceAccount's token.
service_account(subject) := {"namespace": object.get(subject, "namespace", review.namespace), "name": subject.name} if {
	subject.kind == "ServiceAccount"
}

service_account(subject) := {"namespace": parts[2], "name": parts[3]} if {
	subject.kind == "User"
	parts := split(subject.name, ":")
	count(parts) == 4
	parts[0] == "system"
	parts[1] == "serviceaccount"
}

# service_account_group(subject) is true for the groups of ServiceAccounts:
# system:serviceaccounts (every one of the cluster) and
# system:serviceaccounts:<ns> (every one of namespace ns).
service_account_group(subject) if {
	subject.kind == "Group"
	subject.name == "system:serviceaccounts"
}

service_account_group(subject) if {
	subject.kind == "Group"
	startswith(subject.name, "system:serviceaccounts:")
}

# describe_subject(subject) names a subject for a message.
describe_subject(subject) := sprintf("ServiceAccount %q %s", [sa.name, namespace_text(sa.namespace)]) if {
	subject.kind == "ServiceAccount"
	sa := service_account(subject)
}

describe_subject(subject) := sprintf("User %q (ServiceAccount %q of namespace %q)", [subject.name, sa.name, sa.namespace]) if {
	subject.kind == "User"
	sa := service_account(subject)
}

describe_subject(subject) := sprintf("Group %q (every ServiceAccount of the cluster)", [subject.name]) if {
	subject.kind == "Group"
	subject.name == "system:serviceaccounts"
}

describe_subject(subject) := sprintf("Group %q (every ServiceAccount of namespace %q)", [subject.name, trim_prefix(subject.name, "system:serviceaccounts:")]) if {
	subject.kind == "Group"
	startswith(subject.name, "system:serviceaccounts:")
}

# namespace_text(ns) places a ServiceAccount subject: one without a
# namespace, in a RoleBinding without metadata.namespace, is of the
# namespace the binding is applied to; a ClusterRoleBinding needs one.
namespace_text(ns) := sprintf("of namespace %q", [ns]) if ns != ""

namespace_text("") := "of the RoleBinding's namespace" if review.kind == "RoleBinding"

namespace_text("") := "without a namespace" if review.kind != "RoleBinding"

describe_subject(subject) := sprintf("%s %q", [subject.kind, subject.name]) if {
	not service_account(subject)
	not service_account_group(subject)
}
