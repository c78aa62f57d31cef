package prodready.rules.pdb_blocks_drain_test

import data.lib.prodready.fixtures
import data.prodready.rules.pdb_blocks_drain

pdb(budget) := selecting({"matchLabels": {"app": "api"}}, budget)

selecting(selector, budget) := {
	"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": object.union(budget, {"selector": selector}),
}

workload(kind, name, replicas, labels) := {
	"apiVersion": "apps/v1", "kind": kind,
	"metadata": {"name": name, "namespace": "shop"},
	"spec": {"replicas": replicas, "template": {"metadata": {"labels": labels}, "spec": {"containers": [{"name": "c"}]}}},
}

api(replicas) := workload("Deployment", "api", replicas, {"app": "api"})

hpa(min) := {
	"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "api"}, "minReplicas": min, "maxReplicas": 10},
}

scaled_object(min) := {
	"apiVersion": "keda.sh/v1alpha1", "kind": "ScaledObject",
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": {"scaleTargetRef": {"name": "api"}, "minReplicaCount": min},
}

check(p, objs) := result if {
	result := pdb_blocks_drain.findings with input as p with data.inventory as fixtures.inventory(array.concat([p], objs))
}

tail := "hangs until someone deletes the budget; use maxUnavailable: 1"

max_unavailable_zero := {"msg": sprintf("maxUnavailable is 0: no pod it selects may ever be evicted, so every node drain, cluster upgrade and autoscaler scale-down that meets one of them %s", [tail]), "field": ["spec", "maxUnavailable"]}

max_unavailable_zero_percent := {"msg": sprintf("maxUnavailable is \"0%%\": no pod it selects may ever be evicted, so every node drain, cluster upgrade and autoscaler scale-down that meets one of them %s", [tail]), "field": ["spec", "maxUnavailable"]}

min_available_all := {"msg": sprintf("minAvailable is \"100%%\": every pod it selects must stay available, so none may ever be evicted and every node drain, cluster upgrade and autoscaler scale-down that meets one of them %s", [tail]), "field": ["spec", "minAvailable"]}

cross(value, kept, workloads, total, replicas) := {"msg": sprintf("minAvailable %s keeps %s available, and %s%s: at that count no pod may be evicted, so a node drain, cluster upgrade or autoscaler scale-down hangs on them until someone deletes the budget; %s", [value, kept_text(kept), workloads, total, advice(replicas)]), "field": ["spec", "minAvailable"]}

kept_text(1) := "1 pod"

kept_text(n) := sprintf("%v pods", [n]) if n != 1

advice(1) := "use maxUnavailable: 1, and run at least 2 replicas so that one keeps serving while another is evicted"

advice(n) := sprintf("use maxUnavailable: 1, or set minAvailable to at most %v", [n - 1]) if n > 1

test_fires_for_max_unavailable_zero if {
	check(pdb({"maxUnavailable": 0}), []) == {max_unavailable_zero}
}

test_fires_for_max_unavailable_zero_percent if {
	check(pdb({"maxUnavailable": "0%"}), [api(3)]) == {max_unavailable_zero_percent}
}

test_fires_for_min_available_all if {
	# Blocks whatever it selects: not reported twice with the cross check.
	check(pdb({"minAvailable": "100%"}), [api(3)]) == {min_available_all}
}

test_fires_when_min_available_equals_replicas if {
	check(pdb({"minAvailable": 3}), [api(3)]) == {cross("3", 3, "Deployment api runs as few as 3 replicas (spec.replicas 3)", "", 3)}
}

test_fires_when_min_available_exceeds_replicas if {
	check(pdb({"minAvailable": 5}), [api(3)]) == {cross("5", 5, "Deployment api runs as few as 3 replicas (spec.replicas 3)", "", 3)}
}

test_fires_when_replicas_unset if {
	unset := json.remove(api(3), ["spec/replicas"])
	check(pdb({"minAvailable": 1}), [unset]) == {cross("1", 1, "Deployment api runs as few as 1 replica (spec.replicas unset, which defaults to 1)", "", 1)}
}

test_fires_for_percentage_rounded_up if {
	# 80% of 2 is 1.6, rounded up to 2: no pod may go.
	check(pdb({"minAvailable": "80%"}), [api(2)]) == {cross("\"80%\"", 2, "Deployment api runs as few as 2 replicas (spec.replicas 2)", "", 2)}
}

test_fires_at_hpa_minimum if {
	check(pdb({"minAvailable": 2}), [api(5), hpa(2)]) == {cross("2", 2, "Deployment api runs as few as 2 replicas (HorizontalPodAutoscaler \"api\" minReplicas 2)", "", 2)}
}

test_fires_at_scaled_object_minimum if {
	check(pdb({"minAvailable": 2}), [api(5), scaled_object(2)]) == {cross("2", 2, "Deployment api runs as few as 2 replicas (ScaledObject \"api\" minReplicaCount 2)", "", 2)}
}

