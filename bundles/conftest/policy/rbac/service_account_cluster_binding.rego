# METADATA
# title: ServiceAccount bound cluster-wide
# description: |
#   A ClusterRoleBinding has a ServiceAccount subject (or the User
#   system:serviceaccount:<namespace>:<name>, the name its token
#   authenticates as) whose namespace is not in exemptNamespaces. A
#   ClusterRoleBinding grants its ClusterRole in every namespace, present
#   and future: an app that needs to read ConfigMaps of its own namespace
#   gets to read them in all of them, and whoever takes over one of its
#   pods reaches every team's namespace. Most ServiceAccounts only work in
#   a few namespaces, where a RoleBinding of the same ClusterRole grants
#   the same permissions and contains the blast radius. The system
#   namespaces (kube-system, kube-public, kube-node-lease) hold the
#   cluster's own components, which legitimately act cluster-wide.
# custom:
#   id: service-account-cluster-binding
#   severity: medium
#   profile: baseline
#   kinds: [ClusterRoleBinding]
#   version: 1.0.0
#   parameters:
#     exemptNamespaces:
#       type: array
#       items:
#         type: string
#       default: [kube-system, kube-public, kube-node-lease]
#       description: Namespaces whose ServiceAccounts may be bound cluster-wide (cluster components).
#   remediation: |
#     Replace the ClusterRoleBinding with a RoleBinding of the same
#     ClusterRole in each namespace the ServiceAccount works in. For a
#     controller that truly acts on the whole cluster (an ingress
#     controller, a cluster operator), keep the binding, exempt it with
#     prodready.dev/exempt: service-account-cluster-binding and a reason,
#     or add its namespace to exemptNamespaces.
package prodready.rules.service_account_cluster_binding

import data.lib.prodready.rbac
import data.lib.prodready.review

findings contains {"msg": msg} if {
	review.kind == "ClusterRoleBinding"
	some subject in rbac.subjects
	sa := rbac.service_account(subject)
	not exempt(sa.namespace)
	msg := sprintf("ClusterRoleBinding grants %s to %s in every namespace: whoever takes over one of its pods gets those permissions cluster-wide; bind it with a RoleBinding in each namespace it works in instead", [role_ref, rbac.describe_subject(subject)])
}

role_ref := sprintf("%s %q", [review.object.roleRef.kind, review.object.roleRef.name]) if {
	is_string(review.object.roleRef.kind)
	is_string(review.object.roleRef.name)
} else := "its role"

exempt(namespace) if namespace in review.param("service-account-cluster-binding", "exemptNamespaces")
