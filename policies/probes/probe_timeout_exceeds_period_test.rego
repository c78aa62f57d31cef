package prodready.rules.probe_timeout_exceeds_period_test

import data.prodready.rules.probe_timeout_exceeds_period

workload(kind, containers) := {
	"apiVersion": "apps/v1",
	"kind": kind,
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": {"template": {"spec": {"containers": containers}}},
}

deployment(containers) := workload("Deployment", containers)

probe(settings) := object.union({"httpGet": {"path": "/livez", "port": "http"}}, settings)

finding(container, name, timeout, period, threshold) := {
	"msg": sprintf("container %q %s probe has timeoutSeconds %v >= periodSeconds %v: a check that hangs leaves no gap before the next, so the probe runs back to back and a hang takes %v x %vs = %vs to detect; set timeoutSeconds below periodSeconds", [container, name, timeout, period, threshold, timeout, threshold * timeout]),
	"container": container,
	"field": [sprintf("%sProbe", [name]), "timeoutSeconds"],
}

test_fires_for_liveness if {
	obj := deployment([{"name": "api", "livenessProbe": probe({"timeoutSeconds": 10, "periodSeconds": 5, "failureThreshold": 3})}])
	result := probe_timeout_exceeds_period.findings with input as obj
	result == {finding("api", "liveness", 10, 5, 3)}
	result == {{
		"msg": "container \"api\" liveness probe has timeoutSeconds 10 >= periodSeconds 5: a check that hangs leaves no gap before the next, so the probe runs back to back and a hang takes 3 x 10s = 30s to detect; set timeoutSeconds below periodSeconds",
		"container": "api",
		"field": ["livenessProbe", "timeoutSeconds"],
	}}
}

test_fires_for_readiness if {
	obj := deployment([{"name": "api", "readinessProbe": probe({"timeoutSeconds": 5, "periodSeconds": 5, "failureThreshold": 2})}])
	probe_timeout_exceeds_period.findings == {finding("api", "readiness", 5, 5, 2)} with input as obj
}

test_fires_for_startup if {
	obj := deployment([{"name": "api", "startupProbe": probe({"timeoutSeconds": 3, "periodSeconds": 2, "failureThreshold": 30})}])
	probe_timeout_exceeds_period.findings == {finding("api", "startup", 3, 2, 30)} with input as obj
}

test_fires_for_timeout_against_default_period if {
	# periodSeconds unset = 10, failureThreshold unset = 3.
	obj := deployment([{"name": "api", "livenessProbe": probe({"timeoutSeconds": 10})}])
	probe_timeout_exceeds_period.findings == {finding("api", "liveness", 10, 10, 3)} with input as obj
}

test_fires_for_period_under_default_timeout if {
	# timeoutSeconds unset = 1.
	obj := deployment([{"name": "api", "readinessProbe": probe({"periodSeconds": 1})}])
	probe_timeout_exceeds_period.findings == {finding("api", "readiness", 1, 1, 3)} with input as obj
}

test_fires_once_per_container_naming_every_probe if {
	bad := probe({"timeoutSeconds": 5, "periodSeconds": 5})
	obj := deployment([
		{"name": "api", "livenessProbe": bad, "readinessProbe": bad, "startupProbe": probe({"periodSeconds": 2})},
		{"name": "sidecar", "livenessProbe": probe({"timeoutSeconds": 30})},
	])
	result := probe_timeout_exceeds_period.findings with input as obj
	result == {
		{
			"msg": "container \"api\" liveness and readiness probes have timeoutSeconds >= periodSeconds (liveness 5 >= 5, readiness 5 >= 5): a check that hangs leaves no gap before the next, so each probe runs back to back and a hang takes failureThreshold x timeoutSeconds to detect (liveness 3 x 5s = 15s, readiness 3 x 5s = 15s); set timeoutSeconds below periodSeconds in each",
			"container": "api",
			"field": ["livenessProbe", "timeoutSeconds"],
		},
		finding("sidecar", "liveness", 30, 10, 3),
	}
}

