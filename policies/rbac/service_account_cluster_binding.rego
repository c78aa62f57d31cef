# METADATA
# title: ServiceAccount bound cluster-wide
# description: >-
#   A ClusterRoleBinding has a ServiceAccount subject (or the User
#   system:serviceaccount:<namespace>:<name>, the name its token
#   authenticates as) whose namespace is not in exemptNamespaces, and a
#   RoleBinding could grant it the same. A ClusterRoleBinding grants its
#   ClusterRole in every namespace, present and future: an app that needs
#   to read ConfigMaps of its own namespace gets to read them in all of
#   them, and whoever takes over one of its pods reaches every team's
#   namespace. Most ServiceAccounts only work in a few namespaces, where a
#   RoleBinding of the same ClusterRole grants the same permissions and
#   contains the blast radius. Not reported where a RoleBinding could not
#   grant the same: when the ClusterRole is a `system:` one (Kubernetes'
#   own, such as system:auth-delegator, bound cluster-wide by design), or
#   when it is among the objects given and one of its rules names a
#   cluster-scoped resource (clusterScopedResources, subresources such as
#   nodes/metrics included), nonResourceURLs, or "*" resources: such a role
#   is cluster-wide by nature. An aggregated ClusterRole (aggregationRule)
#   is judged by its own rules and those of the ClusterRoles of the input
#   its selectors match; the others it aggregates in a cluster are not
#   known, so, like a ClusterRole that is not among the objects given, it
#   is reported unless what is known of it is cluster-wide, and the message
#   says so. The system namespaces (kube-system, kube-public,
#   kube-node-lease) hold the cluster's own components, which legitimately
#   act cluster-wide. One finding per binding names every such subject.
# custom:
#   id: service-account-cluster-binding
#   severity: medium
#   profile: baseline
#   kinds: [ClusterRoleBinding]
#   version: 1.1.0
#   parameters:
#     exemptNamespaces:
#       type: array
#       items:
#         type: string
#       default: [kube-system, kube-public, kube-node-lease]
#       description: Namespaces whose ServiceAccounts may be bound cluster-wide (cluster components).
#     clusterScopedResources:
#       type: array
#       items:
#         type: string
#       default: [nodes, namespaces, persistentvolumes, storageclasses, customresourcedefinitions, apiservices, mutatingwebhookconfigurations, validatingwebhookconfigurations, validatingadmissionpolicies, validatingadmissionpolicybindings, clusterroles, clusterrolebindings, certificatesigningrequests, tokenreviews, subjectaccessreviews, selfsubjectaccessreviews, selfsubjectrulesreviews, localsubjectaccessreviews, priorityclasses, runtimeclasses, csidrivers, csinodes, volumeattachments, ingressclasses, clusterissuers, clusterpolicies]
#       description: Resources only a ClusterRoleBinding grants (cluster-scoped, or cluster-wide reviews); a ClusterRole naming one is bound cluster-wide by nature.
#   remediation: >-
#     Replace the ClusterRoleBinding with a RoleBinding of the same
#     ClusterRole in each namespace the ServiceAccount works in. Check the
#     ClusterRole together with its binding: one that grants cluster-scoped
#     resources is then recognised and not reported. For a controller that
#     truly acts in every namespace (an ingress controller, a cluster
#     operator), keep the binding, exempt it with
#     prodready.dev/exempt: service-account-cluster-binding and a reason,
#     or add its namespace to exemptNamespaces.
package prodready.rules.service_account_cluster_binding

import data.lib.prodready.inventory
import data.lib.prodready.rbac
import data.lib.prodready.review
import data.lib.prodready.selector
import data.lib.prodready.text

findings contains {"msg": msg} if {
	review.kind == "ClusterRoleBinding"
	not system_role
	not cluster_wide
	subjects := rbac.in_order(bound_service_accounts)
	count(subjects) > 0
	described := [rbac.describe_subject(subject) | some subject in subjects]
	msg := sprintf("ClusterRoleBinding grants %s to %s in every namespace: whoever takes over one of %s pods gets those permissions cluster-wide; %s", [role_ref, text.and_list(described), owner(subjects), advice(subjects)])
}

