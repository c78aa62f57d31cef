package prodready.rules.rbac_wildcard_test

import data.prodready.rules.rbac_wildcard

cluster_role(rules) := {
	"apiVersion": "rbac.authorization.k8s.io/v1",
	"kind": "ClusterRole",
	"metadata": {"name": "deployer"},
	"rules": rules,
}

role(rules) := {
	"apiVersion": "rbac.authorization.k8s.io/v1",
	"kind": "Role",
	"metadata": {"name": "deployer", "namespace": "ci"},
	"rules": rules,
}

cluster_scope := "in every namespace it is bound in (all of them through a ClusterRoleBinding)"

msg(i, fields, what, grants, scope) := sprintf("rules[%d] has \"*\" in %s (%s): it grants %s %s; list only the verbs and resources it needs", [i, fields, what, grants, scope])

every_verb := "every verb on these resources, delete, deletecollection and any verb added later included,"

every_resource := "these verbs on every resource of these API groups, including resources installed later,"

everything := "every verb on every resource of these API groups, as cluster-admin does,"

test_fires_for_wildcard_verbs if {
	obj := role([{"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["*"]}])
	rbac_wildcard.findings == {{"msg": msg(0, "verbs", "verbs [\"*\"] on resources [\"deployments\"] of apiGroups [\"apps\"]", every_verb, "in namespace \"ci\"")}} with input as obj
}

test_fires_for_wildcard_resources if {
	obj := cluster_role([{"apiGroups": ["apps"], "resources": ["*"], "verbs": ["get", "list"]}])
	rbac_wildcard.findings == {{"msg": msg(0, "resources", "verbs [\"get\", \"list\"] on resources [\"*\"] of apiGroups [\"apps\"]", every_resource, cluster_scope)}} with input as obj
}

test_fires_for_wildcard_verbs_and_resources if {
	obj := cluster_role([{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}])
	rbac_wildcard.findings == {{"msg": msg(0, "verbs and resources", "verbs [\"*\"] on resources [\"*\"] of apiGroups [\"*\"]", everything, cluster_scope)}} with input as obj
}

test_fires_for_wildcard_among_verbs if {
	obj := role([{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get", "*"]}])
	rbac_wildcard.findings == {{"msg": msg(0, "verbs", "verbs [\"get\", \"*\"] on resources [\"configmaps\"] of apiGroups [\"\"]", every_verb, "in namespace \"ci\"")}} with input as obj
}

test_fires_for_wildcard_verbs_on_non_resource_urls if {
	obj := cluster_role([{"nonResourceURLs": ["/metrics"], "verbs": ["*"]}])
	rbac_wildcard.findings == {{"msg": msg(0, "verbs", "verbs [\"*\"] on nonResourceURLs [\"/metrics\"]", every_verb, cluster_scope)}} with input as obj
}

test_fires_with_resource_names if {
	obj := role([{"apiGroups": ["apps"], "resources": ["deployments"], "resourceNames": ["api"], "verbs": ["*"]}])
	rbac_wildcard.findings == {{"msg": msg(0, "verbs", "verbs [\"*\"] on resources [\"deployments\"] of apiGroups [\"apps\"] (resourceNames [\"api\"])", every_verb, "in namespace \"ci\"")}} with input as obj
}

test_fires_once_per_rule_with_its_index if {
	obj := role([
		{"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list"]},
		{"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["*"]},
		{"apiGroups": ["batch"], "resources": ["*"], "verbs": ["create"]},
	])
	rbac_wildcard.findings == {
		{"msg": msg(1, "verbs", "verbs [\"*\"] on resources [\"deployments\"] of apiGroups [\"apps\"]", every_verb, "in namespace \"ci\"")},
		{"msg": msg(2, "resources", "verbs [\"create\"] on resources [\"*\"] of apiGroups [\"batch\"]", every_resource, "in namespace \"ci\"")},
	} with input as obj
}

test_fires_for_aggregated_role_with_rules if {
	# Rules present beside an aggregationRule (as read back from a cluster) are what the role grants.
	obj := object.union(cluster_role([{"apiGroups": ["apps"], "resources": ["*"], "verbs": ["get"]}]), {"aggregationRule": {"clusterRoleSelectors": [{"matchLabels": {"rbac.example.com/aggregate-to-deployer": "true"}}]}})
	count(rbac_wildcard.findings) == 1 with input as obj
}

test_fires_under_gatekeeper_review if {
	review := {"review": {"object": cluster_role([{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}])}, "parameters": {}}
	count(rbac_wildcard.findings) == 1 with input as review
}

test_passes_for_explicit_verbs_and_resources if {
	obj := cluster_role([
		{"apiGroups": ["apps"], "resources": ["deployments", "deployments/scale"], "verbs": ["get", "list", "watch", "patch"]},
		{"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list"]},
	])
	count(rbac_wildcard.findings) == 0 with input as obj
}

test_passes_for_wildcard_api_groups_and_urls_only if {
	# The catalogue asks about verbs and resources; apiGroups "*" or a
	# nonResourceURLs "*" with listed verbs is not this rule's finding.
	obj := cluster_role([
		{"apiGroups": ["*"], "resources": ["configmaps"], "verbs": ["get"]},
		{"nonResourceURLs": ["*"], "verbs": ["get"]},
	])
	count(rbac_wildcard.findings) == 0 with input as obj
}

test_passes_for_partial_wildcards if {
	# "*/scale" and "deploy*" are not the "*" resource.
	obj := cluster_role([{"apiGroups": ["apps"], "resources": ["*/scale", "deploy*"], "verbs": ["get"]}])
	count(rbac_wildcard.findings) == 0 with input as obj
}

test_passes_for_aggregated_cluster_role if {
	obj := {
		"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "monitoring"},
		"aggregationRule": {"clusterRoleSelectors": [{"matchLabels": {"rbac.example.com/aggregate-to-monitoring": "true"}}]},
	}
	count(rbac_wildcard.findings) == 0 with input as obj
	count(rbac_wildcard.findings) == 0 with input as object.union(obj, {"rules": []})
	count(rbac_wildcard.findings) == 0 with input as object.union(obj, {"rules": null})
}

test_skips_other_kinds_and_groups if {
	binding := {
		"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": {"name": "x"},
		"roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "cluster-admin"},
		"subjects": [{"kind": "Group", "name": "*"}],
	}
	count(rbac_wildcard.findings) == 0 with input as binding
	other := json.patch(role([{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}]), [{"op": "replace", "path": "/apiVersion", "value": "iam.example.com/v1"}])
	count(rbac_wildcard.findings) == 0 with input as other
}
