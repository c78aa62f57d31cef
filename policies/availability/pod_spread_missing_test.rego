package prodready.rules.pod_spread_missing_test

import data.lib.prodready.fixtures
import data.prodready.rules.pod_spread_missing

workload(kind, replicas, pod_spec) := {
	"apiVersion": "apps/v1",
	"kind": kind,
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": {"replicas": replicas, "template": {
		"metadata": {"labels": {"app": "api"}},
		"spec": object.union({"containers": [{"name": "api"}]}, pod_spec),
	}},
}

deployment(replicas) := workload("Deployment", replicas, {})

hpa(min) := {
	"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "api"}, "minReplicas": min, "maxReplicas": 10},
}

scaled_object(spec) := {
	"apiVersion": "keda.sh/v1alpha1", "kind": "ScaledObject",
	"metadata": {"name": "queue", "namespace": "shop"},
	"spec": object.union({"scaleTargetRef": {"name": "api"}}, spec),
}

selector := {"matchLabels": {"app": "api"}}

finding(kind, count_text, source) := {"msg": sprintf("%s \"api\" runs at least %s (%s) but sets neither topologySpreadConstraints nor podAntiAffinity: the scheduler may put them all on one node or in one zone, and a single drain or outage takes every replica down; add a topologySpreadConstraint on topology.kubernetes.io/zone whose labelSelector matches the pod labels", [kind, count_text, source])}

check(obj, objs) := result if {
	result := pod_spread_missing.findings with input as obj with data.inventory as fixtures.inventory(objs)
}

test_fires_for_replicas_without_spread if {
	check(deployment(3), [deployment(3)]) == {finding("Deployment", "3 replicas", "spec.replicas 3")}
	check(deployment(2), [deployment(2)]) == {finding("Deployment", "2 replicas", "spec.replicas 2")}
}

test_fires_without_inventory if {
	pod_spread_missing.findings == {finding("Deployment", "3 replicas", "spec.replicas 3")} with input as deployment(3)
}

test_fires_for_other_replicated_kinds if {
	sts := workload("StatefulSet", 3, {})
	check(sts, [sts]) == {finding("StatefulSet", "3 replicas", "spec.replicas 3")}
	rs := workload("ReplicaSet", 2, {})
	check(rs, [rs]) == {finding("ReplicaSet", "2 replicas", "spec.replicas 2")}
	rollout := json.patch(workload("Rollout", 4, {}), [{"op": "replace", "path": "/apiVersion", "value": "argoproj.io/v1alpha1"}])
	check(rollout, [rollout]) == {finding("Rollout", "4 replicas", "spec.replicas 4")}
}

test_fires_for_hpa_minimum if {
	# replicas unset: the HPA's minimum decides.
	obj := json.remove(deployment(1), ["spec/replicas"])
	check(obj, [obj, hpa(3)]) == {finding("Deployment", "3 replicas", "HorizontalPodAutoscaler \"api\" minReplicas 3")}
}

test_fires_for_scaled_object_minimum if {
	obj := json.remove(deployment(1), ["spec/replicas"])
	check(obj, [obj, scaled_object({"minReplicaCount": 2})]) == {finding("Deployment", "2 replicas", "ScaledObject \"queue\" minReplicaCount 2")}
}

