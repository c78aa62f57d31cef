package prodready.rules.liveness_probe_missing_test

import data.prodready.rules.liveness_probe_missing

workload(kind, containers) := {
	"apiVersion": "apps/v1",
	"kind": kind,
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": {"template": {"spec": {"containers": containers}}},
}

deployment(containers) := workload("Deployment", containers)

liveness := {"httpGet": {"path": "/livez", "port": "http"}}

test_fires_without_liveness if {
	result := liveness_probe_missing.findings with input as deployment([{"name": "api", "image": "api:1"}])
	result == {{
		"msg": "container \"api\" has no livenessProbe: if it deadlocks or hangs while the process stays up, Kubernetes never restarts it; add a livenessProbe that checks only the process itself, not its dependencies",
		"container": "api",
	}}
}

test_fires_when_only_readiness_is_set if {
	obj := deployment([{"name": "api", "readinessProbe": {"httpGet": {"path": "/ready", "port": 8080}}}])
	{f.container | some f in liveness_probe_missing.findings} == {"api"} with input as obj
}

test_fires_for_container_without_ports if {
	# Unlike readiness, liveness matters for workers that serve no traffic.
	{f.container | some f in liveness_probe_missing.findings} == {"worker"} with input as deployment([{"name": "worker"}])
}

test_fires_when_liveness_is_null if {
	{f.container | some f in liveness_probe_missing.findings} == {"api"} with input as deployment([{"name": "api", "livenessProbe": null}])
}

test_fires_per_container if {
	obj := deployment([{"name": "api", "livenessProbe": liveness}, {"name": "sidecar"}, {"name": "exporter"}])
	{f.container | some f in liveness_probe_missing.findings} == {"sidecar", "exporter"} with input as obj
}

test_fires_on_statefulset_daemonset_and_pod if {
	every kind in ["StatefulSet", "DaemonSet"] {
		count(liveness_probe_missing.findings) == 1 with input as workload(kind, [{"name": "app"}])
	}
	pod := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"name": "app"}]}}
	count(liveness_probe_missing.findings) == 1 with input as pod
}

test_fires_under_gatekeeper_review if {
	review := {"review": {"object": deployment([{"name": "api"}])}, "parameters": {"rules": {"liveness-probe-missing": {}}}}
	{f.container | some f in liveness_probe_missing.findings} == {"api"} with input as review
}

test_passes_with_liveness if {
	count(liveness_probe_missing.findings) == 0 with input as deployment([{"name": "api", "livenessProbe": liveness}])
	count(liveness_probe_missing.findings) == 0 with input as deployment([{"name": "api", "livenessProbe": {"exec": {"command": ["cat", "/tmp/healthy"]}}}])
}

test_skips_init_containers if {
	obj := json.patch(deployment([{"name": "api", "livenessProbe": liveness}]), [{
		"op": "add", "path": "/spec/template/spec/initContainers",
		"value": [{"name": "migrate"}],
	}])
	count(liveness_probe_missing.findings) == 0 with input as obj
}

test_skips_job_and_cronjob if {
	job := json.patch(workload("Job", [{"name": "report"}]), [{"op": "replace", "path": "/apiVersion", "value": "batch/v1"}])
	count(liveness_probe_missing.findings) == 0 with input as job
	cronjob := {
		"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "report", "namespace": "shop"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "report"}]}}}}},
	}
	count(liveness_probe_missing.findings) == 0 with input as cronjob
}

test_skips_non_workloads if {
	count(liveness_probe_missing.findings) == 0 with input as {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}, "spec": {}}
}
