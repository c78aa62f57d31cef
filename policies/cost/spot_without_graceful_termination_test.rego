package prodready.rules.spot_without_graceful_termination_test

import data.prodready.rules.spot_without_graceful_termination

workload(kind, spec) := {
	"apiVersion": "apps/v1",
	"kind": kind,
	"metadata": {"name": "worker", "namespace": "jobs"},
	"spec": {"template": {
		"metadata": {"labels": {"app": "worker"}},
		"spec": object.union({"containers": [{"name": "worker", "image": "worker:1"}]}, spec),
	}},
}

deployment(spec) := workload("Deployment", spec)

karpenter_toleration := {"tolerations": [{"key": "karpenter.sh/capacity-type", "operator": "Equal", "value": "spot", "effect": "NoSchedule"}]}

required(expressions) := {"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchExpressions": expressions}]}}}}

required_terms(terms) := {"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": terms}}}}

preferred(expressions) := {"affinity": {"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 100, "preference": {"matchExpressions": expressions}}]}}}

finding(kind, reasons, grace, minimum) := {"msg": sprintf("%s \"worker\" can land on spot nodes (%s) and gives its pods terminationGracePeriodSeconds %v, under %v: when a spot node is reclaimed its pods are killed before they finish in-flight work; set terminationGracePeriodSeconds to at least %v and handle SIGTERM", [kind, reasons, grace, minimum, minimum])}

unset_finding(reasons) := {"msg": sprintf("Deployment \"worker\" can land on spot nodes (%s) and gives its pods terminationGracePeriodSeconds 30 (unset, the default), under 60: when a spot node is reclaimed its pods are killed before they finish in-flight work; set terminationGracePeriodSeconds to at least 60 and handle SIGTERM", [reasons])}

spot_keys := [
	"spot-instance", "node-lifecycle", "eks.amazonaws.com/capacityType", "karpenter.sh/capacity-type",
	"cloud.google.com/gke-spot", "cloud.google.com/gke-preemptible", "kubernetes.azure.com/scalesetpriority",
]

spot_values := ["spot", "true", "preemptible"]

# Fires

test_fires_for_spot_toleration_with_default_grace if {
	result := spot_without_graceful_termination.findings with input as deployment(karpenter_toleration)
	result == {unset_finding("tolerates the taint karpenter.sh/capacity-type")}
}

test_fires_for_null_grace if {
	result := spot_without_graceful_termination.findings with input as deployment(object.union(karpenter_toleration, {"terminationGracePeriodSeconds": null}))
	result == {unset_finding("tolerates the taint karpenter.sh/capacity-type")}
}

test_fires_for_node_selector_case_insensitive if {
	spec := {"nodeSelector": {"eks.amazonaws.com/capacityType": "SPOT"}, "terminationGracePeriodSeconds": 45}
	result := spot_without_graceful_termination.findings with input as deployment(spec)
	result == {finding("Deployment", "nodeSelector eks.amazonaws.com/capacityType=SPOT", 45, 60)}
}

test_fires_for_unquoted_yaml_true if {
	spec := {"nodeSelector": {"cloud.google.com/gke-spot": true}, "terminationGracePeriodSeconds": 0}
	result := spot_without_graceful_termination.findings with input as deployment(spec)
	result == {finding("Deployment", "nodeSelector cloud.google.com/gke-spot=true", 0, 60)}
}

test_fires_for_required_affinity_allowing_spot_and_on_demand if {
	spec := object.union(required([{"key": "karpenter.sh/capacity-type", "operator": "In", "values": ["spot", "on-demand"]}]), {"terminationGracePeriodSeconds": 30})
	result := spot_without_graceful_termination.findings with input as deployment(spec)
	result == {finding("Deployment", "requires node affinity karpenter.sh/capacity-type In [spot, on-demand]", 30, 60)}
}

test_fires_for_preferred_affinity if {
	spec := preferred([{"key": "cloud.google.com/gke-preemptible", "operator": "In", "values": ["true"]}])
	result := spot_without_graceful_termination.findings with input as deployment(spec)
	result == {unset_finding("prefers node affinity cloud.google.com/gke-preemptible In [true]")}
}

test_fires_with_every_reason_listed if {
	spec := object.union_n([
		{"tolerations": [{"key": "kubernetes.azure.com/scalesetpriority", "operator": "Exists"}]},
		{"nodeSelector": {"kubernetes.azure.com/scalesetpriority": "spot", "kubernetes.io/os": "linux"}},
		preferred([{"key": "topology.kubernetes.io/zone", "operator": "In", "values": ["a"]}, {"key": "node-lifecycle", "operator": "In", "values": ["Spot"]}]),
	])
	result := spot_without_graceful_termination.findings with input as deployment(spec)
	result == {unset_finding("nodeSelector kubernetes.azure.com/scalesetpriority=spot, prefers node affinity node-lifecycle In [Spot], tolerates the taint kubernetes.azure.com/scalesetpriority")}
}

test_fires_when_one_required_term_allows_spot if {
	spec := required_terms([
		{"matchExpressions": [{"key": "karpenter.sh/capacity-type", "operator": "In", "values": ["on-demand"]}]},
		{"matchExpressions": [{"key": "karpenter.sh/capacity-type", "operator": "In", "values": ["spot"]}]},
	])
	result := spot_without_graceful_termination.findings with input as deployment(spec)
	result == {unset_finding("requires node affinity karpenter.sh/capacity-type In [spot]")}
}

test_fires_for_bare_pod if {
	pod := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "worker", "namespace": "jobs"}, "spec": object.union({"containers": [{"name": "worker"}]}, karpenter_toleration)}
	spot_without_graceful_termination.findings == {{"msg": "Pod \"worker\" can land on spot nodes (tolerates the taint karpenter.sh/capacity-type) and has terminationGracePeriodSeconds 30 (unset, the default), under 60: when a spot node is reclaimed it is killed before it finishes its in-flight work; set terminationGracePeriodSeconds to at least 60 and handle SIGTERM"}} with input as pod
}

