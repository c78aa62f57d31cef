package prodready.rules.cluster_admin_service_account_test

import data.prodready.rules.cluster_admin_service_account

cluster_binding(role_ref, subjects) := {
	"apiVersion": "rbac.authorization.k8s.io/v1",
	"kind": "ClusterRoleBinding",
	"metadata": {"name": "deployer"},
	"roleRef": role_ref,
	"subjects": subjects,
}

binding(role_ref, subjects) := {
	"apiVersion": "rbac.authorization.k8s.io/v1",
	"kind": "RoleBinding",
	"metadata": {"name": "deployer", "namespace": "ci"},
	"roleRef": role_ref,
	"subjects": subjects,
}

cluster_admin := {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "cluster-admin"}

sa(ns, name) := {"kind": "ServiceAccount", "name": name, "namespace": ns}

group(name) := {"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": name}

user(name) := {"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": name}

msg(kind, subject, reach) := sprintf("%s binds ClusterRole cluster-admin to %s: whoever holds its token (a compromised pod running as it, anyone who can read it) gets full control of %s; bind a Role or ClusterRole with only the verbs and resources it needs instead", [kind, subject, reach])

# group_msg(subjects) is the message for a group, or several subjects: "they".
group_msg(subjects) := sprintf("ClusterRoleBinding binds ClusterRole cluster-admin to %s: whoever holds one of their tokens (a compromised pod running as one of them, anyone who can read one) gets full control of the whole cluster; bind a Role or ClusterRole with only the verbs and resources they need instead", [subjects])

cluster_msg(subject) := msg("ClusterRoleBinding", subject, "the whole cluster")

namespace_msg(subject) := msg("RoleBinding", subject, "namespace \"ci\", its Secrets and RBAC included")

test_fires_for_cluster_binding_to_service_account if {
	obj := cluster_binding(cluster_admin, [sa("ci", "deployer")])
	cluster_admin_service_account.findings == {{"msg": cluster_msg("ServiceAccount \"deployer\" of namespace \"ci\"")}} with input as obj
}

test_fires_for_role_binding_to_service_account if {
	obj := binding(cluster_admin, [sa("ci", "deployer")])
	cluster_admin_service_account.findings == {{"msg": namespace_msg("ServiceAccount \"deployer\" of namespace \"ci\"")}} with input as obj
}

test_fires_for_service_account_in_kube_system if {
	# service-account-cluster-binding exempts kube-system; cluster-admin is never exempt.
	obj := cluster_binding(cluster_admin, [sa("kube-system", "tiller")])
	cluster_admin_service_account.findings == {{"msg": cluster_msg("ServiceAccount \"tiller\" of namespace \"kube-system\"")}} with input as obj
}

test_fires_for_service_account_without_namespace_in_role_binding if {
	obj := binding(cluster_admin, [{"kind": "ServiceAccount", "name": "default"}])
	cluster_admin_service_account.findings == {{"msg": namespace_msg("ServiceAccount \"default\" of namespace \"ci\"")}} with input as obj
}

test_fires_for_group_of_namespace_service_accounts if {
	obj := cluster_binding(cluster_admin, [group("system:serviceaccounts:ci")])
	cluster_admin_service_account.findings == {{"msg": group_msg("Group \"system:serviceaccounts:ci\" (every ServiceAccount of namespace \"ci\")")}} with input as obj
}

test_fires_for_group_of_all_service_accounts if {
	obj := cluster_binding(cluster_admin, [group("system:serviceaccounts")])
	cluster_admin_service_account.findings == {{"msg": group_msg("Group \"system:serviceaccounts\" (every ServiceAccount of the cluster)")}} with input as obj
}

test_fires_for_service_account_user_name if {
	obj := cluster_binding(cluster_admin, [user("system:serviceaccount:ci:deployer")])
	cluster_admin_service_account.findings == {{"msg": cluster_msg("User \"system:serviceaccount:ci:deployer\" (ServiceAccount \"deployer\" of namespace \"ci\")")}} with input as obj
}

