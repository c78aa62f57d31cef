# METADATA
# title: cluster-admin bound to a ServiceAccount
# description: >-
#   A RoleBinding or ClusterRoleBinding grants the ClusterRole cluster-admin
#   to a ServiceAccount (a ServiceAccount subject, or the User
#   system:serviceaccount:<namespace>:<name> its token authenticates as) or
#   to the group of every ServiceAccount of a namespace
#   (system:serviceaccounts:<namespace>) or of the cluster
#   (system:serviceaccounts). A ServiceAccount token sits in every pod that
#   runs as it: whoever gets code execution in one of those pods (a
#   vulnerable dependency, an SSRF reaching the token file, a debug shell),
#   or may create pods or read Secrets in that namespace, holds the token
#   and with it every permission of cluster-admin: all Secrets, every
#   workload, RBAC itself. Through a ClusterRoleBinding that is the whole
#   cluster; through a RoleBinding, everything in the namespace, RBAC
#   included. One compromised CI runner, operator or app then becomes a
#   cluster takeover. One finding per binding names every such subject.
# custom:
#   id: cluster-admin-service-account
#   severity: critical
#   profile: baseline
#   kinds: [ClusterRoleBinding, RoleBinding]
#   version: 1.1.0
#   remediation: >-
#     Write a Role (or ClusterRole) listing only the verbs and resources the
#     ServiceAccount uses, and bind that instead of cluster-admin, with a
#     RoleBinding in each namespace it works in rather than a
#     ClusterRoleBinding. For CI that deploys, bind it per target namespace;
#     for operators, use the ClusterRole their project publishes. Keep
#     cluster-admin for people, through short-lived, audited access.
package prodready.rules.cluster_admin_service_account

import data.lib.prodready.rbac
import data.lib.prodready.review
import data.lib.prodready.text

findings contains {"msg": msg} if {
	rbac.binds_cluster_role("cluster-admin")
	subjects := rbac.in_order(service_account_subjects)
	count(subjects) > 0
	described := [rbac.describe_subject(subject) | some subject in subjects]
	msg := sprintf("%s binds ClusterRole cluster-admin to %s: whoever holds %s gets full control of %s; bind a Role or ClusterRole with only the verbs and resources %s instead", [review.kind, text.and_list(described), token(subjects), reach, needs(subjects)])
}

# service_account_subjects are the ServiceAccounts, and groups of them, the binding names.
service_account_subjects contains subject if {
	some subject in rbac.subjects
	rbac.service_account(subject)
}

service_account_subjects contains subject if {
	some subject in rbac.subjects
	rbac.service_account_group(subject)
}

# one_account(subjects) is true when subjects are a single ServiceAccount, not a group.
one_account(subjects) if {
	count(subjects) == 1
	not rbac.service_account_group(subjects[0])
}

token(subjects) := "its token (a compromised pod running as it, anyone who can read it)" if {
	one_account(subjects)
} else := "one of their tokens (a compromised pod running as one of them, anyone who can read one)"

needs(subjects) := "it needs" if {
	one_account(subjects)
} else := "they need"

reach := "the whole cluster" if {
	review.kind == "ClusterRoleBinding"
} else := sprintf("%s, its Secrets and RBAC included", [namespace_text])

namespace_text := sprintf("namespace %q", [review.namespace]) if {
	review.namespace != ""
} else := "the RoleBinding's namespace"