test_fires_once_for_all_three_probes if {
	obj := deployment([{
		"name": "redis",
		"livenessProbe": probe({"timeoutSeconds": 15, "periodSeconds": 15, "failureThreshold": 5}),
		"readinessProbe": probe({"timeoutSeconds": 15, "periodSeconds": 15, "failureThreshold": 5}),
		"startupProbe": probe({"timeoutSeconds": 15}),
	}])
	result := probe_timeout_exceeds_period.findings with input as obj
	result == {{
		"msg": "container \"redis\" liveness, readiness and startup probes have timeoutSeconds >= periodSeconds (liveness 15 >= 15, readiness 15 >= 15, startup 15 >= 10): a check that hangs leaves no gap before the next, so each probe runs back to back and a hang takes failureThreshold x timeoutSeconds to detect (liveness 5 x 15s = 75s, readiness 5 x 15s = 75s, startup 3 x 15s = 45s); set timeoutSeconds below periodSeconds in each",
		"container": "redis",
		"field": ["livenessProbe", "timeoutSeconds"],
	}}
}

test_points_at_the_first_slow_probe if {
	obj := deployment([{
		"name": "api",
		"livenessProbe": probe({}),
		"readinessProbe": probe({"periodSeconds": 1}),
		"startupProbe": probe({"timeoutSeconds": 3, "periodSeconds": 2}),
	}])
	result := probe_timeout_exceeds_period.findings with input as obj
	[f.field | some f in result] == [["readinessProbe", "timeoutSeconds"]]
	[f.msg | some f in result] == ["container \"api\" readiness and startup probes have timeoutSeconds >= periodSeconds (readiness 1 >= 1, startup 3 >= 2): a check that hangs leaves no gap before the next, so each probe runs back to back and a hang takes failureThreshold x timeoutSeconds to detect (readiness 3 x 1s = 3s, startup 3 x 3s = 9s); set timeoutSeconds below periodSeconds in each"]
}

test_fires_for_any_handler if {
	every handler in [{"tcpSocket": {"port": 5432}}, {"exec": {"command": ["true"]}}, {"grpc": {"port": 9090}}] {
		obj := deployment([{"name": "api", "livenessProbe": object.union(handler, {"timeoutSeconds": 15})}])
		probe_timeout_exceeds_period.findings == {finding("api", "liveness", 15, 10, 3)} with input as obj
	}
}

test_fires_under_gatekeeper_review if {
	obj := deployment([{"name": "api", "livenessProbe": probe({"timeoutSeconds": 10})}])
	{f.container | some f in probe_timeout_exceeds_period.findings} == {"api"} with input as {"review": {"object": obj}, "parameters": {"rules": {"probe-timeout-exceeds-period": {}}}}
}

test_passes_with_defaults if {
	# timeoutSeconds 1 < periodSeconds 10.
	obj := deployment([{"name": "api", "livenessProbe": probe({}), "readinessProbe": probe({}), "startupProbe": probe({})}])
	count(probe_timeout_exceeds_period.findings) == 0 with input as obj
}

test_passes_with_zero_values_defaulted if {
	# The API server replaces 0 with the defaults, 1 and 10.
	obj := deployment([{"name": "api", "livenessProbe": probe({"timeoutSeconds": 0, "periodSeconds": 0})}])
	count(probe_timeout_exceeds_period.findings) == 0 with input as obj
}

test_passes_with_timeout_just_below_period if {
	obj := deployment([{"name": "api", "readinessProbe": probe({"timeoutSeconds": 4, "periodSeconds": 5}), "livenessProbe": probe({"timeoutSeconds": 9})}])
	count(probe_timeout_exceeds_period.findings) == 0 with input as obj
}

test_skips_init_containers if {
	obj := json.patch(deployment([{"name": "api"}]), [{
		"op": "add", "path": "/spec/template/spec/initContainers",
		"value": [{"name": "setup", "livenessProbe": probe({"timeoutSeconds": 10})}],
	}])
	count(probe_timeout_exceeds_period.findings) == 0 with input as obj
}

test_skips_job_and_cronjob if {
	containers := [{"name": "report", "livenessProbe": probe({"timeoutSeconds": 10})}]
	job := json.patch(workload("Job", containers), [{"op": "replace", "path": "/apiVersion", "value": "batch/v1"}])
	count(probe_timeout_exceeds_period.findings) == 0 with input as job
	cronjob := {
		"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "report", "namespace": "shop"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": containers}}}}},
	}
	count(probe_timeout_exceeds_period.findings) == 0 with input as cronjob
}
