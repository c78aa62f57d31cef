package lib.prodready.rbac_test

import data.lib.prodready.rbac

cluster_role := {
	"apiVersion": "rbac.authorization.k8s.io/v1",
	"kind": "ClusterRole",
	"metadata": {"name": "reader"},
	"rules": [
		{"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]},
		{"nonResourceURLs": ["/metrics"], "verbs": ["get"]},
	],
}

role_binding := {
	"apiVersion": "rbac.authorization.k8s.io/v1",
	"kind": "RoleBinding",
	"metadata": {"name": "reader", "namespace": "shop"},
	"roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"},
	"subjects": [{"kind": "ServiceAccount", "name": "api"}, {"kind": "User", "name": "alice"}],
}

test_is_role_and_binding if {
	rbac.is_role with input as cluster_role
	not rbac.is_binding with input as cluster_role
	rbac.is_binding with input as role_binding
	not rbac.is_role with input as role_binding
	rbac.is_role with input as {"review": {"object": cluster_role}}
	not rbac.is_role with input as object.union(cluster_role, {"apiVersion": "example.com/v1"})
	not rbac.is_role with input as {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "x"}}
}

test_rules_by_index if {
	rbac.rules == {0: cluster_role.rules[0], 1: cluster_role.rules[1]} with input as cluster_role
	rbac.rules == {} with input as json.remove(cluster_role, ["/rules"])
	rbac.rules == {} with input as object.union(cluster_role, {"rules": null})
	rbac.rules == {} with input as role_binding
}

test_subjects_and_role_ref if {
	rbac.subjects == {{"kind": "ServiceAccount", "name": "api"}, {"kind": "User", "name": "alice"}} with input as role_binding
	rbac.subjects == set() with input as json.remove(role_binding, ["/subjects"])
	rbac.subjects == set() with input as object.union(cluster_role, {"subjects": role_binding.subjects})
	rbac.binds_cluster_role("view") with input as role_binding
	not rbac.binds_cluster_role("edit") with input as role_binding
	not rbac.binds_cluster_role("view") with input as json.patch(role_binding, [{"op": "replace", "path": "/roleRef/kind", "value": "Role"}])
}

test_field if {
	rbac.field({"verbs": ["get"]}, "verbs") == ["get"]
	rbac.field({"verbs": null}, "verbs") == []
	rbac.field({}, "verbs") == []
}

test_covers_group if {
	rbac.covers_group({"apiGroups": [""]}, "")
	rbac.covers_group({"apiGroups": ["apps", "*"]}, "")
	not rbac.covers_group({"apiGroups": ["apps"]}, "")
	not rbac.covers_group({}, "")
}

test_lists_verb if {
	rbac.lists_verb({"verbs": ["get", "bind"]}, "bind")
	rbac.lists_verb({"verbs": ["bind", "*"]}, "bind")
	not rbac.lists_verb({"verbs": ["*"]}, "bind")
	not rbac.lists_verb({}, "get")
}

test_lists_resource if {
	rbac.lists_resource({"resources": ["secrets"]}, "secrets")
	rbac.lists_resource({"resources": ["nodes/metrics"]}, "nodes")
	rbac.lists_resource({"resources": ["*", "secrets"]}, "secrets")
	not rbac.lists_resource({"resources": ["*"]}, "secrets")
	not rbac.lists_resource({"resources": ["secretstores"]}, "secrets")
	not rbac.lists_resource({"resources": ["*/scale"]}, "secrets")
	not rbac.lists_resource({"nonResourceURLs": ["secrets"]}, "secrets")
}

test_in_order if {
	binding := object.union(role_binding, {"subjects": [
		{"kind": "User", "name": "alice"},
		{"kind": "ServiceAccount", "name": "api"},
		{"kind": "User", "name": "alice"},
		{"kind": "ServiceAccount", "name": "web"},
	]})
	rbac.in_order({{"kind": "User", "name": "alice"}, {"kind": "ServiceAccount", "name": "web"}}) == [{"kind": "User", "name": "alice"}, {"kind": "ServiceAccount", "name": "web"}] with input as binding
	rbac.in_order(set()) == [] with input as binding
}

