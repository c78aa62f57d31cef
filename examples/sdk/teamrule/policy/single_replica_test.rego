package prodready.rules.single_replica_test

import data.prodready.rules.single_replica

parameters := {"single-replica": {"minReplicas": 2, "zones": 3}}

deployment(tier, replicas) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "api", "namespace": "shop", "labels": {"acme.dev/tier": tier}},
	"spec": {"replicas": replicas},
}

test_critical_below_the_zones if {
	some finding in single_replica.findings with input as deployment("critical", 2)
		with data.lib.parameters as parameters
	contains(finding.msg, "fewer than the 3 Acme requires of a critical workload")
}

test_critical_at_the_zones if {
	count(single_replica.findings) == 0 with input as deployment("critical", 3)
		with data.lib.parameters as parameters
}

test_others_need_min_replicas if {
	count(single_replica.findings) == 1 with input as deployment("standard", 1)
		with data.lib.parameters as parameters
	count(single_replica.findings) == 0 with input as deployment("standard", 2)
		with data.lib.parameters as parameters
}

test_scaled_to_nothing if {
	count(single_replica.findings) == 0 with input as deployment("critical", 0)
		with data.lib.parameters as parameters
}
