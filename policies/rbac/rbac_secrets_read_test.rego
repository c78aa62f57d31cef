package prodready.rules.rbac_secrets_read_test

import data.prodready.rules.rbac_secrets_read

cluster_role(rules) := {
	"apiVersion": "rbac.authorization.k8s.io/v1",
	"kind": "ClusterRole",
	"metadata": {"name": "secret-reader"},
	"rules": rules,
}

role(rules) := {
	"apiVersion": "rbac.authorization.k8s.io/v1",
	"kind": "Role",
	"metadata": {"name": "secret-reader", "namespace": "payments"},
	"rules": rules,
}

cluster_scope := "in every namespace it is bound in (all of them through a ClusterRoleBinding)"

role_scope := "in namespace \"payments\""

advice := "name the Secrets it needs in resourceNames, or mount them into the pods that use them; if it is a controller that must read Secrets it cannot name in advance, keep it and exempt it (prodready.dev/exempt: rbac-secrets-read) with a reason"

cause(i, verbs, what) := sprintf("rules[%d] grants %s on secrets (%s)", [i, verbs, what])

msg(causes, scope) := sprintf("%s without resourceNames: its holder reads every Secret %s, passwords, keys and tokens included; %s", [concat(" and ", causes), scope, advice])

test_fires_for_get_list_watch if {
	obj := role([{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get", "list", "watch"]}])
	rbac_secrets_read.findings == {{"msg": msg([cause(0, "get, list and watch", `verbs ["get", "list", "watch"] on resources ["secrets"] of apiGroups [""]`)], role_scope)}} with input as obj
}

test_fires_for_list_alone if {
	obj := cluster_role([{"apiGroups": [""], "resources": ["configmaps", "secrets"], "verbs": ["list"]}])
	rbac_secrets_read.findings == {{"msg": msg([cause(0, "list", `verbs ["list"] on resources ["configmaps", "secrets"] of apiGroups [""]`)], cluster_scope)}} with input as obj
}

test_fires_for_watch_alone if {
	obj := role([{"apiGroups": [""], "resources": ["secrets"], "verbs": ["watch"]}])
	count(rbac_secrets_read.findings) == 1 with input as obj
}

test_fires_for_role_without_namespace if {
	# Not `namespace ""`: the Role applies in the namespace it is applied to.
	obj := json.remove(role([{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get", "list"]}]), ["/metadata/namespace"])
	rbac_secrets_read.findings == {{"msg": msg([cause(0, "get and list", `verbs ["get", "list"] on resources ["secrets"] of apiGroups [""]`)], "in its namespace")}} with input as obj
}

test_fires_for_wildcard_api_groups if {
	# apiGroups "*" covers the core group, and secrets and get are named: this rule's finding.
	obj := cluster_role([{"apiGroups": ["*"], "resources": ["secrets"], "verbs": ["get"]}])
	rbac_secrets_read.findings == {{"msg": msg([cause(0, "get", `verbs ["get"] on resources ["secrets"] of apiGroups ["*"]`)], cluster_scope)}} with input as obj
}

test_fires_for_named_verb_beside_a_wildcard if {
	# get and secrets are named; the "*" beside them is rbac-wildcard's too.
	obj := role([
		{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get", "*"]},
		{"apiGroups": [""], "resources": ["secrets", "*"], "verbs": ["watch"]},
	])
	rbac_secrets_read.findings == {{"msg": msg(
		[
			cause(0, "get", `verbs ["get", "*"] on resources ["secrets"] of apiGroups [""]`),
			cause(1, "watch", `verbs ["watch"] on resources ["secrets", "*"] of apiGroups [""]`),
		],
		role_scope,
	)}} with input as obj
}

test_fires_with_empty_resource_names if {
	obj := role([{"apiGroups": [""], "resources": ["secrets"], "resourceNames": [], "verbs": ["get"]}])
	count(rbac_secrets_read.findings) == 1 with input as obj
}

test_fires_once_naming_every_rule if {
	obj := role([
		{"apiGroups": [""], "resources": ["secrets"], "resourceNames": ["tls"], "verbs": ["get"]},
		{"apiGroups": [""], "resources": ["secrets"], "verbs": ["list"]},
		{"apiGroups": ["", "apps"], "resources": ["secrets", "deployments"], "verbs": ["get", "update"]},
	])
	rbac_secrets_read.findings == {{"msg": msg(
		[
			cause(1, "list", `verbs ["list"] on resources ["secrets"] of apiGroups [""]`),
			cause(2, "get", `verbs ["get", "update"] on resources ["secrets", "deployments"] of apiGroups ["", "apps"]`),
		],
		role_scope,
	)}} with input as obj
}

test_fires_once_naming_three_rules if {
	obj := cluster_role([
		{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get"]},
		{"apiGroups": [""], "resources": ["secrets"], "verbs": ["list"]},
		{"apiGroups": [""], "resources": ["secrets"], "verbs": ["watch"]},
	])
	rbac_secrets_read.findings == {{"msg": sprintf("%s, %s and %s without resourceNames: its holder reads every Secret %s, passwords, keys and tokens included; %s", [
		cause(0, "get", `verbs ["get"] on resources ["secrets"] of apiGroups [""]`),
		cause(1, "list", `verbs ["list"] on resources ["secrets"] of apiGroups [""]`),
		cause(2, "watch", `verbs ["watch"] on resources ["secrets"] of apiGroups [""]`),
		cluster_scope, advice,
	])}} with input as obj
}

test_fires_under_gatekeeper_review if {
	review := {"review": {"object": role([{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get"]}])}, "parameters": {"rules": {"rbac-secrets-read": {}}}}
	count(rbac_secrets_read.findings) == 1 with input as review
}

test_passes_with_resource_names if {
	obj := role([{"apiGroups": [""], "resources": ["secrets"], "resourceNames": ["payments-db", "stripe-api-key"], "verbs": ["get", "watch"]}])
	count(rbac_secrets_read.findings) == 0 with input as obj
}

test_passes_for_wildcard_verbs if {
	# rbac-wildcard's finding: one finding per wildcard.
	obj := role([{"apiGroups": [""], "resources": ["secrets"], "verbs": ["*"]}])
	count(rbac_secrets_read.findings) == 0 with input as obj
}

test_passes_for_wildcard_resources if {
	obj := cluster_role([
		{"apiGroups": [""], "resources": ["*"], "verbs": ["get"]},
		{"apiGroups": ["*"], "resources": ["*"], "verbs": ["list", "watch"]},
	])
	count(rbac_secrets_read.findings) == 0 with input as obj
}

test_passes_for_wildcard_everything if {
	obj := cluster_role([{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}])
	count(rbac_secrets_read.findings) == 0 with input as obj
}

test_passes_for_writing_secrets_only if {
	# Creating or deleting a Secret does not read the others.
	obj := role([{"apiGroups": [""], "resources": ["secrets"], "verbs": ["create", "update", "patch", "delete"]}])
	count(rbac_secrets_read.findings) == 0 with input as obj
}

test_passes_for_other_resources if {
	obj := cluster_role([{"apiGroups": [""], "resources": ["configmaps", "pods", "serviceaccounts"], "verbs": ["get", "list", "watch"]}])
	count(rbac_secrets_read.findings) == 0 with input as obj
}

test_passes_for_secrets_of_other_api_groups if {
	# secrets of a custom API group are not the core Secrets.
	obj := cluster_role([
		{"apiGroups": ["external-secrets.io"], "resources": ["secretstores", "externalsecrets"], "verbs": ["get", "list"]},
		{"apiGroups": ["example.com"], "resources": ["secrets", "*"], "verbs": ["*"]},
	])
	count(rbac_secrets_read.findings) == 0 with input as obj
}

test_passes_for_aggregated_cluster_role if {
	obj := {
		"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "view-extra"},
		"aggregationRule": {"clusterRoleSelectors": [{"matchLabels": {"rbac.example.com/aggregate-to-view": "true"}}]},
	}
	count(rbac_secrets_read.findings) == 0 with input as obj
}

test_skips_other_kinds if {
	secret := {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db", "namespace": "payments"}, "rules": [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get"]}]}
	count(rbac_secrets_read.findings) == 0 with input as secret
}
