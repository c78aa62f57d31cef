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

advice := "list only the verbs and resources it needs, or, for a controller that truly needs them all (a GitOps deployer, a backup tool), keep it and exempt it (prodready.dev/exempt: rbac-wildcard) with a reason"

# cause(i, fields, what, grants) is one rule's part of the message.
cause(i, fields, what, grants) := sprintf("rules[%d] (%s) has \"*\" in %s: it grants %s", [i, what, fields, grants])

msg(causes, kind, scope) := sprintf("%s; holders of this %s get these permissions %s; %s", [concat("; ", causes), kind, scope, advice])

role_msg(causes) := msg(causes, "Role", "in namespace \"ci\"")

cluster_msg(causes) := msg(causes, "ClusterRole", cluster_scope)

every_verb := "every verb on these resources, delete, deletecollection and any verb added later included"

every_resource := "these verbs on every resource of the API group listed, including resources installed later"

everything := "every verb on every resource of every API group, as cluster-admin does"

test_fires_for_wildcard_verbs if {
	obj := role([{"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["*"]}])
	rbac_wildcard.findings == {{"msg": role_msg([cause(0, "verbs", `verbs ["*"] on resources ["deployments"] of apiGroups ["apps"]`, every_verb)])}} with input as obj
}

test_fires_for_wildcard_resources if {
	obj := cluster_role([{"apiGroups": ["apps"], "resources": ["*"], "verbs": ["get", "list"]}])
	rbac_wildcard.findings == {{"msg": cluster_msg([cause(0, "resources", `verbs ["get", "list"] on resources ["*"] of apiGroups ["apps"]`, every_resource)])}} with input as obj
}

test_fires_for_wildcard_resources_of_several_groups if {
	obj := cluster_role([{"apiGroups": ["apps", "batch"], "resources": ["*"], "verbs": ["get"]}])
	rbac_wildcard.findings == {{"msg": cluster_msg([cause(0, "resources", `verbs ["get"] on resources ["*"] of apiGroups ["apps", "batch"]`, "these verbs on every resource of the API groups listed, including resources installed later")])}} with input as obj
}

test_fires_for_wildcard_resources_of_every_group if {
	obj := cluster_role([{"apiGroups": ["*"], "resources": ["*"], "verbs": ["get", "list"]}])
	rbac_wildcard.findings == {{"msg": cluster_msg([cause(0, "resources", `verbs ["get", "list"] on resources ["*"] of apiGroups ["*"]`, "these verbs on every resource of every API group, including resources installed later")])}} with input as obj
}

test_fires_for_wildcard_verbs_and_resources if {
	obj := cluster_role([{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}])
	rbac_wildcard.findings == {{"msg": cluster_msg([cause(0, "verbs and resources", `verbs ["*"] on resources ["*"] of apiGroups ["*"]`, everything)])}} with input as obj
}

test_fires_for_wildcard_verbs_and_resources_of_one_group if {
	# Everything of one API group is not cluster-admin.
	obj := cluster_role([{"apiGroups": ["metrics.k8s.io"], "resources": ["*"], "verbs": ["*"]}])
	rbac_wildcard.findings == {{"msg": cluster_msg([cause(0, "verbs and resources", `verbs ["*"] on resources ["*"] of apiGroups ["metrics.k8s.io"]`, "every verb on every resource of the API group listed")])}} with input as obj
}

test_fires_for_wildcard_among_verbs if {
	obj := role([{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get", "*"]}])
	rbac_wildcard.findings == {{"msg": role_msg([cause(0, "verbs", `verbs ["get", "*"] on resources ["configmaps"] of apiGroups [""]`, every_verb)])}} with input as obj
}

test_fires_for_wildcard_verbs_on_non_resource_urls if {
	# URLs are not namespaced: no "in every namespace".
	obj := cluster_role([{"nonResourceURLs": ["/metrics"], "verbs": ["*"]}])
	rbac_wildcard.findings == {{"msg": sprintf("%s; %s", [cause(0, "verbs", `verbs ["*"] on nonResourceURLs ["/metrics"]`, "every HTTP verb on these URLs of the API server"), advice])}} with input as obj
}

test_fires_with_resource_names if {
	obj := role([{"apiGroups": ["apps"], "resources": ["deployments"], "resourceNames": ["api"], "verbs": ["*"]}])
	rbac_wildcard.findings == {{"msg": role_msg([cause(0, "verbs", `verbs ["*"] on resources ["deployments"] of apiGroups ["apps"] (resourceNames ["api"])`, every_verb)])}} with input as obj
}

test_fires_for_role_without_namespace if {
	# A Role applied with kubectl -n or helm --namespace has no metadata.namespace.
	obj := json.remove(role([{"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["*"]}]), ["/metadata/namespace"])
	rbac_wildcard.findings == {{"msg": msg([cause(0, "verbs", `verbs ["*"] on resources ["deployments"] of apiGroups ["apps"]`, every_verb)], "Role", "in its namespace")}} with input as obj
}

test_fires_once_naming_every_rule_with_a_wildcard if {
	obj := role([
		{"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list"]},
		{"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["*"]},
		{"apiGroups": ["batch"], "resources": ["*"], "verbs": ["create"]},
	])
	rbac_wildcard.findings == {{"msg": role_msg([
		cause(1, "verbs", `verbs ["*"] on resources ["deployments"] of apiGroups ["apps"]`, every_verb),
		cause(2, "resources", `verbs ["create"] on resources ["*"] of apiGroups ["batch"]`, every_resource),
	])}} with input as obj
}

test_fires_once_naming_rules_with_the_same_wildcard_together if {
	obj := cluster_role([
		{"apiGroups": ["monitoring.coreos.com"], "resources": ["prometheuses"], "verbs": ["*"]},
		{"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]},
		{"apiGroups": ["apps"], "resources": ["statefulsets"], "verbs": ["*"]},
		{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]},
		{"nonResourceURLs": ["*"], "verbs": ["*"]},
		{"apiGroups": [""], "resources": ["configmaps", "secrets"], "verbs": ["*"]},
	])
	together := sprintf("rules[0] (%s), rules[2] (%s) and rules[5] (%s) have \"*\" in verbs: they grant %s", [
		`verbs ["*"] on resources ["prometheuses"] of apiGroups ["monitoring.coreos.com"]`,
		`verbs ["*"] on resources ["statefulsets"] of apiGroups ["apps"]`,
		`verbs ["*"] on resources ["configmaps", "secrets"] of apiGroups [""]`,
		every_verb,
	])
	rbac_wildcard.findings == {{"msg": cluster_msg([
		together,
		cause(3, "verbs and resources", `verbs ["*"] on resources ["*"] of apiGroups ["*"]`, everything),
		cause(4, "verbs", `verbs ["*"] on nonResourceURLs ["*"]`, "every HTTP verb on these URLs of the API server"),
	])}} with input as obj
}

test_fires_for_aggregated_role_with_rules if {
	# Rules present beside an aggregationRule (as read back from a cluster) are what the role grants.
	obj := object.union(cluster_role([{"apiGroups": ["apps"], "resources": ["*"], "verbs": ["get"]}]), {"aggregationRule": {"clusterRoleSelectors": [{"matchLabels": {"rbac.example.com/aggregate-to-deployer": "true"}}]}})
	count(rbac_wildcard.findings) == 1 with input as obj
}

test_fires_under_gatekeeper_review if {
	review := {"review": {"object": cluster_role([{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}])}, "parameters": {"rules": {"rbac-wildcard": {}}}}
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
