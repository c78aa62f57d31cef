package prodready.rules.spot_without_fallback_test

import data.prodready.rules.spot_without_fallback

workload(kind, spec) := {
	"apiVersion": "apps/v1",
	"kind": kind,
	"metadata": {"name": "worker", "namespace": "jobs"},
	"spec": {"template": {
		"metadata": {"labels": {"app": "worker"}},
		"spec": object.union({"containers": [{"name": "worker", "image": "worker:1"}], "terminationGracePeriodSeconds": 120}, spec),
	}},
}

deployment(spec) := workload("Deployment", spec)

karpenter_toleration := {"tolerations": [{"key": "karpenter.sh/capacity-type", "operator": "Exists", "effect": "NoSchedule"}]}

required_terms(terms) := {"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": terms}}}}

required(expressions) := required_terms([{"matchExpressions": expressions}])

spot_in(key, values) := {"key": key, "operator": "In", "values": values}

finding(kind, reasons) := {"msg": sprintf("%s \"worker\" can run on spot nodes only (%s): when spot capacity is reclaimed or runs out, its pods stay Pending with no on-demand node to fall back to; prefer spot with a preferred node affinity, or allow on-demand capacity too", [kind, reasons])}

spot_keys := [
	"spot-instance", "node-lifecycle", "eks.amazonaws.com/capacityType", "karpenter.sh/capacity-type",
	"cloud.google.com/gke-spot", "cloud.google.com/gke-preemptible", "kubernetes.azure.com/scalesetpriority",
]

spot_values := ["spot", "true", "preemptible"]

# Fires

test_fires_for_spot_node_selector if {
	spec := object.union(karpenter_toleration, {"nodeSelector": {"karpenter.sh/capacity-type": "spot", "kubernetes.io/arch": "arm64"}})
	spot_without_fallback.findings == {finding("Deployment", "nodeSelector karpenter.sh/capacity-type=spot")} with input as deployment(spec)
}

test_fires_for_node_selector_case_insensitive if {
	spec := {"nodeSelector": {"eks.amazonaws.com/capacityType": "SPOT"}}
	spot_without_fallback.findings == {finding("Deployment", "nodeSelector eks.amazonaws.com/capacityType=SPOT")} with input as deployment(spec)
}

test_fires_for_required_affinity_spot_only if {
	spec := required([spot_in("karpenter.sh/capacity-type", ["spot"]), spot_in("topology.kubernetes.io/zone", ["eu-west-1a", "eu-west-1b"])])
	result := spot_without_fallback.findings with input as deployment(spec)
	result == {finding("Deployment", "every required node affinity term allows spot only: karpenter.sh/capacity-type In [spot]")}
}

test_fires_when_every_required_term_is_spot_only if {
	spec := required_terms([
		{"matchExpressions": [spot_in("cloud.google.com/gke-spot", ["true"])]},
		{"matchExpressions": [spot_in("cloud.google.com/gke-preemptible", ["true", "TRUE"])]},
	])
	result := spot_without_fallback.findings with input as deployment(spec)
	result == {finding("Deployment", "every required node affinity term allows spot only: cloud.google.com/gke-preemptible In [true, TRUE]; cloud.google.com/gke-spot In [true]")}
}

test_fires_for_node_selector_and_affinity_together if {
	spec := object.union({"nodeSelector": {"kubernetes.azure.com/scalesetpriority": "spot"}}, required([spot_in("kubernetes.azure.com/scalesetpriority", ["spot"])]))
	result := spot_without_fallback.findings with input as deployment(spec)
	result == {finding("Deployment", "every required node affinity term allows spot only: kubernetes.azure.com/scalesetpriority In [spot], nodeSelector kubernetes.azure.com/scalesetpriority=spot")}
}

test_fires_for_node_selector_even_when_affinity_allows_on_demand if {
	# nodeSelector and node affinity must both hold: the nodeSelector alone leaves spot only.
	spec := object.union({"nodeSelector": {"node-lifecycle": "spot"}}, required([spot_in("node-lifecycle", ["spot", "on-demand"])]))
	spot_without_fallback.findings == {finding("Deployment", "nodeSelector node-lifecycle=spot")} with input as deployment(spec)
}

