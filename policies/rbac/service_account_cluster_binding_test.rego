package prodready.rules.service_account_cluster_binding_test

import data.lib.prodready.fixtures
import data.prodready.rules.service_account_cluster_binding

cluster_binding(role, subjects) := {
	"apiVersion": "rbac.authorization.k8s.io/v1",
	"kind": "ClusterRoleBinding",
	"metadata": {"name": "config-reader"},
	"roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role},
	"subjects": subjects,
}

cluster_role(name, rules) := {
	"apiVersion": "rbac.authorization.k8s.io/v1",
	"kind": "ClusterRole",
	"metadata": {"name": name},
	"rules": rules,
}

aggregated_role(name, labels) := {
	"apiVersion": "rbac.authorization.k8s.io/v1",
	"kind": "ClusterRole",
	"metadata": {"name": name},
	"aggregationRule": {"clusterRoleSelectors": [{"matchLabels": labels}]},
}

sa(ns, name) := {"kind": "ServiceAccount", "name": name, "namespace": ns}

config_maps := {"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get", "list", "watch"]}

nodes := {"apiGroups": [""], "resources": ["nodes"], "verbs": ["get", "list", "watch"]}

api := `ServiceAccount "api" of namespace "shop"`

# msg(role, subjects, advice) is the message for one subject ("its pods").
msg(role, subjects, advice) := sprintf("ClusterRoleBinding grants ClusterRole %q to %s in every namespace: whoever takes over one of its pods gets those permissions cluster-wide; %s", [role, subjects, advice])

# plural_msg(role, subjects, advice) is the message for several subjects ("their pods").
plural_msg(role, subjects, advice) := sprintf("ClusterRoleBinding grants ClusterRole %q to %s in every namespace: whoever takes over one of their pods gets those permissions cluster-wide; %s", [role, subjects, advice])

# unknown(role, works) is the advice when the ClusterRole is not among the objects given.
unknown(role, "it works") := sprintf("bind it with a RoleBinding in each namespace it works in instead; ClusterRole %q is not among the objects given: if it grants cluster-scoped resources or nonResourceURLs (which only a ClusterRoleBinding grants), or the ServiceAccount is a controller that must act in every namespace, keep this binding and exempt it (prodready.dev/exempt: service-account-cluster-binding) with a reason", [role])

unknown(role, "they work") := sprintf("bind it with a RoleBinding in each namespace they work in instead; ClusterRole %q is not among the objects given: if it grants cluster-scoped resources or nonResourceURLs (which only a ClusterRoleBinding grants), or the ServiceAccounts are controllers that must act in every namespace, keep this binding and exempt it (prodready.dev/exempt: service-account-cluster-binding) with a reason", [role])

# known(role) is the advice when the ClusterRole is given and names nothing cluster-wide.
known(role) := sprintf("ClusterRole %q names no cluster-scoped resource or nonResourceURL, so a RoleBinding of it in each namespace it works in grants the same there: bind it that way instead, or, for a controller that must act in every namespace, keep this binding and exempt it (prodready.dev/exempt: service-account-cluster-binding) with a reason", [role])

# aggregating(role) is the advice for an aggregated ClusterRole whose known parts name nothing cluster-wide.
aggregating(role) := sprintf("bind it with a RoleBinding in each namespace it works in instead; ClusterRole %q aggregates ClusterRoles that are not all among the objects given: if they grant cluster-scoped resources or nonResourceURLs (which only a ClusterRoleBinding grants), or the ServiceAccount is a controller that must act in every namespace, keep this binding and exempt it (prodready.dev/exempt: service-account-cluster-binding) with a reason", [role])

test_fires_for_service_account if {
	# view is not among the objects given: what it grants is not known.
	obj := cluster_binding("view", [sa("shop", "api")])
	service_account_cluster_binding.findings == {{"msg": msg("view", api, unknown("view", "it works"))}} with input as obj
}

