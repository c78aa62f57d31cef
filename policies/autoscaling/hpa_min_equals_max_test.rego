package prodready.rules.hpa_min_equals_max_test

import data.prodready.rules.hpa_min_equals_max

hpa(spec) := {
	"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": object.union({"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "api"}}, spec),
}

finding(replicas, source, maximum) := {"msg": sprintf("HorizontalPodAutoscaler keeps StatefulSet \"api\" at exactly %s (%s, maxReplicas %v): it can never scale, so a traffic spike finds the workload at the same size while it looks autoscaled; raise maxReplicas to the peak count it may need, or delete the HPA and set spec.replicas", [replicas, source, maximum]), "field": ["spec", "maxReplicas"]}

test_fires_when_equal if {
	hpa_min_equals_max.findings == {finding("4 replicas", "minReplicas 4", 4)} with input as hpa({"minReplicas": 4, "maxReplicas": 4})
}

test_fires_when_max_is_the_default_min if {
	hpa_min_equals_max.findings == {finding("1 replica", "minReplicas unset, which defaults to 1", 1)} with input as hpa({"maxReplicas": 1})
}

test_fires_for_autoscaling_v1 if {
	v1 := object.union(hpa({"minReplicas": 3, "maxReplicas": 3}), {"apiVersion": "autoscaling/v1"})
	hpa_min_equals_max.findings == {finding("3 replicas", "minReplicas 3", 3)} with input as v1
}

test_fires_under_gatekeeper_review if {
	review := {"review": {"object": hpa({"minReplicas": 5, "maxReplicas": 5})}, "parameters": {"rules": {"hpa-min-equals-max": {}}}}
	hpa_min_equals_max.findings == {finding("5 replicas", "minReplicas 5", 5)} with input as review
}

test_passes_with_a_range if {
	count(hpa_min_equals_max.findings) == 0 with input as hpa({"minReplicas": 3, "maxReplicas": 10})
	count(hpa_min_equals_max.findings) == 0 with input as hpa({"maxReplicas": 2})
}

test_passes_without_max if {
	count(hpa_min_equals_max.findings) == 0 with input as hpa({"minReplicas": 1})
	count(hpa_min_equals_max.findings) == 0 with input as hpa({"minReplicas": 1, "maxReplicas": null})
}

test_skips_keda_owned_hpa if {
	keda := object.union(hpa({"minReplicas": 2, "maxReplicas": 2}), {"metadata": {"ownerReferences": [{"kind": "ScaledObject", "name": "api"}]}})
	count(hpa_min_equals_max.findings) == 0 with input as keda
}

test_skips_other_kinds if {
	count(hpa_min_equals_max.findings) == 0 with input as object.union(hpa({"minReplicas": 2, "maxReplicas": 2}), {"apiVersion": "example.com/v1"})
}
