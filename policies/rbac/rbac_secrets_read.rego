# METADATA
# title: RBAC rule reads every Secret
# description: >-
#   A rule of a Role or ClusterRole grants get, list or watch on secrets of
#   the core API group without resourceNames, naming the verb and secrets
#   explicitly: a "*" in verbs or resources is rbac-wildcard's finding, not
#   this one's (one finding per wildcard), while "*" in apiGroups counts,
#   secrets and the verb being named. Secrets hold database passwords, API
#   keys, TLS private keys and other ServiceAccounts' tokens;
#   reading all of them is, in practice, the permissions of every workload
#   of the namespace (of every namespace, through a ClusterRoleBinding).
#   list and watch return the values too, not only the names. A subject
#   that only needed one Secret turns a compromised pod or CI job into a
#   credential dump. With resourceNames, only the Secrets named can be read
#   (get, or list and watch narrowed to one name), which is what to write.
#   One finding per role names every rule of it that reads every Secret.
# custom:
#   id: rbac-secrets-read
#   severity: medium
#   profile: baseline
#   kinds: [ClusterRole, Role]
#   version: 1.1.0
#   remediation: >-
#     Name the Secrets the subject reads in resourceNames, in a Role of
#     their namespace. Better, mount them into the pods that use them (as
#     volumes or env) instead of reading them through the API. Keep
#     cluster-wide Secret access for the few controllers that need it
#     (cert-manager, external-secrets), and exempt those roles with
#     prodready.dev/exempt: rbac-secrets-read and a reason.
package prodready.rules.rbac_secrets_read

import data.lib.prodready.rbac
import data.lib.prodready.text

findings contains {"msg": msg} if {
	causes := [sprintf("rules[%d] grants %s on secrets (%s)", [i, text.and_list(granted(rule)), rbac.describe(rule)]) |
		some i, rule in rbac.rules
		count(granted(rule)) > 0
	]
	count(causes) > 0
	msg := sprintf("%s without resourceNames: its holder reads every Secret %s, passwords, keys and tokens included; %s", [text.and_list(causes), rbac.scope, advice])
}

# granted(rule) are the reading verbs rule names on every Secret: it names
# secrets of the core group (apiGroups "" or "*") and get, list or watch,
# without resourceNames. A "*" verb or resource is rbac-wildcard's finding.
granted(rule) := [verb |
	rbac.covers_group(rule, "")
	rbac.lists_resource(rule, "secrets")
	not rbac.names_resources(rule)
	some verb in ["get", "list", "watch"]
	rbac.lists_verb(rule, verb)
]

# advice is the fix, and what to do where there is none: a controller that
# reads Secrets it cannot name in advance (the TLS certificates of any
# Ingress, cluster credentials written at runtime) keeps its access.
advice := concat("; ", [
	"name the Secrets it needs in resourceNames, or mount them into the pods that use them",
	"if it is a controller that must read Secrets it cannot name in advance, keep it and exempt it (prodready.dev/exempt: rbac-secrets-read) with a reason",
])
