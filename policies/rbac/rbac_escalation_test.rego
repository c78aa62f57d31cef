package prodready.rules.rbac_escalation_test

import data.prodready.rules.rbac_escalation

cluster_role(rules) := {
	"apiVersion": "rbac.authorization.k8s.io/v1",
	"kind": "ClusterRole",
	"metadata": {"name": "delegator"},
	"rules": rules,
}

role(rules) := {
	"apiVersion": "rbac.authorization.k8s.io/v1",
	"kind": "Role",
	"metadata": {"name": "delegator", "namespace": "team-a"},
	"rules": rules,
}

cluster_scope := "in every namespace it is bound in (all of them through a ClusterRoleBinding)"

rbac_group := "rbac.authorization.k8s.io"

escalate := "escalate lets its holder write roles with permissions it does not have"

bind := "bind lets it bind roles it does not hold, to itself"

impersonate := "impersonate lets it act as other users, groups or ServiceAccounts"

msg(i, verbs, what, scope, effects) := sprintf("rules[%d] grants %s (%s) %s: %s; grant the permissions themselves, not the power to grant them", [i, verbs, what, scope, concat(", and ", effects)])

test_fires_for_escalate if {
	obj := cluster_role([{"apiGroups": [rbac_group], "resources": ["clusterroles"], "verbs": ["escalate"]}])
	rbac_escalation.findings == {{"msg": msg(0, "escalate", "verbs [\"escalate\"] on resources [\"clusterroles\"] of apiGroups [\"rbac.authorization.k8s.io\"]", cluster_scope, [escalate])}} with input as obj
}

test_fires_for_bind_in_role if {
	obj := role([{"apiGroups": [rbac_group], "resources": ["roles"], "verbs": ["get", "bind"]}])
	rbac_escalation.findings == {{"msg": msg(0, "bind", "verbs [\"get\", \"bind\"] on resources [\"roles\"] of apiGroups [\"rbac.authorization.k8s.io\"]", "in namespace \"team-a\"", [bind])}} with input as obj
}

test_fires_for_bind_limited_by_resource_names if {
	obj := role([{"apiGroups": [rbac_group], "resources": ["clusterroles"], "resourceNames": ["view"], "verbs": ["bind"]}])
	rbac_escalation.findings == {{"msg": msg(0, "bind", "verbs [\"bind\"] on resources [\"clusterroles\"] of apiGroups [\"rbac.authorization.k8s.io\"] (resourceNames [\"view\"])", "in namespace \"team-a\"", [bind])}} with input as obj
}

test_fires_for_impersonate if {
	obj := cluster_role([{"apiGroups": [""], "resources": ["users", "groups", "serviceaccounts"], "verbs": ["impersonate"]}])
	rbac_escalation.findings == {{"msg": msg(0, "impersonate", "verbs [\"impersonate\"] on resources [\"users\", \"groups\", \"serviceaccounts\"] of apiGroups [\"\"]", cluster_scope, [impersonate])}} with input as obj
}

test_fires_for_impersonate_of_user_extras if {
	obj := cluster_role([{"apiGroups": ["authentication.k8s.io"], "resources": ["userextras/scopes", "uids"], "verbs": ["impersonate"]}])
	count(rbac_escalation.findings) == 1 with input as obj
}

test_fires_for_all_three if {
	obj := cluster_role([
		{"apiGroups": [rbac_group], "resources": ["roles", "clusterroles"], "verbs": ["escalate", "bind"]},
		{"apiGroups": [""], "resources": ["serviceaccounts"], "verbs": ["impersonate"]},
	])
	rbac_escalation.findings == {
		{"msg": msg(0, "escalate, bind", "verbs [\"escalate\", \"bind\"] on resources [\"roles\", \"clusterroles\"] of apiGroups [\"rbac.authorization.k8s.io\"]", cluster_scope, [escalate, bind])},
		{"msg": msg(1, "impersonate", "verbs [\"impersonate\"] on resources [\"serviceaccounts\"] of apiGroups [\"\"]", cluster_scope, [impersonate])},
	} with input as obj
}

