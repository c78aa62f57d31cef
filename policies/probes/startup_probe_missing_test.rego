package prodready.rules.startup_probe_missing_test

import data.prodready.rules.startup_probe_missing

workload(kind, containers) := {
	"apiVersion": "apps/v1",
	"kind": kind,
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": {"template": {"spec": {"containers": containers}}},
}

deployment(containers) := workload("Deployment", containers)

startup := {"httpGet": {"path": "/livez", "port": "http"}, "periodSeconds": 2, "failureThreshold": 30}

test_fires_with_liveness_defaults if {
	obj := deployment([{"name": "api", "livenessProbe": {"httpGet": {"path": "/livez", "port": "http"}}}])
	result := startup_probe_missing.findings with input as obj
	result == {{
		"msg": "container \"api\" has no startupProbe: its liveness probe kills any boot slower than about 0s + 3 x 10s = 30s, so one slow start (cold caches, migrations, a busy node) becomes a restart loop; add a startupProbe whose failureThreshold x periodSeconds covers the slowest boot",
		"container": "api",
	}}
}

test_fires_with_liveness_settings if {
	obj := deployment([{"name": "api", "livenessProbe": {
		"tcpSocket": {"port": 8080},
		"initialDelaySeconds": 15, "periodSeconds": 5, "failureThreshold": 2,
	}}])
	result := startup_probe_missing.findings with input as obj
	result == {{
		"msg": "container \"api\" has no startupProbe: its liveness probe kills any boot slower than about 15s + 2 x 5s = 25s, so one slow start (cold caches, migrations, a busy node) becomes a restart loop; add a startupProbe whose failureThreshold x periodSeconds covers the slowest boot",
		"container": "api",
	}}
}

test_fires_without_any_probe if {
	result := startup_probe_missing.findings with input as deployment([{"name": "worker"}])
	result == {{
		"msg": "container \"worker\" has no startupProbe: nothing tells Kubernetes when a slow boot is over, so any liveness probe must wait out the slowest start on every restart; add a startupProbe whose failureThreshold x periodSeconds covers the slowest boot",
		"container": "worker",
	}}
}

test_fires_per_container if {
	obj := deployment([{"name": "api", "startupProbe": startup}, {"name": "sidecar"}])
	{f.container | some f in startup_probe_missing.findings} == {"sidecar"} with input as obj
}

test_fires_when_startup_is_null if {
	{f.container | some f in startup_probe_missing.findings} == {"api"} with input as deployment([{"name": "api", "startupProbe": null}])
}

test_fires_under_gatekeeper_review if {
	review := {"review": {"object": workload("StatefulSet", [{"name": "db"}])}, "parameters": {"rules": {"startup-probe-missing": {}}}}
	{f.container | some f in startup_probe_missing.findings} == {"db"} with input as review
}

test_passes_with_startup_probe if {
	obj := deployment([{"name": "api", "startupProbe": startup, "livenessProbe": {"httpGet": {"path": "/livez", "port": "http"}}}])
	count(startup_probe_missing.findings) == 0 with input as obj
}

test_skips_init_containers if {
	obj := json.patch(deployment([{"name": "api", "startupProbe": startup}]), [{
		"op": "add", "path": "/spec/template/spec/initContainers",
		"value": [{"name": "migrate"}],
	}])
	count(startup_probe_missing.findings) == 0 with input as obj
}

test_skips_job_and_cronjob if {
	job := json.patch(workload("Job", [{"name": "report"}]), [{"op": "replace", "path": "/apiVersion", "value": "batch/v1"}])
	count(startup_probe_missing.findings) == 0 with input as job
	cronjob := {
		"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "report", "namespace": "shop"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "report"}]}}}}},
	}
	count(startup_probe_missing.findings) == 0 with input as cronjob
}