test_fires_for_cronjob_and_daemonset if {
	cronjob := {
		"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "worker", "namespace": "jobs"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": object.union({"containers": [{"name": "worker"}], "terminationGracePeriodSeconds": 10}, karpenter_toleration)}}}},
	}
	spot_without_graceful_termination.findings == {finding("CronJob", "tolerates the taint karpenter.sh/capacity-type", 10, 60)} with input as cronjob
	daemonset := workload("DaemonSet", object.union(karpenter_toleration, {"terminationGracePeriodSeconds": 5}))
	spot_without_graceful_termination.findings == {finding("DaemonSet", "tolerates the taint karpenter.sh/capacity-type", 5, 60)} with input as daemonset
}

test_fires_under_gatekeeper_review_with_parameters if {
	review := {
		"review": {"object": deployment(object.union(karpenter_toleration, {"terminationGracePeriodSeconds": 90}))},
		"parameters": {"rules": {"spot-without-graceful-termination": {"minSeconds": 120, "spotKeys": spot_keys, "spotValues": spot_values}}},
	}
	result := spot_without_graceful_termination.findings with input as review
	result == {finding("Deployment", "tolerates the taint karpenter.sh/capacity-type", 90, 120)}
}

test_fires_with_custom_spot_keys_and_values if {
	params := {"spot-without-graceful-termination": {"minSeconds": 60, "spotKeys": ["pool-type"], "spotValues": ["Cheap"]}}
	spec := {"nodeSelector": {"pool-type": "cheap"}}
	result := spot_without_graceful_termination.findings with input as deployment(spec) with data.lib.parameters as params
	result == {unset_finding("nodeSelector pool-type=cheap")}
	count(spot_without_graceful_termination.findings) == 0 with input as deployment(karpenter_toleration) with data.lib.parameters as params
}

# Near misses

test_passes_with_enough_grace if {
	every grace in [60, 120] {
		count(spot_without_graceful_termination.findings) == 0 with input as deployment(object.union(karpenter_toleration, {"terminationGracePeriodSeconds": grace}))
	}
}

test_passes_with_lower_min_seconds if {
	params := {"spot-without-graceful-termination": {"minSeconds": 30, "spotKeys": spot_keys, "spotValues": spot_values}}
	count(spot_without_graceful_termination.findings) == 0 with input as deployment(karpenter_toleration) with data.lib.parameters as params
}

test_passes_without_spot_signals if {
	spec := {
		"tolerations": [{"key": "dedicated", "operator": "Equal", "value": "batch", "effect": "NoSchedule"}],
		"nodeSelector": {"kubernetes.io/os": "linux"},
	}
	count(spot_without_graceful_termination.findings) == 0 with input as deployment(spec)
	count(spot_without_graceful_termination.findings) == 0 with input as deployment({})
}

test_passes_for_toleration_without_key if {
	# Tolerating every taint is not asking for spot.
	count(spot_without_graceful_termination.findings) == 0 with input as deployment({"tolerations": [{"operator": "Exists"}]})
}

test_passes_for_on_demand_selector_and_affinity if {
	count(spot_without_graceful_termination.findings) == 0 with input as deployment({"nodeSelector": {"karpenter.sh/capacity-type": "on-demand"}})
	count(spot_without_graceful_termination.findings) == 0 with input as deployment(required([{"key": "karpenter.sh/capacity-type", "operator": "In", "values": ["on-demand"]}]))
	count(spot_without_graceful_termination.findings) == 0 with input as deployment(preferred([{"key": "karpenter.sh/capacity-type", "operator": "NotIn", "values": ["spot"]}]))
}

test_passes_when_spot_toleration_is_pinned_off_spot if {
	on_demand_selector := object.union(karpenter_toleration, {"nodeSelector": {"karpenter.sh/capacity-type": "on-demand"}})
	count(spot_without_graceful_termination.findings) == 0 with input as deployment(on_demand_selector)
	every expression in [
		{"key": "karpenter.sh/capacity-type", "operator": "In", "values": ["on-demand"]},
		{"key": "karpenter.sh/capacity-type", "operator": "NotIn", "values": ["SPOT"]},
		{"key": "cloud.google.com/gke-spot", "operator": "DoesNotExist"},
	] {
		spec := object.union(karpenter_toleration, required([expression]))
		count(spot_without_graceful_termination.findings) == 0 with input as deployment(spec)
	}
}

test_passes_for_grace_that_is_not_a_number if {
	spec := object.union(karpenter_toleration, {"terminationGracePeriodSeconds": "30"})
	count(spot_without_graceful_termination.findings) == 0 with input as deployment(spec)
}

test_skips_non_workloads if {
	service := {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "worker", "namespace": "jobs"}, "spec": {"template": {"spec": karpenter_toleration}}}
	count(spot_without_graceful_termination.findings) == 0 with input as service
}