test_names_resources if {
	rbac.names_resources({"resourceNames": ["tls"]})
	not rbac.names_resources({"resourceNames": []})
	not rbac.names_resources({})
}

test_describe if {
	rbac.describe({"apiGroups": [""], "resources": ["secrets"], "verbs": ["get", "list"]}) == `verbs ["get", "list"] on resources ["secrets"] of apiGroups [""]`
	rbac.describe({"apiGroups": [""], "resources": ["secrets"], "resourceNames": ["tls"], "verbs": ["get"]}) == `verbs ["get"] on resources ["secrets"] of apiGroups [""] (resourceNames ["tls"])`
	rbac.describe({"nonResourceURLs": ["/metrics"], "verbs": ["get"]}) == `verbs ["get"] on nonResourceURLs ["/metrics"]`
}

test_scope if {
	rbac.scope == `in namespace "shop"` with input as {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": {"name": "r", "namespace": "shop"}}
	rbac.scope == "in its namespace" with input as {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": {"name": "r"}}
	rbac.scope == "in every namespace it is bound in (all of them through a ClusterRoleBinding)" with input as cluster_role
}

test_service_account if {
	rbac.service_account({"kind": "ServiceAccount", "name": "api", "namespace": "ci"}) == {"namespace": "ci", "name": "api"}
	rbac.service_account({"kind": "ServiceAccount", "name": "api"}) == {"namespace": "shop", "name": "api"} with input as role_binding
	rbac.service_account({"kind": "User", "name": "system:serviceaccount:ci:api"}) == {"namespace": "ci", "name": "api"}
	not rbac.service_account({"kind": "User", "name": "alice"})
	not rbac.service_account({"kind": "User", "name": "system:serviceaccount:ci"})
	not rbac.service_account({"kind": "Group", "name": "system:serviceaccount:ci:api"})
}

test_service_account_group if {
	rbac.service_account_group({"kind": "Group", "name": "system:serviceaccounts"})
	rbac.service_account_group({"kind": "Group", "name": "system:serviceaccounts:ci"})
	not rbac.service_account_group({"kind": "Group", "name": "system:authenticated"})
	not rbac.service_account_group({"kind": "User", "name": "system:serviceaccounts"})
}

test_describe_subject if {
	rbac.describe_subject({"kind": "ServiceAccount", "name": "api", "namespace": "ci"}) == `ServiceAccount "api" of namespace "ci"`
	rbac.describe_subject({"kind": "User", "name": "system:serviceaccount:ci:api"}) == `User "system:serviceaccount:ci:api" (ServiceAccount "api" of namespace "ci")`
	rbac.describe_subject({"kind": "Group", "name": "system:serviceaccounts"}) == `Group "system:serviceaccounts" (every ServiceAccount of the cluster)`
	rbac.describe_subject({"kind": "Group", "name": "system:serviceaccounts:ci"}) == `Group "system:serviceaccounts:ci" (every ServiceAccount of namespace "ci")`
	rbac.describe_subject({"kind": "User", "name": "alice"}) == `User "alice"`
}

test_describe_subject_without_namespace if {
	# A RoleBinding's ServiceAccount without a namespace is of the binding's namespace.
	rbac.describe_subject({"kind": "ServiceAccount", "name": "api"}) == `ServiceAccount "api" of namespace "shop"` with input as role_binding
	rbac.describe_subject({"kind": "ServiceAccount", "name": "api"}) == `ServiceAccount "api" of the RoleBinding's namespace` with input as json.remove(role_binding, ["/metadata/namespace"])
	cluster_binding := object.union(json.remove(role_binding, ["/metadata/namespace"]), {"kind": "ClusterRoleBinding"})
	rbac.describe_subject({"kind": "ServiceAccount", "name": "api"}) == `ServiceAccount "api" without a namespace` with input as cluster_binding
}
