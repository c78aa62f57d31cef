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

advice(kind, pronoun) := sprintf("grant the permissions themselves, not the power to grant them, or, where a controller needs %s, limit %s with resourceNames to the roles or subjects concerned and exempt this %s (prodready.dev/exempt: rbac-escalation) with a reason", [pronoun, pronoun, kind])

# msg(causes, kind, scope, effects) is the message naming each rule's cause.
msg(causes, kind, scope, effects) := sprintf("%s %s: %s; %s", [causes, scope, concat(", and ", effects), advice(kind, pronoun(effects))])

pronoun([_]) := "it"

pronoun(effects) := "them" if count(effects) > 1

cause(i, verbs, what) := sprintf("rules[%d] grants %s (%s)", [i, verbs, what])

test_fires_for_escalate if {
	obj := cluster_role([{"apiGroups": [rbac_group], "resources": ["clusterroles"], "verbs": ["escalate"]}])
	rbac_escalation.findings == {{"msg": msg(cause(0, "escalate", `verbs ["escalate"] on resources ["clusterroles"] of apiGroups ["rbac.authorization.k8s.io"]`), "ClusterRole", cluster_scope, [escalate])}} with input as obj
}

test_fires_for_bind_in_role if {
	obj := role([{"apiGroups": [rbac_group], "resources": ["roles"], "verbs": ["get", "bind"]}])
	rbac_escalation.findings == {{"msg": msg(cause(0, "bind", `verbs ["get", "bind"] on resources ["roles"] of apiGroups ["rbac.authorization.k8s.io"]`), "Role", `in namespace "team-a"`, [bind])}} with input as obj
}

test_fires_for_role_without_namespace if {
	obj := json.remove(role([{"apiGroups": [rbac_group], "resources": ["roles"], "verbs": ["bind"]}]), ["/metadata/namespace"])
	rbac_escalation.findings == {{"msg": msg(cause(0, "bind", `verbs ["bind"] on resources ["roles"] of apiGroups ["rbac.authorization.k8s.io"]`), "Role", "in its namespace", [bind])}} with input as obj
}

test_fires_for_bind_limited_by_resource_names if {
	obj := role([{"apiGroups": [rbac_group], "resources": ["clusterroles"], "resourceNames": ["view"], "verbs": ["bind"]}])
	rbac_escalation.findings == {{"msg": msg(cause(0, "bind", `verbs ["bind"] on resources ["clusterroles"] of apiGroups ["rbac.authorization.k8s.io"] (resourceNames ["view"])`), "Role", `in namespace "team-a"`, [bind])}} with input as obj
}

test_fires_for_impersonate if {
	obj := cluster_role([{"apiGroups": [""], "resources": ["users", "groups", "serviceaccounts"], "verbs": ["impersonate"]}])
	rbac_escalation.findings == {{"msg": msg(cause(0, "impersonate", `verbs ["impersonate"] on resources ["users", "groups", "serviceaccounts"] of apiGroups [""]`), "ClusterRole", cluster_scope, [impersonate])}} with input as obj
}

test_fires_for_impersonate_of_user_extras if {
	obj := cluster_role([{"apiGroups": ["authentication.k8s.io"], "resources": ["userextras/scopes", "uids"], "verbs": ["impersonate"]}])
	count(rbac_escalation.findings) == 1 with input as obj
}

test_fires_once_naming_every_rule if {
	obj := cluster_role([
		{"apiGroups": [rbac_group], "resources": ["roles", "clusterroles"], "verbs": ["escalate", "bind"]},
		{"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]},
		{"apiGroups": [""], "resources": ["serviceaccounts"], "verbs": ["impersonate"]},
	])
	causes := concat(" and ", [
		cause(0, "escalate and bind", `verbs ["escalate", "bind"] on resources ["roles", "clusterroles"] of apiGroups ["rbac.authorization.k8s.io"]`),
		cause(2, "impersonate", `verbs ["impersonate"] on resources ["serviceaccounts"] of apiGroups [""]`),
	])
	rbac_escalation.findings == {{"msg": msg(causes, "ClusterRole", cluster_scope, [escalate, bind, impersonate])}} with input as obj
}

test_fires_once_for_the_same_verb_in_two_rules if {
	obj := role([
		{"apiGroups": [rbac_group], "resources": ["roles"], "verbs": ["bind"]},
		{"apiGroups": [rbac_group], "resources": ["clusterroles"], "resourceNames": ["view"], "verbs": ["bind"]},
	])
	causes := concat(" and ", [
		cause(0, "bind", `verbs ["bind"] on resources ["roles"] of apiGroups ["rbac.authorization.k8s.io"]`),
		cause(1, "bind", `verbs ["bind"] on resources ["clusterroles"] of apiGroups ["rbac.authorization.k8s.io"] (resourceNames ["view"])`),
	])
	rbac_escalation.findings == {{"msg": msg(causes, "Role", `in namespace "team-a"`, [bind])}} with input as obj
}

test_fires_for_wildcard_api_groups if {
	# "*" apiGroups with the verb and the resource named: the rule names bind on roles.
	obj := cluster_role([{"apiGroups": ["*"], "resources": ["roles"], "verbs": ["bind"]}])
	rbac_escalation.findings == {{"msg": msg(cause(0, "bind", `verbs ["bind"] on resources ["roles"] of apiGroups ["*"]`), "ClusterRole", cluster_scope, [bind])}} with input as obj
}

test_fires_for_named_verb_beside_a_wildcard if {
	# bind and roles are named; the "*" beside them is rbac-wildcard's too.
	obj := cluster_role([
		{"apiGroups": [rbac_group], "resources": ["roles"], "verbs": ["bind", "*"]},
		{"apiGroups": [rbac_group], "resources": ["clusterroles", "*"], "verbs": ["escalate"]},
	])
	causes := concat(" and ", [
		cause(0, "bind", `verbs ["bind", "*"] on resources ["roles"] of apiGroups ["rbac.authorization.k8s.io"]`),
		cause(1, "escalate", `verbs ["escalate"] on resources ["clusterroles", "*"] of apiGroups ["rbac.authorization.k8s.io"]`),
	])
	rbac_escalation.findings == {{"msg": msg(causes, "ClusterRole", cluster_scope, [escalate, bind])}} with input as obj
}

test_fires_under_gatekeeper_review if {
	review := {"review": {"object": cluster_role([{"apiGroups": [""], "resources": ["users"], "verbs": ["impersonate"]}])}, "parameters": {"rules": {"rbac-escalation": {}}}}
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

test_passes_for_wildcard_verbs if {
	# rbac-wildcard's finding, not an escalation: one finding per wildcard.
	obj := cluster_role([
		{"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["*"]},
		{"apiGroups": [""], "resources": ["pods"], "verbs": ["*"]},
		{"apiGroups": [rbac_group], "resources": ["roles", "rolebindings"], "verbs": ["*"]},
		{"apiGroups": [""], "resources": ["serviceaccounts"], "verbs": ["*"]},
	])
	count(rbac_escalation.findings) == 0 with input as obj
}

test_passes_for_wildcard_resources if {
	obj := cluster_role([
		{"apiGroups": [rbac_group], "resources": ["*"], "verbs": ["bind", "escalate"]},
		{"apiGroups": [""], "resources": ["*"], "verbs": ["impersonate"]},
	])
	count(rbac_escalation.findings) == 0 with input as obj
}

test_passes_for_wildcard_everything if {
	obj := cluster_role([{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}])
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
