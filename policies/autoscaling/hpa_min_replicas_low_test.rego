package prodready.rules.hpa_min_replicas_low_test

import data.prodready.rules.hpa_min_replicas_low

hpa(spec) := {
	"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": object.union({"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "api"}, "maxReplicas": 10}, spec),
}

risk(n) := "at the quietest hour no pod runs at all, and the first request waits for a pod to be scheduled and started" if n == 0

else := "at the quietest hour one node drain, crash or zone failure takes its only pod, and it serves nothing until a new one starts" if n == 1

else := sprintf("at the quietest hour one node drain, crash or zone failure takes at least 1 of its %v pods (all of them if they share a node or a zone), and the next ramp-up waits minutes for new pods", [n])

finding(replicas, source, wanted) := {"msg": sprintf("HorizontalPodAutoscaler scales Deployment \"api\" down to %s when load is low (%s), fewer than the %v required: %s; set minReplicas to at least %v", [replicas, source, wanted, risk(to_number(split(replicas, " ")[0])), wanted]), "field": ["spec", "minReplicas"]}

test_fires_below_minimum if {
	hpa_min_replicas_low.findings == {finding("2 replicas", "minReplicas 2", 3)} with input as hpa({"minReplicas": 2})
}

test_fires_when_unset if {
	hpa_min_replicas_low.findings == {finding("1 replica", "minReplicas unset, which defaults to 1", 3)} with input as hpa({})
}

test_fires_for_zero if {
	# minReplicas 0 (the HPAScaleToZero feature gate) is below any minimum.
	hpa_min_replicas_low.findings == {finding("0 replicas", "minReplicas 0", 3)} with input as hpa({"minReplicas": 0})
}

test_fires_for_autoscaling_v1 if {
	v1 := object.union(hpa({"minReplicas": 1, "targetCPUUtilizationPercentage": 70}), {"apiVersion": "autoscaling/v1"})
	hpa_min_replicas_low.findings == {finding("1 replica", "minReplicas 1", 3)} with input as v1
}

test_fires_for_a_rollout_target if {
	h := hpa({"minReplicas": 1, "scaleTargetRef": {"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "name": "web"}})
	msg := "HorizontalPodAutoscaler scales Rollout \"web\" down to 1 replica when load is low (minReplicas 1), fewer than the 3 required: at the quietest hour one node drain, crash or zone failure takes its only pod, and it serves nothing until a new one starts; set minReplicas to at least 3"
	hpa_min_replicas_low.findings == {{"msg": msg, "field": ["spec", "minReplicas"]}} with input as h
}

test_fires_with_overridden_minimum if {
	hpa_min_replicas_low.findings == {finding("4 replicas", "minReplicas 4", 5)} with input as hpa({"minReplicas": 4})
		with data.lib.parameters as {"hpa-min-replicas-low": {"minReplicas": 5}}
}

test_fires_under_gatekeeper_review if {
	review := {"review": {"object": hpa({"minReplicas": 3})}, "parameters": {"rules": {"hpa-min-replicas-low": {"minReplicas": 4}}}}
	hpa_min_replicas_low.findings == {finding("3 replicas", "minReplicas 3", 4)} with input as review
}

test_passes_at_minimum if {
	count(hpa_min_replicas_low.findings) == 0 with input as hpa({"minReplicas": 3})
	count(hpa_min_replicas_low.findings) == 0 with input as hpa({"minReplicas": 6})
}

test_passes_with_lowered_minimum if {
	count(hpa_min_replicas_low.findings) == 0 with input as hpa({"minReplicas": 2})
		with data.lib.parameters as {"hpa-min-replicas-low": {"minReplicas": 2}}
	review := {"review": {"object": hpa({"minReplicas": 2})}, "parameters": {"rules": {"hpa-min-replicas-low": {"minReplicas": 2}}}}
	count(hpa_min_replicas_low.findings) == 0 with input as review
}

test_skips_keda_owned_hpa if {
	# KEDA gives a scale-to-zero ScaledObject's HPA minReplicas 1.
	keda := object.union(hpa({"minReplicas": 1}), {"metadata": {"name": "keda-hpa-api", "ownerReferences": [{"apiVersion": "keda.sh/v1alpha1", "kind": "ScaledObject", "name": "api"}]}})
	count(hpa_min_replicas_low.findings) == 0 with input as keda
}

test_skips_other_kinds if {
	count(hpa_min_replicas_low.findings) == 0 with input as object.union(hpa({"minReplicas": 1}), {"apiVersion": "example.com/v1"})
	so := {"apiVersion": "keda.sh/v1alpha1", "kind": "ScaledObject", "metadata": {"name": "api", "namespace": "shop"}, "spec": {"scaleTargetRef": {"name": "api"}, "minReplicaCount": 1}}
	count(hpa_min_replicas_low.findings) == 0 with input as so
}
