package prodready.rules.pdb_missing_test

import data.lib.prodready.fixtures
import data.prodready.rules.pdb_missing

workload(kind, replicas) := {
	"apiVersion": "apps/v1", "kind": kind,
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": {
		"replicas": replicas,
		"selector": {"matchLabels": {"app": "api"}},
		"template": {"metadata": {"labels": {"app": "api", "tier": "web"}}, "spec": {"containers": [{"name": "api"}]}},
	},
}

deployment(replicas) := workload("Deployment", replicas)

pdb(selector) := {
	"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": {"maxUnavailable": 1, "selector": selector},
}

hpa(kind, min) := {
	"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": kind, "name": "api"}, "minReplicas": min, "maxReplicas": 10},
}

scaled_object(min) := {
	"apiVersion": "keda.sh/v1alpha1", "kind": "ScaledObject",
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": {"scaleTargetRef": {"name": "api"}, "minReplicaCount": min},
}

finding(kind, replicas, source) := message(kind, replicas, source, "namespace \"shop\"", "labels app=api, tier=web", "add a PodDisruptionBudget with maxUnavailable: 1 whose selector matches those labels")

message(kind, replicas, source, namespace, labels, advice) := {"msg": sprintf("%s api runs at least %v replicas (%s) but no PodDisruptionBudget in %s selects its pods (%s): a node drain, cluster upgrade or autoscaler scale-down may evict all of them at once; %s", [kind, replicas, source, namespace, labels, advice])}

check(obj, others) := result if {
	result := pdb_missing.findings with input as obj with data.inventory as fixtures.inventory(array.concat([obj], others))
}

test_fires_without_any_pdb if {
	check(deployment(3), []) == {finding("Deployment", 3, "spec.replicas 3")}
}

test_fires_with_two_replicas if {
	check(deployment(2), []) == {finding("Deployment", 2, "spec.replicas 2")}
}

test_fires_without_inventory if {
	# Checked alone (no other object given), nothing selects the pods either.
	pdb_missing.findings == {finding("Deployment", 3, "spec.replicas 3")} with input as deployment(3)
}

test_fires_for_each_replicated_kind if {
	every kind in ["StatefulSet", "ReplicaSet", "ReplicationController"] {
		check(workload(kind, 3), []) == {finding(kind, 3, "spec.replicas 3")}
	}
	rollout := object.union(workload("Rollout", 4), {"apiVersion": "argoproj.io/v1alpha1"})
	check(rollout, []) == {finding("Rollout", 4, "spec.replicas 4")}
}

test_fires_when_pdb_selects_other_pods if {
	check(deployment(3), [pdb({"matchLabels": {"app": "web"}})]) == {finding("Deployment", 3, "spec.replicas 3")}
}

