package prodready.rules.service_account_cluster_binding_test

import data.prodready.rules.service_account_cluster_binding

cluster_binding(role, subjects) := {
	"apiVersion": "rbac.authorization.k8s.io/v1",
	"kind": "ClusterRoleBinding",
	"metadata": {"name": "config-reader"},
	"roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role},
	"subjects": subjects,
}

sa(ns, name) := {"kind": "ServiceAccount", "name": name, "namespace": ns}

msg(role, subject) := sprintf("ClusterRoleBinding grants ClusterRole %q to %s in every namespace: whoever takes over one of its pods gets those permissions cluster-wide; bind it with a RoleBinding in each namespace it works in instead", [role, subject])

test_fires_for_service_account if {
	obj := cluster_binding("view", [sa("shop", "api")])
	service_account_cluster_binding.findings == {{"msg": msg("view", "ServiceAccount \"api\" of namespace \"shop\"")}} with input as obj
}

test_fires_for_service_account_user_name if {
	obj := cluster_binding("view", [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": "system:serviceaccount:shop:api"}])
	service_account_cluster_binding.findings == {{"msg": msg("view", "User \"system:serviceaccount:shop:api\" (ServiceAccount \"api\" of namespace \"shop\")")}} with input as obj
}

test_fires_for_each_service_account_outside_exempt_namespaces if {
	obj := cluster_binding("metrics-reader", [
		sa("kube-system", "metrics-server"),
		sa("monitoring", "prometheus"),
		{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "sre"},
		sa("shop", "api"),
	])
	service_account_cluster_binding.findings == {
		{"msg": msg("metrics-reader", "ServiceAccount \"prometheus\" of namespace \"monitoring\"")},
		{"msg": msg("metrics-reader", "ServiceAccount \"api\" of namespace \"shop\"")},
	} with input as obj
}

test_fires_without_subject_namespace if {
	# The API server rejects it; reported as the empty namespace, which no default exempts.
	obj := cluster_binding("view", [{"kind": "ServiceAccount", "name": "api"}])
	service_account_cluster_binding.findings == {{"msg": msg("view", "ServiceAccount \"api\" of namespace \"\"")}} with input as obj
}

test_fires_under_gatekeeper_review_with_parameters if {
	review := {"review": {"object": cluster_binding("view", [sa("kube-system", "dns"), sa("shop", "api")])}, "parameters": {"exemptNamespaces": ["shop"]}}
	service_account_cluster_binding.findings == {{"msg": msg("view", "ServiceAccount \"dns\" of namespace \"kube-system\"")}} with input as review
}

test_fires_with_overridden_exempt_namespaces if {
	obj := cluster_binding("view", [sa("kube-system", "dns"), sa("shop", "api")])
	result := service_account_cluster_binding.findings with input as obj
		with data.lib.parameters as {"service-account-cluster-binding": {"exemptNamespaces": ["shop"]}}
	result == {{"msg": msg("view", "ServiceAccount \"dns\" of namespace \"kube-system\"")}}
}

test_fires_with_no_exempt_namespaces if {
	obj := cluster_binding("view", [sa("kube-system", "dns")])
	result := service_account_cluster_binding.findings with input as obj
		with data.lib.parameters as {"service-account-cluster-binding": {"exemptNamespaces": []}}
	count(result) == 1
}

test_passes_for_default_exempt_namespaces if {
	obj := cluster_binding("system:node-proxier", [sa("kube-system", "kube-proxy"), sa("kube-public", "x"), sa("kube-node-lease", "y")])
	count(service_account_cluster_binding.findings) == 0 with input as obj
}

test_passes_for_exempt_namespace_under_gatekeeper if {
	review := {"review": {"object": cluster_binding("view", [sa("shop", "api")])}, "parameters": {"exemptNamespaces": ["shop"]}}
	count(service_account_cluster_binding.findings) == 0 with input as review
}

test_passes_for_people_and_groups if {
	# Groups of ServiceAccounts are cluster-admin-service-account's concern only.
	obj := cluster_binding("view", [
		{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": "alice@example.com"},
		{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "sre"},
		{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "system:serviceaccounts:shop"},
	])
	count(service_account_cluster_binding.findings) == 0 with input as obj
}

test_passes_for_role_binding if {
	obj := {
		"apiVersion": "rbac.authorization.k8s.io/v1",
		"kind": "RoleBinding",
		"metadata": {"name": "config-reader", "namespace": "shop"},
		"roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"},
		"subjects": [sa("shop", "api")],
	}
	count(service_account_cluster_binding.findings) == 0 with input as obj
}

test_skips_other_kinds_and_groups if {
	role := {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "view"}, "subjects": [sa("shop", "api")]}
	count(service_account_cluster_binding.findings) == 0 with input as role
	other := json.patch(cluster_binding("view", [sa("shop", "api")]), [{"op": "replace", "path": "/apiVersion", "value": "iam.example.com/v1"}])
	count(service_account_cluster_binding.findings) == 0 with input as other
}
