package prodready.rules.rollout_unavailable_all_test

import data.prodready.rules.rollout_unavailable_all

deployment(replicas, strategy) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": {"replicas": replicas, "strategy": strategy, "template": {"metadata": {"labels": {"app": "api"}}, "spec": {"containers": [{"name": "api"}]}}},
}

rolling(max_unavailable) := {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": max_unavailable, "maxSurge": 1}}

finding(value, replicas) := {"msg": sprintf("Deployment \"api\" allows rollingUpdate.maxUnavailable %v of its %v replicas: a rollout may stop every old pod before a new one is ready, a full outage on each deploy; set maxUnavailable to 25%% or 1, or to 0 with maxSurge 1", [value, replicas])}

test_fires_for_one_hundred_percent if {
	rollout_unavailable_all.findings == {finding("100%", 3)} with input as deployment(3, rolling("100%"))
}

test_fires_for_integer_equal_to_replicas if {
	rollout_unavailable_all.findings == {finding(3, 3)} with input as deployment(3, rolling(3))
	rollout_unavailable_all.findings == {finding(2, 2)} with input as deployment(2, rolling(2))
}

test_fires_for_integer_above_replicas if {
	rollout_unavailable_all.findings == {finding(5, 3)} with input as deployment(3, rolling(5))
}

test_fires_when_strategy_type_unset if {
	# The type defaults to RollingUpdate.
	strategy := {"rollingUpdate": {"maxUnavailable": "100%"}}
	rollout_unavailable_all.findings == {finding("100%", 4)} with input as deployment(4, strategy)
}

test_fires_under_gatekeeper_review if {
	review := {"review": {"object": deployment(3, rolling(3))}, "parameters": {"rules": {"rollout-unavailable-all": {}}}}
	rollout_unavailable_all.findings == {finding(3, 3)} with input as review
}

test_passes_below_replicas if {
	count(rollout_unavailable_all.findings) == 0 with input as deployment(3, rolling(2))
	count(rollout_unavailable_all.findings) == 0 with input as deployment(3, rolling(1))
	count(rollout_unavailable_all.findings) == 0 with input as deployment(3, rolling(0))
}

test_passes_for_percentages_below_one_hundred if {
	# A percentage is rounded down: 99% of 3 is 2.
	count(rollout_unavailable_all.findings) == 0 with input as deployment(3, rolling("99%"))
	count(rollout_unavailable_all.findings) == 0 with input as deployment(2, rolling("50%"))
	count(rollout_unavailable_all.findings) == 0 with input as deployment(10, rolling("25%"))
}

test_passes_with_defaults if {
	# maxUnavailable unset is 25%; strategy unset is RollingUpdate 25%/25%.
	count(rollout_unavailable_all.findings) == 0 with input as deployment(3, {"type": "RollingUpdate"})
	count(rollout_unavailable_all.findings) == 0 with input as json.remove(deployment(3, {}), ["spec/strategy"])
	count(rollout_unavailable_all.findings) == 0 with input as deployment(3, {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "50%"}})
}

test_passes_for_one_replica if {
	# single-replica's finding, not this rule's.
	count(rollout_unavailable_all.findings) == 0 with input as deployment(1, rolling("100%"))
	count(rollout_unavailable_all.findings) == 0 with input as deployment(1, rolling(1))
	count(rollout_unavailable_all.findings) == 0 with input as json.remove(deployment(1, rolling("100%")), ["spec/replicas"])
}

test_passes_for_recreate if {
	count(rollout_unavailable_all.findings) == 0 with input as deployment(3, {"type": "Recreate"})
}

test_passes_for_malformed_values if {
	count(rollout_unavailable_all.findings) == 0 with input as deployment(3, rolling("all"))
	count(rollout_unavailable_all.findings) == 0 with input as deployment(3, rolling("3"))
	count(rollout_unavailable_all.findings) == 0 with input as deployment(3, rolling(null))
}

test_skips_other_kinds if {
	sts := json.patch(deployment(3, {}), [
		{"op": "remove", "path": "/spec/strategy"},
		{"op": "add", "path": "/spec/updateStrategy", "value": rolling(3)},
		{"op": "replace", "path": "/kind", "value": "StatefulSet"},
	])
	count(rollout_unavailable_all.findings) == 0 with input as sts
	rollout := json.patch(deployment(3, rolling("100%")), [
		{"op": "replace", "path": "/kind", "value": "Rollout"},
		{"op": "replace", "path": "/apiVersion", "value": "argoproj.io/v1alpha1"},
	])
	count(rollout_unavailable_all.findings) == 0 with input as rollout
}