# bound_service_accounts are the ServiceAccount subjects outside exemptNamespaces.
bound_service_accounts contains subject if {
	some subject in rbac.subjects
	sa := rbac.service_account(subject)
	not exempt(sa.namespace)
}

exempt(namespace) if namespace in review.param("service-account-cluster-binding", "exemptNamespaces")

role_name := review.object.roleRef.name if is_string(review.object.roleRef.name)

role_ref := sprintf("%s %q", [review.object.roleRef.kind, role_name]) if {
	is_string(review.object.roleRef.kind)
} else := "its role"

# system_role is true for Kubernetes' own ClusterRoles (system:auth-delegator,
# system:node-proxier...), made to be bound cluster-wide.
system_role if startswith(role_name, "system:")

# cluster_roles are the ClusterRoles of the input the binding grants.
cluster_roles := {role |
	review.object.roleRef.kind == "ClusterRole"
	some role in inventory.cluster_named("ClusterRole", role_name)
	rbac_object(role)
}

rbac_object(obj) if startswith(obj.apiVersion, "rbac.authorization.k8s.io/")

# aggregated(role) are the ClusterRoles of the input that an aggregated
# ClusterRole's selectors match: the aggregation controller copies their rules into it.
aggregated(role) := {other |
	some role_selector in role.aggregationRule.clusterRoleSelectors
	some other in inventory.cluster("ClusterRole")
	other.metadata.name != role.metadata.name
	rbac_object(other)
	selector.matches(role_selector, object.get(other, ["metadata", "labels"], {}))
}

# rules_of(role) are the policy rules a ClusterRole of the input is known to grant.
rules_of(role) := array.concat(own_rules(role), [rule | some other in aggregated(role); some rule in own_rules(other)])

own_rules(role) := [rule | some rule in role.rules; is_object(rule)] if {
	is_array(role.rules)
} else := []

# cluster_wide is true when a rule the ClusterRole grants is one only a
# ClusterRoleBinding can grant: a RoleBinding of it would not be the same.
cluster_wide if {
	some role in cluster_roles
	some rule in rules_of(role)
	cluster_wide_rule(rule)
}

cluster_wide_rule(rule) if count(rbac.field(rule, "nonResourceURLs")) > 0

cluster_wide_rule(rule) if "*" in rbac.field(rule, "resources")

cluster_wide_rule(rule) if {
	some resource in review.param("service-account-cluster-binding", "clusterScopedResources")
	rbac.lists_resource(rule, resource)
}

one(subjects) if count(subjects) == 1

owner(subjects) := "its" if {
	one(subjects)
} else := "their"

controllers(subjects) := "the ServiceAccount is a controller" if {
	one(subjects)
} else := "the ServiceAccounts are controllers"

works(subjects) := "it works" if {
	one(subjects)
} else := "they work"

# advice is the fix, with what is known of the ClusterRole: among the
# objects given it names nothing cluster-wide, so a RoleBinding grants the
# same; otherwise (absent, or aggregating ClusterRoles not all given) the
# fix holds unless what is not known is cluster-wide.
advice(subjects) := sprintf("%s names no cluster-scoped resource or nonResourceURL, so a RoleBinding of it in each namespace %s in grants the same there: bind it that way instead, or, for a controller that must act in every namespace, keep this binding and exempt it (prodready.dev/exempt: service-account-cluster-binding) with a reason", [role_ref, works(subjects)]) if {
	count(cluster_roles) > 0
	not aggregating
} else := sprintf("bind it with a RoleBinding in each namespace %s in instead; %s %s: if %s cluster-scoped resources or nonResourceURLs (which only a ClusterRoleBinding grants), or %s that must act in every namespace, keep this binding and exempt it (prodready.dev/exempt: service-account-cluster-binding) with a reason", [works(subjects), role_ref, unknown, unknown_subject, controllers(subjects)])

aggregating if {
	some role in cluster_roles
	role.aggregationRule
}

unknown := "aggregates ClusterRoles that are not all among the objects given" if {
	aggregating
} else := "is not among the objects given"

unknown_subject := "they grant" if {
	aggregating
} else := "it grants"