test_fires_with_empty_spread_and_anti_affinity if {
	obj := workload("Deployment", 3, {
		"topologySpreadConstraints": [],
		"affinity": {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": []}},
	})
	check(obj, [obj]) == {finding("Deployment", "3 replicas", "spec.replicas 3")}
}

test_fires_with_pod_affinity_only if {
	# podAffinity brings pods together; it spreads nothing.
	obj := workload("Deployment", 3, {"affinity": {"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [{"topologyKey": "kubernetes.io/hostname", "labelSelector": {"matchLabels": {"app": "cache"}}}]}}})
	check(obj, [obj]) == {finding("Deployment", "3 replicas", "spec.replicas 3")}
}

test_fires_under_gatekeeper_review if {
	review := {"review": {"object": deployment(3)}, "parameters": {"rules": {"pod-spread-missing": {}}}}
	result := pod_spread_missing.findings with input as review with data.inventory as fixtures.inventory([deployment(3)])
	result == {finding("Deployment", "3 replicas", "spec.replicas 3")}
}

test_passes_with_spread_constraint if {
	obj := workload("Deployment", 3, {"topologySpreadConstraints": [{"maxSkew": 1, "topologyKey": "topology.kubernetes.io/zone", "whenUnsatisfiable": "ScheduleAnyway", "labelSelector": selector}]})
	count(check(obj, [obj])) == 0
}

test_passes_with_hostname_spread_only if {
	# Any spreading will do here; zone-spread-missing (strict) asks for zones.
	obj := workload("Deployment", 3, {"topologySpreadConstraints": [{"maxSkew": 1, "topologyKey": "kubernetes.io/hostname", "whenUnsatisfiable": "DoNotSchedule", "labelSelector": selector}]})
	count(check(obj, [obj])) == 0
}

test_passes_with_required_anti_affinity if {
	obj := workload("Deployment", 3, {"affinity": {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [{"topologyKey": "kubernetes.io/hostname", "labelSelector": selector}]}}})
	count(check(obj, [obj])) == 0
}

test_passes_with_preferred_anti_affinity if {
	obj := workload("StatefulSet", 3, {"affinity": {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 100, "podAffinityTerm": {"topologyKey": "topology.kubernetes.io/zone", "labelSelector": selector}}]}}})
	count(check(obj, [obj])) == 0
}

test_passes_with_one_replica if {
	# single-replica's finding, not this rule's.
	count(check(deployment(1), [deployment(1)])) == 0
	unset := json.remove(deployment(1), ["spec/replicas"])
	count(check(unset, [unset])) == 0
}

test_passes_when_autoscaler_minimum_is_one if {
	# spec.replicas 3 but the HPA may scale down to one pod.
	count(check(deployment(3), [deployment(3), hpa(1)])) == 0

	# A ScaledObject's unset minReplicaCount is 0.
	count(check(deployment(3), [deployment(3), scaled_object({})])) == 0
}

test_autoscaler_in_other_namespace_ignored if {
	h := json.patch(hpa(1), [{"op": "replace", "path": "/metadata/namespace", "value": "other"}])
	check(deployment(3), [deployment(3), h]) == {finding("Deployment", "3 replicas", "spec.replicas 3")}
}

test_skips_other_kinds if {
	ds := workload("DaemonSet", 3, {})
	count(check(ds, [ds])) == 0
	pod := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "shop"}, "spec": {"containers": [{"name": "c"}]}}
	count(check(pod, [pod])) == 0
	job := {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "j", "namespace": "shop"}, "spec": {"parallelism": 5, "template": {"spec": {"containers": [{"name": "c"}]}}}}
	count(check(job, [job])) == 0
	rollout := json.patch(workload("Rollout", 3, {}), [{"op": "replace", "path": "/apiVersion", "value": "example.com/v1"}])
	count(check(rollout, [rollout])) == 0
}

rollout_ref(replicas) := {
	"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout",
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": {"replicas": replicas, "workloadRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "api"}},
}

test_fires_for_a_rollout_whose_deployment_does_not_spread if {
	# The Rollout runs the referenced Deployment's template: that is what must spread.
	objs := [rollout_ref(3), deployment(0)]
	check(rollout_ref(3), objs) == {finding("Rollout", "3 replicas", "spec.replicas 3")}
	spreading := workload("Deployment", 0, {"topologySpreadConstraints": [{"maxSkew": 1, "topologyKey": "topology.kubernetes.io/zone", "whenUnsatisfiable": "ScheduleAnyway", "labelSelector": selector}]})
	count(check(rollout_ref(3), [rollout_ref(3), spreading])) == 0
}

test_skips_the_deployment_a_rollout_runs if {
	objs := [rollout_ref(3), deployment(3)]
	count(check(deployment(3), objs)) == 0
}

test_skips_a_rollout_whose_deployment_is_not_in_the_input if {
	count(check(rollout_ref(3), [rollout_ref(3)])) == 0
}

test_skips_explicit_zero_replicas if {
	count(check(deployment(0), [deployment(0), hpa(3)])) == 0
}
