package prodready.rules.pdb_absolute_with_autoscaling_test

import data.lib.prodready.fixtures
import data.prodready.rules.pdb_absolute_with_autoscaling

pdb(budget) := {
	"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": object.union(budget, {"selector": {"matchLabels": {"app": "api"}}}),
}

workload(kind, name, labels) := {
	"apiVersion": "apps/v1", "kind": kind,
	"metadata": {"name": name, "namespace": "shop"},
	"spec": {"template": {"metadata": {"labels": labels}, "spec": {"containers": [{"name": "c"}]}}},
}

api := workload("Deployment", "api", {"app": "api", "tier": "web"})

hpa(kind, name, min, max) := {
	"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
	"metadata": {"name": name, "namespace": "shop"},
	"spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": kind, "name": "api"}, "minReplicas": min, "maxReplicas": max},
}

scaled_object(spec) := {
	"apiVersion": "keda.sh/v1alpha1", "kind": "ScaledObject",
	"metadata": {"name": "api-queue", "namespace": "shop"},
	"spec": object.union({"scaleTargetRef": {"name": "api"}}, spec),
}

check(p, objs) := result if {
	result := pdb_absolute_with_autoscaling.findings with input as p with data.inventory as fixtures.inventory(array.concat([p], objs))
}

finding(value, what, autoscalers) := merged(value, sprintf("%s (scaled by %s)", [what, autoscalers]))

merged(value, selected) := {"field": ["spec", "minAvailable"], "msg": sprintf("minAvailable is the fixed count %v, but it selects %s: at the autoscaler's minimum the count may block node drains, and scaled out it protects an ever smaller share of the replicas; use maxUnavailable: 1 or a percentage such as minAvailable: \"50%%\"", [value, selected])}

test_fires_with_hpa if {
	check(pdb({"minAvailable": 2}), [api, hpa("Deployment", "api", 3, 10)]) == {finding(2, "Deployment api", "HorizontalPodAutoscaler api (3-10 replicas)")}
}

test_fires_with_hpa_min_replicas_unset if {
	h := json.remove(hpa("Deployment", "api", 3, 10), ["spec/minReplicas"])
	check(pdb({"minAvailable": 1}), [api, h]) == {finding(1, "Deployment api", "HorizontalPodAutoscaler api (1-10 replicas)")}
}

test_fires_with_scaled_object if {
	check(pdb({"minAvailable": 1}), [api, scaled_object({})]) == {finding(1, "Deployment api", "ScaledObject api-queue (0-100 replicas)")}
	so := scaled_object({"minReplicaCount": 2, "maxReplicaCount": 30})
	check(pdb({"minAvailable": 1}), [api, so]) == {finding(1, "Deployment api", "ScaledObject api-queue (2-30 replicas)")}
}

test_fires_with_several_autoscalers if {
	objs := [api, hpa("Deployment", "api", 3, 10), scaled_object({"minReplicaCount": 3})]
	check(pdb({"minAvailable": 2}), objs) == {finding(2, "Deployment api", "HorizontalPodAutoscaler api (3-10 replicas) and ScaledObject api-queue (3-100 replicas)")}
}

test_fires_for_a_rollout if {
	rollout := object.union(workload("Rollout", "api", {"app": "api"}), {"apiVersion": "argoproj.io/v1alpha1"})
	check(pdb({"minAvailable": 2}), [rollout, hpa("Rollout", "api", 3, 10)]) == {finding(2, "Rollout api", "HorizontalPodAutoscaler api (3-10 replicas)")}
}

test_several_workloads_give_one_finding if {
	web := workload("Deployment", "web", {"app": "web", "tier": "web"})
	web_hpa := json.patch(hpa("Deployment", "web-hpa", 2, 6), [{"op": "replace", "path": "/spec/scaleTargetRef/name", "value": "web"}])
	p := json.patch(pdb({"minAvailable": 2}), [{"op": "replace", "path": "/spec/selector", "value": {"matchLabels": {"tier": "web"}}}])
	check(p, [api, web, hpa("Deployment", "api", 3, 10), web_hpa]) == {merged(2, "Deployment api (scaled by HorizontalPodAutoscaler api (3-10 replicas)) and Deployment web (scaled by HorizontalPodAutoscaler web-hpa (2-6 replicas))")}
}

test_fires_for_match_expressions_selector if {
	p := {
		"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
		"metadata": {"name": "api", "namespace": "shop"},
		"spec": {"minAvailable": 2, "selector": {"matchExpressions": [{"key": "tier", "operator": "Exists"}]}},
	}
	check(p, [api, hpa("Deployment", "api", 3, 10)]) == {finding(2, "Deployment api", "HorizontalPodAutoscaler api (3-10 replicas)")}
}

test_fires_under_gatekeeper_review if {
	review := {"review": {"object": pdb({"minAvailable": 2})}, "parameters": {"rules": {"pdb-absolute-with-autoscaling": {}}}}
	result := pdb_absolute_with_autoscaling.findings with input as review
		with data.inventory as fixtures.inventory([api, hpa("Deployment", "api", 3, 10)])
	result == {finding(2, "Deployment api", "HorizontalPodAutoscaler api (3-10 replicas)")}
}

test_passes_with_percentage if {
	count(check(pdb({"minAvailable": "50%"}), [api, hpa("Deployment", "api", 3, 10)])) == 0
}

test_passes_with_max_unavailable if {
	count(check(pdb({"maxUnavailable": 1}), [api, hpa("Deployment", "api", 3, 10)])) == 0
}

test_passes_with_min_available_zero if {
	count(check(pdb({"minAvailable": 0}), [api, hpa("Deployment", "api", 3, 10)])) == 0
}

test_passes_without_autoscaler if {
	count(check(pdb({"minAvailable": 2}), [api])) == 0
}

test_passes_when_hpa_targets_another_workload if {
	web_hpa := json.patch(hpa("Deployment", "web", 3, 10), [{"op": "replace", "path": "/spec/scaleTargetRef/name", "value": "web"}])
	count(check(pdb({"minAvailable": 2}), [api, hpa("StatefulSet", "api", 3, 10), web_hpa])) == 0
}

test_passes_when_autoscaled_workload_is_not_selected if {
	web := workload("Deployment", "web", {"app": "web"})
	web_hpa := json.patch(hpa("Deployment", "web", 3, 10), [{"op": "replace", "path": "/spec/scaleTargetRef/name", "value": "web"}])
	count(check(pdb({"minAvailable": 2}), [api, web, web_hpa])) == 0
}

test_passes_when_hpa_is_in_another_namespace if {
	h := json.patch(hpa("Deployment", "api", 3, 10), [{"op": "replace", "path": "/metadata/namespace", "value": "other"}])
	count(check(pdb({"minAvailable": 2}), [api, h])) == 0
}

test_skips_non_pdbs if {
	count(check(api, [hpa("Deployment", "api", 3, 10)])) == 0
}
