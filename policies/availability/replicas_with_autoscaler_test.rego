package prodready.rules.replicas_with_autoscaler_test

import data.lib.prodready.fixtures
import data.prodready.rules.replicas_with_autoscaler

workload(kind, replicas) := {
	"apiVersion": "apps/v1", "kind": kind,
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": {"replicas": replicas, "template": {"metadata": {"labels": {"app": "api"}}, "spec": {"containers": [{"name": "api"}]}}},
}

deployment(replicas) := workload("Deployment", replicas)

hpa(kind, min) := {
	"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": kind, "name": "api"}, "minReplicas": min, "maxReplicas": 10},
}

scaled_object(spec) := {
	"apiVersion": "keda.sh/v1alpha1", "kind": "ScaledObject",
	"metadata": {"name": "api-queue", "namespace": "shop"},
	"spec": object.union({"scaleTargetRef": {"name": "api"}}, spec),
}

check(obj, objs) := result if {
	result := replicas_with_autoscaler.findings with input as obj with data.inventory as fixtures.inventory(array.concat([obj], objs))
}

finding(what, replicas, autoscalers) := worded(what, replicas, autoscalers, "scales")

worded(what, replicas, autoscalers, verb) := {"msg": sprintf("%s sets spec.replicas %v while %s %s it: every apply, helm upgrade or GitOps sync resets the count to %v, undoing the autoscaler (a deploy during a peak scales it back in); remove spec.replicas and let the autoscaler's minimum set the floor", [what, replicas, autoscalers, verb, replicas]), "field": ["spec", "replicas"]}

test_fires_with_hpa if {
	check(deployment(3), [hpa("Deployment", 3)]) == {finding("Deployment api", 3, "HorizontalPodAutoscaler api (3-10 replicas)")}
}

test_fires_with_scaled_object if {
	check(deployment(2), [scaled_object({})]) == {finding("Deployment api", 2, "ScaledObject api-queue (0-100 replicas)")}
}

test_fires_with_scaled_object_of_explicit_kind if {
	so := scaled_object({"scaleTargetRef": {"kind": "StatefulSet", "name": "api"}, "minReplicaCount": 1, "maxReplicaCount": 5})
	check(workload("StatefulSet", 3), [so]) == {finding("StatefulSet api", 3, "ScaledObject api-queue (1-5 replicas)")}
}

test_passes_with_replicas_zero if {
	# An explicit 0 scales the workload to nothing on purpose (the HPA then
	# stands still too): no replica rule fires on it.
	count(check(deployment(0), [hpa("Deployment", 3)])) == 0
}

test_skips_the_deployment_a_rollout_runs if {
	rollout := {
		"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout",
		"metadata": {"name": "api", "namespace": "shop"},
		"spec": {"workloadRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "api"}},
	}
	count(check(deployment(2), [hpa("Deployment", 3), rollout])) == 0
}

test_fires_once_for_keda_and_its_hpa if {
	keda_hpa := object.union(hpa("Deployment", 1), {"metadata": {"name": "keda-hpa-api-queue", "ownerReferences": [{"kind": "ScaledObject", "name": "api-queue"}]}})
	check(deployment(3), [scaled_object({"minReplicaCount": 1}), keda_hpa]) == {worded("Deployment api", 3, "HorizontalPodAutoscaler keda-hpa-api-queue (1-10 replicas) and ScaledObject api-queue (1-100 replicas)", "scale")}
}

test_fires_for_a_rollout if {
	rollout := object.union(workload("Rollout", 4), {"apiVersion": "argoproj.io/v1alpha1"})
	check(rollout, [hpa("Rollout", 3)]) == {finding("Rollout api", 4, "HorizontalPodAutoscaler api (3-10 replicas)")}
}

test_fires_under_gatekeeper_review if {
	review := {"review": {"object": deployment(3)}, "parameters": {"rules": {"replicas-with-autoscaler": {}}}}
	result := replicas_with_autoscaler.findings with input as review with data.inventory as fixtures.inventory([hpa("Deployment", 3)])
	result == {finding("Deployment api", 3, "HorizontalPodAutoscaler api (3-10 replicas)")}
}

test_passes_without_replicas if {
	count(check(json.remove(deployment(3), ["spec/replicas"]), [hpa("Deployment", 3)])) == 0
}

test_passes_with_null_replicas if {
	count(check(deployment(null), [hpa("Deployment", 3)])) == 0
}

test_passes_without_autoscaler if {
	count(check(deployment(3), [])) == 0
}

test_passes_when_hpa_targets_another_kind_or_name if {
	other_name := json.patch(hpa("Deployment", 3), [{"op": "replace", "path": "/spec/scaleTargetRef/name", "value": "web"}])
	count(check(deployment(3), [hpa("StatefulSet", 3), other_name])) == 0
}

test_passes_when_scaled_object_defaults_to_another_kind if {
	# A ScaledObject's scaleTargetRef.kind defaults to Deployment.
	count(check(workload("StatefulSet", 3), [scaled_object({})])) == 0
}

test_passes_when_hpa_is_in_another_namespace if {
	h := json.patch(hpa("Deployment", 3), [{"op": "replace", "path": "/metadata/namespace", "value": "other"}])
	count(check(deployment(3), [h])) == 0
}

test_skips_non_workloads if {
	not_workload := object.union(hpa("Deployment", 3), {"spec": {"replicas": 3}})
	count(check(not_workload, [hpa("HorizontalPodAutoscaler", 3)])) == 0
}