test_fires_when_pdb_match_expressions_exclude_the_pods if {
	selector := {"matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["web"]}]}
	check(deployment(3), [pdb(selector)]) == {finding("Deployment", 3, "spec.replicas 3")}
}

test_fires_when_pdb_is_in_another_namespace if {
	other := json.patch(pdb({"matchLabels": {"app": "api"}}), [{"op": "replace", "path": "/metadata/namespace", "value": "other"}])
	check(deployment(3), [other]) == {finding("Deployment", 3, "spec.replicas 3")}
}

test_fires_when_pdb_has_no_selector if {
	no_selector := json.remove(pdb({}), ["spec/selector"])
	check(deployment(3), [no_selector]) == {finding("Deployment", 3, "spec.replicas 3")}
}

test_fires_when_v1beta1_pdb_has_empty_selector if {
	# policy/v1beta1: an empty selector selects no pod.
	old := object.union(pdb({}), {"apiVersion": "policy/v1beta1"})
	check(deployment(3), [old]) == {finding("Deployment", 3, "spec.replicas 3")}
}

test_fires_with_hpa_minimum if {
	check(deployment(1), [hpa("Deployment", 3)]) == {finding("Deployment", 3, "HorizontalPodAutoscaler \"api\" minReplicas 3")}
}

test_fires_with_scaled_object_minimum if {
	check(deployment(1), [scaled_object(2)]) == {finding("Deployment", 2, "ScaledObject \"api\" minReplicaCount 2")}
}

test_fires_under_gatekeeper_review if {
	review := {"review": {"object": deployment(3)}, "parameters": {"rules": {"pdb-missing": {}}}}
	result := pdb_missing.findings with input as review with data.inventory as fixtures.inventory([deployment(3)])
	result == {finding("Deployment", 3, "spec.replicas 3")}
}

test_passes_with_selecting_pdb if {
	count(check(deployment(3), [pdb({"matchLabels": {"app": "api"}})])) == 0
}

test_passes_with_match_expressions_pdb if {
	selector := {"matchExpressions": [{"key": "app", "operator": "In", "values": ["api", "web"]}, {"key": "canary", "operator": "DoesNotExist"}]}
	count(check(deployment(3), [pdb(selector)])) == 0
}

test_passes_with_empty_v1_selector if {
	# policy/v1: {} selects every pod of the namespace.
	count(check(deployment(3), [pdb({})])) == 0
}

test_passes_with_blocking_pdb if {
	# A PDB that blocks drains is pdb-blocks-drain's finding, not this one's.
	blocking := json.patch(pdb({"matchLabels": {"app": "api"}}), [{"op": "replace", "path": "/spec/maxUnavailable", "value": 0}])
	count(check(deployment(3), [blocking])) == 0
}

test_passes_under_gatekeeper_review_with_pdb if {
	review := {"review": {"object": deployment(3)}, "parameters": {"rules": {"pdb-missing": {}}}}
	count(pdb_missing.findings) == 0 with input as review
		with data.inventory as fixtures.inventory([pdb({"matchLabels": {"app": "api"}})])
}

test_passes_with_one_replica if {
	count(check(deployment(1), [])) == 0
}

test_passes_with_replicas_unset if {
	# spec.replicas defaults to 1.
	count(check(json.remove(deployment(3), ["spec/replicas"]), [])) == 0
}

test_passes_when_hpa_minimum_is_one if {
	# The effective minimum is the HPA's minReplicas, not spec.replicas.
	count(check(deployment(3), [hpa("Deployment", 1)])) == 0
}

test_passes_when_hpa_min_replicas_unset if {
	h := json.remove(hpa("Deployment", 3), ["spec/minReplicas"])
	count(check(deployment(3), [h])) == 0
}

test_passes_with_scale_to_zero if {
	# KEDA's minReplicaCount defaults to 0.
	so := json.remove(scaled_object(2), ["spec/minReplicaCount"])
	count(check(deployment(3), [so])) == 0
}

test_hpa_of_another_kind_is_ignored if {
	check(deployment(3), [hpa("StatefulSet", 1)]) == {finding("Deployment", 3, "spec.replicas 3")}
}

test_skips_unreplicated_kinds if {
	every kind in ["DaemonSet", "Job"] {
		count(check(workload(kind, 3), [])) == 0
	}
	pod := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "api", "namespace": "shop", "labels": {"app": "api"}}, "spec": {"containers": [{"name": "api"}]}}
	count(check(pod, [])) == 0
	other_rollout := object.union(workload("Rollout", 3), {"apiVersion": "example.com/v1"})
	count(check(other_rollout, [])) == 0
}

test_skips_replica_set_owned_by_a_deployment if {
	owned := object.union(workload("ReplicaSet", 3), {"metadata": {"ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "api", "controller": true}]}})
	count(check(owned, [])) == 0
}

test_skips_helm_test_pods_and_non_workloads if {
	helm_test := object.union(deployment(3), {"metadata": {"annotations": {"helm.sh/hook": "test"}}})
	count(check(helm_test, [])) == 0
	count(check(pdb({}), [])) == 0
}

test_names_its_namespace_when_it_has_none if {
	no_ns := json.remove(deployment(3), ["metadata/namespace"])
	pdb_missing.findings == {message("Deployment", 3, "spec.replicas 3", "its namespace", "labels app=api, tier=web", "add a PodDisruptionBudget with maxUnavailable: 1 whose selector matches those labels")} with input as no_ns
}

test_says_when_the_pods_have_no_labels if {
	bare := json.remove(deployment(3), ["spec/template/metadata/labels"])
	check(bare, []) == {message("Deployment", 3, "spec.replicas 3", "namespace \"shop\"", "its pod template has no labels", "give the pod template labels (such as app: <name>) and add a PodDisruptionBudget with maxUnavailable: 1 whose selector matches them")}
}

test_skips_explicit_zero_replicas if {
	# Scaled to nothing on purpose, even when an HPA names a higher minimum.
	count(check(deployment(0), [hpa("Deployment", 3)])) == 0
}

rollout_ref := {
	"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout",
	"metadata": {"name": "api-rollout", "namespace": "shop"},
	"spec": {"replicas": 3, "workloadRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "api"}},
}

test_rollout_with_workload_ref_reads_the_deployments_labels if {
	# Argo runs the Deployment's template: a PDB on its labels protects the Rollout.
	objs := [rollout_ref, deployment(0)]
	pdb_missing.findings == {{"msg": "Rollout api-rollout runs at least 3 replicas (spec.replicas 3) but no PodDisruptionBudget in namespace \"shop\" selects its pods (labels app=api, tier=web, from Deployment api): a node drain, cluster upgrade or autoscaler scale-down may evict all of them at once; add a PodDisruptionBudget with maxUnavailable: 1 whose selector matches those labels"}} with input as rollout_ref with data.inventory as fixtures.inventory(objs)
	count(check(rollout_ref, [deployment(0), pdb({"matchLabels": {"app": "api"}})])) == 0
}

test_skips_the_deployment_a_rollout_runs if {
	count(check(deployment(3), [rollout_ref])) == 0
}

test_skips_a_rollout_whose_deployment_is_not_in_the_input if {
	# Its pods' labels are unknown: no finding rather than a guess.
	count(check(rollout_ref, [])) == 0
}
