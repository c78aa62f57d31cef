package prodready.rules.replicas_per_zone_test

import data.prodready.rules.replicas_per_zone

parameters := {"single-replica": {"zones": 3}}

deployment(spec) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": spec,
}

test_fires_below_the_zones if {
	count(replicas_per_zone.findings) == 1 with input as deployment({"replicas": 2})
		with data.lib.parameters as parameters
}

test_fires_without_replicas if {
	count(replicas_per_zone.findings) == 1 with input as deployment({})
		with data.lib.parameters as parameters
}

test_quiet_at_the_zones if {
	count(replicas_per_zone.findings) == 0 with input as deployment({"replicas": 3})
		with data.lib.parameters as parameters
}

test_quiet_when_scaled_to_nothing if {
	count(replicas_per_zone.findings) == 0 with input as deployment({"replicas": 0})
		with data.lib.parameters as parameters
}
