package prodready.rules.slow_start_without_startup_probe_test

import data.prodready.rules.slow_start_without_startup_probe

workload(kind, containers) := {
	"apiVersion": "apps/v1",
	"kind": kind,
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": {"template": {"spec": {"containers": containers}}},
}

deployment(containers) := workload("Deployment", containers)

liveness(delay) := {"httpGet": {"path": "/livez", "port": "http"}, "initialDelaySeconds": delay}

startup := {"httpGet": {"path": "/livez", "port": "http"}, "periodSeconds": 5, "failureThreshold": 36}

test_fires_for_long_initial_delay if {
	result := slow_start_without_startup_probe.findings with input as deployment([{"name": "api", "livenessProbe": liveness(120)}])
	result == {{
		"msg": "container \"api\" liveness probe waits initialDelaySeconds 120s (>= 60s) and there is no startupProbe: after every restart a hang goes unnoticed for 120s, and a boot slower than that is killed anyway; add a startupProbe covering the slowest boot and drop initialDelaySeconds",
		"container": "api",
	}}
}

test_fires_at_exactly_max_initial_delay if {
	{f.container | some f in slow_start_without_startup_probe.findings} == {"api"} with input as deployment([{"name": "api", "livenessProbe": liveness(60)}])
}

test_fires_for_any_handler if {
	every handler in [{"tcpSocket": {"port": 5432}}, {"exec": {"command": ["pg_isready"]}}, {"grpc": {"port": 9090}}] {
		obj := deployment([{"name": "api", "livenessProbe": object.union(handler, {"initialDelaySeconds": 90})}])
		count(slow_start_without_startup_probe.findings) == 1 with input as obj
	}
}

test_fires_per_container if {
	obj := deployment([
		{"name": "api", "livenessProbe": liveness(300)},
		{"name": "sidecar", "livenessProbe": liveness(5)},
		{"name": "warm", "livenessProbe": liveness(300), "startupProbe": startup},
	])
	{f.container | some f in slow_start_without_startup_probe.findings} == {"api"} with input as obj
}

test_passes_under_max_initial_delay if {
	count(slow_start_without_startup_probe.findings) == 0 with input as deployment([{"name": "api", "livenessProbe": liveness(59)}])
}

test_passes_with_initial_delay_unset if {
	# initialDelaySeconds defaults to 0.
	obj := deployment([{"name": "api", "livenessProbe": {"httpGet": {"path": "/livez", "port": "http"}}}])
	count(slow_start_without_startup_probe.findings) == 0 with input as obj
}

test_passes_with_startup_probe if {
	obj := deployment([{"name": "api", "livenessProbe": liveness(120), "startupProbe": startup}])
	count(slow_start_without_startup_probe.findings) == 0 with input as obj
}

test_passes_without_liveness if {
	# Left to liveness-probe-missing.
	count(slow_start_without_startup_probe.findings) == 0 with input as deployment([{"name": "api"}])
}

test_ignores_readiness_delay if {
	obj := deployment([{"name": "api", "readinessProbe": liveness(120), "livenessProbe": liveness(0)}])
	count(slow_start_without_startup_probe.findings) == 0 with input as obj
}

test_skips_init_containers if {
	obj := json.patch(deployment([{"name": "api", "livenessProbe": liveness(10)}]), [{
		"op": "add", "path": "/spec/template/spec/initContainers",
		"value": [{"name": "migrate", "livenessProbe": liveness(120)}],
	}])
	count(slow_start_without_startup_probe.findings) == 0 with input as obj
}

test_skips_job_and_cronjob if {
	containers := [{"name": "report", "livenessProbe": liveness(120)}]
	job := json.patch(workload("Job", containers), [{"op": "replace", "path": "/apiVersion", "value": "batch/v1"}])
	count(slow_start_without_startup_probe.findings) == 0 with input as job
	cronjob := {
		"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "report", "namespace": "shop"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": containers}}}}},
	}
	count(slow_start_without_startup_probe.findings) == 0 with input as cronjob
}

test_max_initial_delay_from_data_parameters if {
	obj := deployment([{"name": "api", "livenessProbe": liveness(30)}])
	params := {"slow-start-without-startup-probe": {"maxInitialDelay": 30}}
	result := slow_start_without_startup_probe.findings with input as obj with data.lib.parameters as params
	result == {{
		"msg": "container \"api\" liveness probe waits initialDelaySeconds 30s (>= 30s) and there is no startupProbe: after every restart a hang goes unnoticed for 30s, and a boot slower than that is killed anyway; add a startupProbe covering the slowest boot and drop initialDelaySeconds",
		"container": "api",
	}}
	looser := {"slow-start-without-startup-probe": {"maxInitialDelay": 180}}
	count(slow_start_without_startup_probe.findings) == 0 with input as deployment([{"name": "api", "livenessProbe": liveness(120)}]) with data.lib.parameters as looser
}

review(delay, max_delay) := {
	"review": {"object": deployment([{"name": "api", "livenessProbe": liveness(delay)}])},
	"parameters": {"rules": {"slow-start-without-startup-probe": {"maxInitialDelay": max_delay}}},
}

test_max_initial_delay_from_gatekeeper_parameters if {
	{f.container | some f in slow_start_without_startup_probe.findings} == {"api"} with input as review(45, 30)
	count(slow_start_without_startup_probe.findings) == 0 with input as review(120, 300)
}
