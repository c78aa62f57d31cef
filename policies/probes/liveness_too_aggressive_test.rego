package prodready.rules.liveness_too_aggressive_test

import data.prodready.rules.liveness_too_aggressive

workload(kind, containers) := {
	"apiVersion": "apps/v1",
	"kind": kind,
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": {"template": {"spec": {"containers": containers}}},
}

deployment(containers) := workload("Deployment", containers)

liveness(settings) := object.union({"httpGet": {"path": "/livez", "port": "http"}}, settings)

api(settings) := deployment([{"name": "api", "livenessProbe": liveness(settings)}])

test_fires_for_short_window if {
	result := liveness_too_aggressive.findings with input as api({"periodSeconds": 2, "failureThreshold": 3})
	result == {{
		"msg": "container \"api\" liveness probe gives up after 3 x 2s = 6s, under 10s: a GC pause or a slow request restarts it; raise failureThreshold or periodSeconds",
		"container": "api", "field": ["livenessProbe"],
	}}
}

test_fires_with_default_period if {
	# periodSeconds unset = 10; any failureThreshold >= 1 then passes the default 10s.
	params := {"liveness-too-aggressive": {"minWindowSeconds": 30}}
	result := liveness_too_aggressive.findings with input as api({"failureThreshold": 2}) with data.lib.parameters as params
	result == {{
		"msg": "container \"api\" liveness probe gives up after 2 x 10s = 20s, under 30s: a GC pause or a slow request restarts it; raise failureThreshold or periodSeconds",
		"container": "api", "field": ["livenessProbe"],
	}}
}

test_fires_with_default_failure_threshold if {
	# failureThreshold unset = 3.
	result := liveness_too_aggressive.findings with input as api({"periodSeconds": 3})
	result == {{
		"msg": "container \"api\" liveness probe gives up after 3 x 3s = 9s, under 10s: a GC pause or a slow request restarts it; raise failureThreshold or periodSeconds",
		"container": "api", "field": ["livenessProbe"],
	}}
}

test_fires_for_single_failure if {
	result := liveness_too_aggressive.findings with input as api({"periodSeconds": 5, "failureThreshold": 1})
	{f.msg | some f in result} == {"container \"api\" liveness probe gives up after 1 x 5s = 5s, under 10s: a GC pause or a slow request restarts it; raise failureThreshold or periodSeconds"}
}

test_fires_for_any_handler if {
	every handler in [{"tcpSocket": {"port": 5432}}, {"exec": {"command": ["true"]}}, {"grpc": {"port": 9090}}] {
		obj := deployment([{"name": "api", "livenessProbe": object.union(handler, {"periodSeconds": 1, "failureThreshold": 1})}])
		count(liveness_too_aggressive.findings) == 1 with input as obj
	}
}

test_fires_per_container if {
	obj := deployment([
		{"name": "api", "livenessProbe": liveness({"periodSeconds": 2})},
		{"name": "sidecar", "livenessProbe": liveness({})},
	])
	{f.container | some f in liveness_too_aggressive.findings} == {"api"} with input as obj
}

test_passes_with_defaults if {
	# 3 x 10s = 30s.
	count(liveness_too_aggressive.findings) == 0 with input as api({})
}

test_passes_with_zero_values_defaulted if {
	# The API server replaces 0 with the defaults, 3 and 10.
	count(liveness_too_aggressive.findings) == 0 with input as api({"periodSeconds": 0, "failureThreshold": 0})
}

test_passes_at_exactly_min_window if {
	count(liveness_too_aggressive.findings) == 0 with input as api({"periodSeconds": 5, "failureThreshold": 2})
}

test_ignores_readiness_and_startup if {
	fast := liveness({"periodSeconds": 1, "failureThreshold": 1})
	obj := deployment([{"name": "api", "readinessProbe": fast, "startupProbe": fast, "livenessProbe": liveness({})}])
	count(liveness_too_aggressive.findings) == 0 with input as obj
}

test_passes_without_liveness if {
	count(liveness_too_aggressive.findings) == 0 with input as deployment([{"name": "api"}])
}

test_skips_init_containers if {
	obj := json.patch(api({}), [{
		"op": "add", "path": "/spec/template/spec/initContainers",
		"value": [{"name": "setup", "livenessProbe": liveness({"periodSeconds": 1})}],
	}])
	count(liveness_too_aggressive.findings) == 0 with input as obj
}

test_skips_job_and_cronjob if {
	containers := [{"name": "report", "livenessProbe": liveness({"periodSeconds": 1})}]
	job := json.patch(workload("Job", containers), [{"op": "replace", "path": "/apiVersion", "value": "batch/v1"}])
	count(liveness_too_aggressive.findings) == 0 with input as job
	cronjob := {
		"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "report", "namespace": "shop"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": containers}}}}},
	}
	count(liveness_too_aggressive.findings) == 0 with input as cronjob
}

test_min_window_from_data_parameters if {
	params := {"liveness-too-aggressive": {"minWindowSeconds": 60}}
	result := liveness_too_aggressive.findings with input as api({}) with data.lib.parameters as params
	result == {{
		"msg": "container \"api\" liveness probe gives up after 3 x 10s = 30s, under 60s: a GC pause or a slow request restarts it; raise failureThreshold or periodSeconds",
		"container": "api", "field": ["livenessProbe"],
	}}
	count(liveness_too_aggressive.findings) == 0 with input as api({"periodSeconds": 2}) with data.lib.parameters as {"liveness-too-aggressive": {"minWindowSeconds": 5}}
}

review(settings, min_window) := {
	"review": {"object": api(settings)},
	"parameters": {"rules": {"liveness-too-aggressive": {"minWindowSeconds": min_window}}},
}

test_min_window_from_gatekeeper_parameters if {
	{f.container | some f in liveness_too_aggressive.findings} == {"api"} with input as review({"periodSeconds": 10, "failureThreshold": 3}, 45)
	count(liveness_too_aggressive.findings) == 0 with input as review({"periodSeconds": 1, "failureThreshold": 3}, 3)
}
