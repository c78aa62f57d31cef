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

msg(i, verbs, what, scope) := sprintf("rules[%d] grants %s on secrets without resourceNames (%s): its holder reads every Secret %s, passwords, keys and tokens included; name the Secrets it needs in resourceNames, or mount them into the pods that use them", [i, verbs, what, scope])

test_fires_for_get_list_watch if {
	obj := role([{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get", "list", "watch"]}])
	rbac_secrets_read.findings == {{"msg": msg(0, "get, list, watch", "verbs [\"get\", \"list\", \"watch\"] on resources [\"secrets\"] of apiGroups [\"\"]", role_scope)}} with input as obj
}

test_fires_for_list_alone if {
	obj := cluster_role([{"apiGroups": [""], "resources": ["configmaps", "secrets"], "verbs": ["list"]}])
	rbac_secrets_read.findings == {{"msg": msg(0, "list", "verbs [\"list\"] on resources [\"configmaps\", \"secrets\"] of apiGroups [\"\"]", cluster_scope)}} with input as obj
}

test_fires_for_watch_alone if {
	obj := role([{"apiGroups": [""], "resources": ["secrets"], "verbs": ["watch"]}])
	count(rbac_secrets_read.findings) == 1 with input as obj
}

test_fires_for_wildcard_verbs if {
	obj := role([{"apiGroups": [""], "resources": ["secrets"], "verbs": ["*"]}])
	rbac_secrets_read.findings == {{"msg": msg(0, "get, list, watch", "verbs [\"*\"] on resources [\"secrets\"] of apiGroups [\"\"]", role_scope)}} with input as obj
}

test_fires_for_wildcard_resources if {
	obj := cluster_role([{"apiGroups": [""], "resources": ["*"], "verbs": ["get"]}])
	rbac_secrets_read.findings == {{"msg": msg(0, "get", "verbs [\"get\"] on resources [\"*\"] of apiGroups [\"\"]", cluster_scope)}} with input as obj
}

test_fires_for_wildcard_api_groups if {
	obj := cluster_role([{"apiGroups": ["*"], "resources": ["secrets"], "verbs": ["get"]}])
	count(rbac_secrets_read.findings) == 1 with input as obj
}

test_fires_for_wildcard_everything if {
	obj := cluster_role([{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}])
	rbac_secrets_read.findings == {{"msg": msg(0, "get, list, watch", "verbs [\"*\"] on resources [\"*\"] of apiGroups [\"*\"]", cluster_scope)}} with input as obj
}

test_fires_with_empty_resource_names if {
	obj := role([{"apiGroups": [""], "resources": ["secrets"], "resourceNames": [], "verbs": ["get"]}])
	count(rbac_secrets_read.findings) == 1 with input as obj
}

test_fires_once_per_rule if {
	obj := role([
		{"apiGroups": [""], "resources": ["secrets"], "resourceNames": ["tls"], "verbs": ["get"]},
		{"apiGroups": [""], "resources": ["secrets"], "verbs": ["list"]},
		{"apiGroups": ["", "apps"], "resources": ["secrets", "deployments"], "verbs": ["get", "update"]},
	])
	rbac_secrets_read.findings == {
		{"msg": msg(1, "list", "verbs [\"list\"] on resources [\"secrets\"] of apiGroups [\"\"]", role_scope)},
		{"msg": msg(2, "get", "verbs [\"get\", \"update\"] on resources [\"secrets\", \"deployments\"] of apiGroups [\"\", \"apps\"]", role_scope)},
	} with input as obj
}

test_fires_under_gatekeeper_review if {
	review := {"review": {"object": role([{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get"]}])}, "parameters": {}}
	count(rbac_secrets_read.findings) == 1 with input as review
}

test_passes_with_resource_names if {
	obj := role([{"apiGroups": [""], "resources": ["secrets"], "resourceNames": ["payments-db", "stripe-api-key"], "verbs": ["get", "watch"]}])
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