test_fires_for_service_account_user_name if {
	obj := cluster_binding("view", [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": "system:serviceaccount:shop:api"}])
	service_account_cluster_binding.findings == {{"msg": msg("view", `User "system:serviceaccount:shop:api" (ServiceAccount "api" of namespace "shop")`, unknown("view", "it works"))}} with input as obj
}

test_fires_once_naming_every_service_account_outside_exempt_namespaces if {
	obj := cluster_binding("metrics-reader", [
		sa("kube-system", "metrics-server"),
		sa("monitoring", "prometheus"),
		{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "sre"},
		sa("shop", "api"),
	])
	service_account_cluster_binding.findings == {{"msg": plural_msg("metrics-reader", `ServiceAccount "prometheus" of namespace "monitoring" and ServiceAccount "api" of namespace "shop"`, unknown("metrics-reader", "they work"))}} with input as obj
}

test_fires_without_subject_namespace if {
	# The API server rejects it; no default exempts it.
	obj := cluster_binding("view", [{"kind": "ServiceAccount", "name": "api"}])
	service_account_cluster_binding.findings == {{"msg": msg("view", `ServiceAccount "api" without a namespace`, unknown("view", "it works"))}} with input as obj
}

test_fires_for_cluster_role_of_namespaced_resources if {
	# The ClusterRole is given and names only namespaced resources: a RoleBinding grants the same.
	obj := cluster_binding("config-reader", [sa("shop", "api")])
	role := cluster_role("config-reader", [config_maps, {"apiGroups": ["apps"], "resources": ["deployments", "deployments/scale"], "verbs": ["get", "patch"]}])
	service_account_cluster_binding.findings == {{"msg": msg("config-reader", api, known("config-reader"))}} with input as obj
		with data.inventory as fixtures.inventory([obj, role])
}

test_fires_for_near_misses_of_cluster_scoped_resources if {
	# nodes in resourceNames, a custom nodepools resource, and another ClusterRole naming nodes.
	obj := cluster_binding("config-reader", [sa("shop", "api")])
	role := cluster_role("config-reader", [
		{"apiGroups": [""], "resources": ["configmaps"], "resourceNames": ["nodes"], "verbs": ["get"]},
		{"apiGroups": ["karpenter.sh"], "resources": ["nodepools", "nodeclaims/status"], "verbs": ["get"]},
	])
	other := cluster_role("node-reader", [nodes])
	service_account_cluster_binding.findings == {{"msg": msg("config-reader", api, known("config-reader"))}} with input as obj
		with data.inventory as fixtures.inventory([obj, role, other])
}

test_fires_when_only_other_kinds_of_the_name_name_nodes if {
	# A Role of that name, or a ClusterRole of another API group, is not the ClusterRole bound.
	obj := cluster_binding("config-reader", [sa("shop", "api")])
	role := {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": {"name": "config-reader", "namespace": "shop"}, "rules": [nodes]}
	other := object.union(cluster_role("config-reader", [nodes]), {"apiVersion": "iam.example.com/v1"})
	service_account_cluster_binding.findings == {{"msg": msg("config-reader", api, unknown("config-reader", "it works"))}} with input as obj
		with data.inventory as fixtures.inventory([obj, role, other])
}

test_fires_for_aggregated_cluster_role_of_namespaced_resources if {
	# The ClusterRoles of the input it aggregates name nothing cluster-wide; others may exist.
	obj := cluster_binding("monitoring-view", [sa("shop", "api")])
	role := aggregated_role("monitoring-view", {"rbac.example.com/aggregate-to-monitoring": "true"})
	part := object.union(cluster_role("monitoring-configmaps", [config_maps]), {"metadata": {"labels": {"rbac.example.com/aggregate-to-monitoring": "true"}}})
	unmatched := object.union(cluster_role("node-reader", [nodes]), {"metadata": {"labels": {"rbac.example.com/aggregate-to-other": "true"}}})
	service_account_cluster_binding.findings == {{"msg": msg("monitoring-view", api, aggregating("monitoring-view"))}} with input as obj
		with data.inventory as fixtures.inventory([obj, role, part, unmatched])
}

test_fires_under_gatekeeper_review_with_parameters if {
	review := {"review": {"object": cluster_binding("view", [sa("kube-system", "dns"), sa("shop", "api")])}, "parameters": {"rules": {"service-account-cluster-binding": {"exemptNamespaces": ["shop"]}}}}
	service_account_cluster_binding.findings == {{"msg": msg("view", `ServiceAccount "dns" of namespace "kube-system"`, unknown("view", "it works"))}} with input as review
}

test_fires_with_overridden_exempt_namespaces if {
	obj := cluster_binding("view", [sa("kube-system", "dns"), sa("shop", "api")])
	result := service_account_cluster_binding.findings with input as obj
		with data.lib.parameters["service-account-cluster-binding"].exemptNamespaces as ["shop"]
	result == {{"msg": msg("view", `ServiceAccount "dns" of namespace "kube-system"`, unknown("view", "it works"))}}
}

test_fires_with_no_exempt_namespaces if {
	obj := cluster_binding("view", [sa("kube-system", "dns")])
	result := service_account_cluster_binding.findings with input as obj
		with data.lib.parameters["service-account-cluster-binding"].exemptNamespaces as []
	count(result) == 1
}

test_fires_with_overridden_cluster_scoped_resources if {
	# With nodes taken out of clusterScopedResources, a ClusterRole naming nodes is namespaced.
	obj := cluster_binding("node-reader", [sa("shop", "api")])
	role := cluster_role("node-reader", [nodes])
	result := service_account_cluster_binding.findings with input as obj
		with data.inventory as fixtures.inventory([obj, role])
		with data.lib.parameters["service-account-cluster-binding"].clusterScopedResources as ["widgets"]
	result == {{"msg": msg("node-reader", api, known("node-reader"))}}
}

test_passes_for_cluster_role_naming_cluster_scoped_resources if {
	obj := cluster_binding("node-reader", [sa("shop", "api")])
	every rules in [
		[config_maps, nodes],
		[{"apiGroups": [""], "resources": ["nodes/metrics", "nodes/proxy"], "verbs": ["get"]}],
		[{"apiGroups": ["authentication.k8s.io"], "resources": ["tokenreviews"], "verbs": ["create"]}],
		[{"apiGroups": ["networking.k8s.io"], "resources": ["ingressclasses"], "verbs": ["list"]}],
	] {
		count(service_account_cluster_binding.findings) == 0 with input as obj
			with data.inventory as fixtures.inventory([obj, cluster_role("node-reader", rules)])
	}
}

test_passes_for_cluster_role_with_non_resource_urls if {
	obj := cluster_binding("metrics-scraper", [sa("monitoring", "prometheus")])
	role := cluster_role("metrics-scraper", [config_maps, {"nonResourceURLs": ["/metrics"], "verbs": ["get"]}])
	count(service_account_cluster_binding.findings) == 0 with input as obj
		with data.inventory as fixtures.inventory([obj, role])
}

test_passes_for_cluster_role_with_wildcard_resources if {
	obj := cluster_binding("deployer", [sa("argocd", "argocd-application-controller")])
	role := cluster_role("deployer", [{"apiGroups": ["apps"], "resources": ["*"], "verbs": ["get"]}])
	count(service_account_cluster_binding.findings) == 0 with input as obj
		with data.inventory as fixtures.inventory([obj, role])
}

test_passes_with_overridden_cluster_scoped_resources if {
	obj := cluster_binding("widget-reader", [sa("shop", "api")])
	role := cluster_role("widget-reader", [{"apiGroups": ["example.com"], "resources": ["clusterwidgets"], "verbs": ["get"]}])
	count(service_account_cluster_binding.findings) == 0 with input as obj
		with data.inventory as fixtures.inventory([obj, role])
		with data.lib.parameters["service-account-cluster-binding"].clusterScopedResources as ["clusterwidgets"]
}

test_passes_for_aggregated_cluster_role_of_cluster_scoped_resources if {
	# An aggregated ClusterRole grants the rules of the ClusterRoles its selectors match.
	obj := cluster_binding("monitoring-view", [sa("shop", "api")])
	role := aggregated_role("monitoring-view", {"rbac.example.com/aggregate-to-monitoring": "true"})
	part := object.union(cluster_role("monitoring-nodes", [nodes]), {"metadata": {"labels": {"rbac.example.com/aggregate-to-monitoring": "true"}}})
	count(service_account_cluster_binding.findings) == 0 with input as obj
		with data.inventory as fixtures.inventory([obj, role, part])
}

test_passes_under_gatekeeper_with_synced_cluster_role if {
	obj := cluster_binding("node-reader", [sa("shop", "api")])
	review := {"review": {"object": obj}, "parameters": {"rules": {"service-account-cluster-binding": {"exemptNamespaces": [], "clusterScopedResources": ["nodes"]}}}}
	count(service_account_cluster_binding.findings) == 0 with input as review
		with data.inventory as fixtures.inventory([cluster_role("node-reader", [nodes])])
}

test_passes_for_system_cluster_roles if {
	# Kubernetes' own ClusterRoles, given or not, are bound cluster-wide by design.
	obj := cluster_binding("system:auth-delegator", [sa("monitoring", "prometheus-adapter")])
	count(service_account_cluster_binding.findings) == 0 with input as obj
	role := cluster_role("system:auth-delegator", [config_maps])
	count(service_account_cluster_binding.findings) == 0 with input as obj
		with data.inventory as fixtures.inventory([obj, role])
}

test_fires_for_role_named_like_a_system_role if {
	# Only the prefix "system:" marks Kubernetes' own roles.
	obj := cluster_binding("my-system:reader", [sa("shop", "api")])
	service_account_cluster_binding.findings == {{"msg": msg("my-system:reader", api, unknown("my-system:reader", "it works"))}} with input as obj
}

test_passes_for_default_exempt_namespaces if {
	obj := cluster_binding("node-proxier", [sa("kube-system", "kube-proxy"), sa("kube-public", "x"), sa("kube-node-lease", "y")])
	count(service_account_cluster_binding.findings) == 0 with input as obj
}

test_passes_for_exempt_namespace_under_gatekeeper if {
	review := {"review": {"object": cluster_binding("view", [sa("shop", "api")])}, "parameters": {"rules": {"service-account-cluster-binding": {"exemptNamespaces": ["shop"]}}}}
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