test_fires_for_bare_pod if {
	pod := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "worker", "namespace": "jobs"}, "spec": {"containers": [{"name": "worker"}], "nodeSelector": {"spot-instance": "true"}}}
	spot_without_fallback.findings == {{"msg": "Pod \"worker\" can run on spot nodes only (nodeSelector spot-instance=true): when spot capacity runs out, it stays Pending with no on-demand node to fall back to; prefer spot with a preferred node affinity, or allow on-demand capacity too"}} with input as pod
}

test_fires_for_other_workload_kinds if {
	spec := {"nodeSelector": {"spot-instance": "true"}}
	every kind in ["StatefulSet", "ReplicaSet"] {
		spot_without_fallback.findings == {finding(kind, "nodeSelector spot-instance=true")} with input as workload(kind, spec)
	}
	job := json.patch(workload("Job", spec), [{"op": "replace", "path": "/apiVersion", "value": "batch/v1"}])
	spot_without_fallback.findings == {finding("Job", "nodeSelector spot-instance=true")} with input as job
}

test_fires_under_gatekeeper_review_with_parameters if {
	review := {
		"review": {"object": deployment({"nodeSelector": {"pool": "Preemptible"}})},
		"parameters": {"rules": {"spot-without-fallback": {"spotKeys": ["pool"], "spotValues": ["preemptible"]}}},
	}
	spot_without_fallback.findings == {finding("Deployment", "nodeSelector pool=Preemptible")} with input as review
}

test_fires_with_custom_parameters if {
	params := {"spot-without-fallback": {"spotKeys": ["pool-type"], "spotValues": ["cheap"]}}
	spot_without_fallback.findings == {finding("Deployment", "nodeSelector pool-type=cheap")} with input as deployment({"nodeSelector": {"pool-type": "cheap"}})
		with data.lib.parameters as params
	count(spot_without_fallback.findings) == 0 with input as deployment({"nodeSelector": {"karpenter.sh/capacity-type": "spot"}})
		with data.lib.parameters as params
}

# Near misses

test_passes_for_preferred_spot if {
	spec := object.union(karpenter_toleration, {"affinity": {"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
		{"weight": 100, "preference": {"matchExpressions": [spot_in("karpenter.sh/capacity-type", ["spot"])]}},
	]}}})
	count(spot_without_fallback.findings) == 0 with input as deployment(spec)
}

test_passes_for_toleration_only if {
	count(spot_without_fallback.findings) == 0 with input as deployment(karpenter_toleration)
}

test_passes_when_on_demand_is_allowed if {
	count(spot_without_fallback.findings) == 0 with input as deployment(required([spot_in("karpenter.sh/capacity-type", ["spot", "on-demand"])]))
	count(spot_without_fallback.findings) == 0 with input as deployment({"nodeSelector": {"karpenter.sh/capacity-type": "on-demand"}})
}

test_passes_when_one_required_term_allows_on_demand if {
	spec := required_terms([
		{"matchExpressions": [spot_in("karpenter.sh/capacity-type", ["spot"])]},
		{"matchExpressions": [spot_in("karpenter.sh/capacity-type", ["on-demand"])]},
	])
	count(spot_without_fallback.findings) == 0 with input as deployment(spec)
}

test_passes_for_other_operators_and_empty_values if {
	every expression in [
		{"key": "karpenter.sh/capacity-type", "operator": "NotIn", "values": ["on-demand"]},
		{"key": "cloud.google.com/gke-spot", "operator": "Exists"},
		{"key": "karpenter.sh/capacity-type", "operator": "In", "values": []},
		spot_in("topology.kubernetes.io/zone", ["spot"]),
	] {
		count(spot_without_fallback.findings) == 0 with input as deployment(required([expression]))
	}
	count(spot_without_fallback.findings) == 0 with input as deployment(required_terms([]))
}

test_passes_for_non_spot_node_selector if {
	count(spot_without_fallback.findings) == 0 with input as deployment({"nodeSelector": {"kubernetes.io/os": "linux", "spot": "true"}})
}

test_skips_daemonsets if {
	count(spot_without_fallback.findings) == 0 with input as workload("DaemonSet", {"nodeSelector": {"karpenter.sh/capacity-type": "spot"}})
}

test_skips_non_workloads if {
	service := {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "worker", "namespace": "jobs"}, "spec": {"template": {"spec": {"nodeSelector": {"karpenter.sh/capacity-type": "spot"}}}}}
	count(spot_without_fallback.findings) == 0 with input as service
}