test_fires_for_statefulset_selected_by_match_expressions if {
	db := workload("StatefulSet", "db", 3, {"app": "db", "role": "primary"})
	p := selecting({"matchExpressions": [{"key": "app", "operator": "In", "values": ["db"]}]}, {"minAvailable": 3})
	check(p, [db]) == {cross("3", 3, "StatefulSet db runs as few as 3 replicas (spec.replicas 3)", "", 3)}
}

test_fires_for_several_workloads_in_all if {
	a := workload("Deployment", "a", 2, {"team": "shop", "app": "a"})
	b := workload("Deployment", "b", 1, {"team": "shop", "app": "b"})
	p := selecting({"matchLabels": {"team": "shop"}}, {"minAvailable": 3})
	check(p, [a, b]) == {cross("3", 3, "Deployment a runs as few as 2 replicas (spec.replicas 2), Deployment b runs as few as 1 replica (spec.replicas 1)", ", 3 in all", 3)}
}

test_fires_under_gatekeeper_review if {
	p := pdb({"minAvailable": 2})
	review := {"review": {"object": p}, "parameters": {"rules": {"pdb-blocks-drain": {}}}}
	result := pdb_blocks_drain.findings with input as review with data.inventory as fixtures.inventory([api(2)])
	result == {cross("2", 2, "Deployment api runs as few as 2 replicas (spec.replicas 2)", "", 2)}
	pdb_blocks_drain.findings == {max_unavailable_zero} with input as {"review": {"object": pdb({"maxUnavailable": 0})}, "parameters": {"rules": {"pdb-blocks-drain": {}}}}
}

test_passes_with_max_unavailable_one if {
	count(check(pdb({"maxUnavailable": 1}), [api(1)])) == 0
	count(check(pdb({"maxUnavailable": "10%"}), [api(3)])) == 0
}

test_passes_when_min_available_below_replicas if {
	count(check(pdb({"minAvailable": 2}), [api(3)])) == 0
	count(check(pdb({"minAvailable": "50%"}), [api(3)])) == 0
}

test_passes_when_workloads_add_up_above_min_available if {
	# The disruption controller counts every selected pod: 2 + 2 > 3.
	a := workload("Deployment", "a", 2, {"team": "shop"})
	b := workload("StatefulSet", "b", 2, {"team": "shop"})
	count(check(selecting({"matchLabels": {"team": "shop"}}, {"minAvailable": 3}), [a, b])) == 0
}

test_passes_when_hpa_minimum_is_above_min_available if {
	count(check(pdb({"minAvailable": 2}), [api(2), hpa(3)])) == 0
}

test_passes_for_scale_to_zero if {
	# At its minimum a scale-to-zero workload runs no pod, so nothing is blocked.
	count(check(pdb({"minAvailable": 1}), [api(1), scaled_object(0)])) == 0
}

test_passes_when_it_selects_nothing_known if {
	count(check(pdb({"minAvailable": 3}), [])) == 0
	count(check(pdb({"minAvailable": 3}), [workload("Deployment", "web", 2, {"app": "web"})])) == 0
}

test_passes_for_other_namespace if {
	elsewhere := json.patch(api(2), [{"op": "replace", "path": "/metadata/namespace", "value": "other"}])
	count(check(pdb({"minAvailable": 2}), [elsewhere])) == 0
}

test_passes_for_unreplicated_kinds if {
	# DaemonSet pods are skipped by kubectl drain; Jobs and bare Pods have no replicas.
	ds := workload("DaemonSet", "api", 1, {"app": "api"})
	count(check(pdb({"minAvailable": 1}), [ds])) == 0
}

test_passes_for_v1beta1_empty_selector if {
	# policy/v1beta1: an empty selector selects no pod (pdb-selector-matches-nothing's finding).
	p := object.union(selecting({}, {"minAvailable": 3}), {"apiVersion": "policy/v1beta1"})
	count(check(p, [api(3)])) == 0
}

test_passes_for_malformed_values if {
	count(check(pdb({"minAvailable": "three"}), [api(3)])) == 0
	count(check(pdb({"maxUnavailable": "none%"}), [api(3)])) == 0
}

test_skips_non_pdbs if {
	count(check(api(3), [])) == 0
	other := object.union(api(3), {"spec": {"maxUnavailable": 0}})
	count(check(other, [])) == 0
}

test_skips_workloads_scaled_to_nothing if {
	count(check(pdb({"minAvailable": 1}), [api(0)])) == 0
}

test_counts_a_rollout_once_not_its_deployment_too if {
	# The Deployment a Rollout runs through workloadRef is not a workload of its own.
	rollout := {
		"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout",
		"metadata": {"name": "api-rollout", "namespace": "shop"},
		"spec": {"replicas": 2, "workloadRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "api"}},
	}
	check(pdb({"minAvailable": 2}), [api(2), rollout]) == {cross("2", 2, "Rollout api-rollout runs as few as 2 replicas (spec.replicas 2)", "", 2)}
}
