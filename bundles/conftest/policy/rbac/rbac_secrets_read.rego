# METADATA
# title: RBAC rule reads every Secret
# description: |
#   A rule of a Role or ClusterRole grants get, list or watch on secrets of
#   the core API group without resourceNames: "*" counts in verbs,
#   resources and apiGroups, as Kubernetes applies it. Secrets hold database
#   passwords, API keys, TLS private keys and other ServiceAccounts' tokens;
#   reading all of them is, in practice, the permissions of every workload
#   of the namespace (of every namespace, through a ClusterRoleBinding).
#   list and watch return the values too, not only the names. A subject
#   that only needed one Secret turns a compromised pod or CI job into a
#   credential dump. With resourceNames, only the Secrets named can be read
#   (get, or list and watch narrowed to one name), which is what to write.
# custom:
#   id: rbac-secrets-read
#   severity: medium
#   profile: baseline
#   kinds: [ClusterRole, Role]
#   version: 1.0.0
#   remediation: |
#     Name the Secrets the subject reads in resourceNames, in a Role of
#     their namespace. Better, mount them into the pods that use them (as
#     volumes or env) instead of reading them through the API. Keep
#     cluster-wide Secret access for the few controllers that need it
#     (cert-manager, external-secrets), and exempt those roles with
#     prodready.dev/exempt: rbac-secrets-read and a reason.
package prodready.rules.rbac_secrets_read

import data.lib.prodready.rbac

findings contains {"msg": msg} if {
	some i, rule in rbac.rules
	rbac.covers_group(rule, "")
	rbac.covers_resource(rule, "secrets")
	not rbac.names_resources(rule)
	granted := [verb | some verb in ["get", "list", "watch"]; rbac.grants_verb(rule, verb)]
	count(granted) > 0
	msg := sprintf("rules[%d] grants %s on secrets without resourceNames (%s): its holder reads every Secret %s, passwords, keys and tokens included; name the Secrets it needs in resourceNames, or mount them into the pods that use them", [i, concat(", ", granted), rbac.describe(rule), rbac.scope])
}