test_fires_for_wildcard_verbs_on_roles if {
	obj := role([{"apiGroups": [rbac_group], "resources": ["roles", "rolebindings"], "verbs": ["*"]}])
	rbac_escalation.findings == {{"msg": msg(0, "escalate, bind", "verbs [\"*\"] on resources [\"roles\", \"rolebindings\"] of apiGroups [\"rbac.authorization.k8s.io\"]", "in namespace \"team-a\"", [escalate, bind])}} with input as obj
}

test_fires_for_wildcard_everything if {
	obj := cluster_role([{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}])
	rbac_escalation.findings == {{"msg": msg(0, "escalate, bind, impersonate", "verbs [\"*\"] on resources [\"*\"] of apiGroups [\"*\"]", cluster_scope, [escalate, bind, impersonate])}} with input as obj
}

test_fires_for_bind_on_wildcard_resources if {
	obj := cluster_role([{"apiGroups": [rbac_group], "resources": ["*"], "verbs": ["bind"]}])
	count(rbac_escalation.findings) == 1 with input as obj
}

test_fires_under_gatekeeper_review if {
	review := {"review": {"object": cluster_role([{"apiGroups": [""], "resources": ["users"], "verbs": ["impersonate"]}])}, "parameters": {}}
	count(rbac_escalation.findings) == 1 with input as review
}

test_passes_for_managing_bindings if {
	# Creating RoleBindings needs bind only for roles the creator does not hold.
	obj := role([
		{"apiGroups": [rbac_group], "resources": ["rolebindings", "roles"], "verbs": ["get", "list", "create", "update", "delete"]},
		{"apiGroups": [""], "resources": ["serviceaccounts"], "verbs": ["get", "create"]},
	])
	count(rbac_escalation.findings) == 0 with input as obj
}

test_passes_for_wildcard_verbs_on_other_resources if {
	# rbac-wildcard's finding, not an escalation.
	obj := cluster_role([
		{"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["*"]},
		{"apiGroups": [""], "resources": ["pods"], "verbs": ["*"]},
	])
	count(rbac_escalation.findings) == 0 with input as obj
}

test_passes_for_verbs_on_resources_they_do_not_act_on if {
	obj := cluster_role([
		{"apiGroups": [""], "resources": ["pods"], "verbs": ["bind", "escalate", "impersonate"]},
		{"apiGroups": ["apps"], "resources": ["*"], "verbs": ["bind", "impersonate"]},
	])
	count(rbac_escalation.findings) == 0 with input as obj
}

test_passes_for_wrong_api_group if {
	# roles of another API group, and users of the rbac group, are not what these verbs act on.
	obj := cluster_role([
		{"apiGroups": ["example.com"], "resources": ["roles"], "verbs": ["bind", "escalate"]},
		{"apiGroups": [rbac_group], "resources": ["users"], "verbs": ["impersonate"]},
	])
	count(rbac_escalation.findings) == 0 with input as obj
}

test_passes_for_aggregated_cluster_role if {
	obj := {
		"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "admin-extra"},
		"aggregationRule": {"clusterRoleSelectors": [{"matchLabels": {"rbac.example.com/aggregate-to-admin": "true"}}]},
	}
	count(rbac_escalation.findings) == 0 with input as obj
}

test_skips_other_kinds if {
	binding := {
		"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": {"name": "x", "namespace": "team-a"},
		"roleRef": {"apiGroup": rbac_group, "kind": "ClusterRole", "name": "delegator"},
		"subjects": [{"kind": "ServiceAccount", "name": "bind", "namespace": "team-a"}],
	}
	count(rbac_escalation.findings) == 0 with input as binding
	other := json.patch(cluster_role([{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}]), [{"op": "replace", "path": "/apiVersion", "value": "iam.example.com/v1"}])
	count(rbac_escalation.findings) == 0 with input as other
}