test_fires_once_naming_every_service_account_subject if {
	obj := cluster_binding(cluster_admin, [
		user("alice@example.com"),
		sa("ci", "deployer"),
		group("system:masters"),
		sa("argo", "argocd-server"),
		group("system:serviceaccounts:ci"),
	])
	cluster_admin_service_account.findings == {{"msg": group_msg(`ServiceAccount "deployer" of namespace "ci", ServiceAccount "argocd-server" of namespace "argo" and Group "system:serviceaccounts:ci" (every ServiceAccount of namespace "ci")`)}} with input as obj
}

test_fires_once_for_a_subject_listed_twice if {
	obj := cluster_binding(cluster_admin, [sa("ci", "deployer"), sa("ci", "deployer")])
	cluster_admin_service_account.findings == {{"msg": cluster_msg(`ServiceAccount "deployer" of namespace "ci"`)}} with input as obj
}

test_fires_for_role_binding_without_namespace if {
	# Not `namespace ""`: the RoleBinding and its subject are of the namespace it is applied to.
	obj := json.remove(binding(cluster_admin, [{"kind": "ServiceAccount", "name": "deployer"}]), ["/metadata/namespace"])
	cluster_admin_service_account.findings == {{"msg": msg("RoleBinding", `ServiceAccount "deployer" of the RoleBinding's namespace`, "the RoleBinding's namespace, its Secrets and RBAC included")}} with input as obj
}

test_fires_under_gatekeeper_review if {
	review := {"review": {"object": cluster_binding(cluster_admin, [sa("ci", "deployer")])}, "parameters": {"rules": {"cluster-admin-service-account": {}}}}
	cluster_admin_service_account.findings == {{"msg": cluster_msg("ServiceAccount \"deployer\" of namespace \"ci\"")}} with input as review
}

test_fires_for_v1beta1_binding if {
	obj := json.patch(cluster_binding(cluster_admin, [sa("ci", "deployer")]), [{"op": "replace", "path": "/apiVersion", "value": "rbac.authorization.k8s.io/v1beta1"}])
	count(cluster_admin_service_account.findings) == 1 with input as obj
}

test_passes_for_people if {
	obj := cluster_binding(cluster_admin, [user("alice@example.com"), group("platform-admins"), group("system:masters")])
	count(cluster_admin_service_account.findings) == 0 with input as obj
}

test_passes_for_user_names_that_are_not_service_accounts if {
	# Four colon-separated parts are needed: system:serviceaccount:<ns>:<name>.
	obj := cluster_binding(cluster_admin, [user("system:serviceaccount:ci"), user("system:serviceaccounts:ci:deployer"), group("system:serviceaccount:ci")])
	count(cluster_admin_service_account.findings) == 0 with input as obj
}

test_passes_for_other_cluster_roles if {
	obj := cluster_binding({"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "edit"}, [sa("ci", "deployer")])
	count(cluster_admin_service_account.findings) == 0 with input as obj
	admin := binding({"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "admin"}, [sa("ci", "deployer")])
	count(cluster_admin_service_account.findings) == 0 with input as admin
}

test_passes_for_namespaced_role_named_cluster_admin if {
	# A Role of the namespace that happens to be called cluster-admin is not the ClusterRole.
	obj := binding({"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "cluster-admin"}, [sa("ci", "deployer")])
	count(cluster_admin_service_account.findings) == 0 with input as obj
}

test_passes_without_subjects if {
	obj := json.remove(cluster_binding(cluster_admin, []), ["/subjects"])
	count(cluster_admin_service_account.findings) == 0 with input as obj
}

test_skips_other_kinds_and_groups if {
	role := {
		"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "cluster-admin"},
		"rules": [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}],
	}
	count(cluster_admin_service_account.findings) == 0 with input as role
	other := json.patch(cluster_binding(cluster_admin, [sa("ci", "deployer")]), [{"op": "replace", "path": "/apiVersion", "value": "iam.example.com/v1"}])
	count(cluster_admin_service_account.findings) == 0 with input as other
}
