package prodready.rules.readiness_probe_missing_test

import data.prodready.rules.readiness_probe_missing

workload(kind, containers) := {
	"apiVersion": "apps/v1",
	"kind": kind,
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": {"template": {"spec": {"containers": containers}}},
}

deployment(containers) := workload("Deployment", containers)

readiness := {"httpGet": {"path": "/ready", "port": "http"}}

test_fires_for_port_without_readiness if {
	result := readiness_probe_missing.findings with input as deployment([{"name": "api", "ports": [{"containerPort": 8080}]}])
	result == {{
		"msg": "container \"api\" declares port 8080 but has no readinessProbe: Services send it traffic as soon as it starts and keep sending while it cannot answer; add a readinessProbe that succeeds only when it can serve",
		"container": "api",
	}}
}

test_message_names_every_port if {
	obj := deployment([{"name": "api", "ports": [{"name": "http", "containerPort": 8080}, {"containerPort": 9090}]}])
	result := readiness_probe_missing.findings with input as obj
	result == {{
		"msg": "container \"api\" declares ports 8080 (http), 9090 but has no readinessProbe: Services send it traffic as soon as it starts and keep sending while it cannot answer; add a readinessProbe that succeeds only when it can serve",
		"container": "api",
	}}
}

test_fires_when_readiness_is_null if {
	obj := deployment([{"name": "api", "ports": [{"containerPort": 8080}], "readinessProbe": null}])
	{f.container | some f in readiness_probe_missing.findings} == {"api"} with input as obj
}

test_fires_only_for_containers_with_ports if {
	obj := deployment([
		{"name": "api", "ports": [{"containerPort": 8080}]},
		{"name": "log-shipper"},
		{"name": "proxy", "ports": [{"containerPort": 15001}], "readinessProbe": readiness},
	])
	{f.container | some f in readiness_probe_missing.findings} == {"api"} with input as obj
}

test_fires_on_every_long_running_kind if {
	containers := [{"name": "api", "ports": [{"containerPort": 8080}]}]
	every kind in ["StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController"] {
		count(readiness_probe_missing.findings) == 1 with input as workload(kind, containers)
	}
	pod := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": containers}}
	count(readiness_probe_missing.findings) == 1 with input as pod
	rollout := json.patch(deployment(containers), [
		{"op": "replace", "path": "/kind", "value": "Rollout"},
		{"op": "replace", "path": "/apiVersion", "value": "argoproj.io/v1alpha1"},
	])
	count(readiness_probe_missing.findings) == 1 with input as rollout
}

test_fires_under_gatekeeper_review if {
	review := {"review": {"object": deployment([{"name": "api", "ports": [{"containerPort": 8080}]}])}, "parameters": {"rules": {"readiness-probe-missing": {}}}}
	{f.container | some f in readiness_probe_missing.findings} == {"api"} with input as review
}

test_passes_with_readiness if {
	obj := deployment([{"name": "api", "ports": [{"containerPort": 8080}], "readinessProbe": readiness}])
	count(readiness_probe_missing.findings) == 0 with input as obj
}

test_passes_for_container_without_ports if {
	count(readiness_probe_missing.findings) == 0 with input as deployment([{"name": "worker"}])
	count(readiness_probe_missing.findings) == 0 with input as deployment([{"name": "worker", "ports": []}])
}

test_skips_init_containers if {
	obj := json.patch(deployment([{"name": "api", "ports": [{"containerPort": 8080}], "readinessProbe": readiness}]), [{
		"op": "add", "path": "/spec/template/spec/initContainers",
		"value": [{"name": "setup", "ports": [{"containerPort": 9000}]}],
	}])
	count(readiness_probe_missing.findings) == 0 with input as obj
}

test_skips_job_and_cronjob if {
	containers := [{"name": "api", "ports": [{"containerPort": 8080}]}]
	job := json.patch(workload("Job", containers), [{"op": "replace", "path": "/apiVersion", "value": "batch/v1"}])
	count(readiness_probe_missing.findings) == 0 with input as job
	cronjob := {
		"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "report", "namespace": "shop"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": containers}}}}},
	}
	count(readiness_probe_missing.findings) == 0 with input as cronjob
}

test_skips_helm_test_pod if {
	pod := {
		"apiVersion": "v1", "kind": "Pod",
		"metadata": {"name": "t", "annotations": {"helm.sh/hook": "test"}},
		"spec": {"containers": [{"name": "c", "ports": [{"containerPort": 8080}]}]},
	}
	count(readiness_probe_missing.findings) == 0 with input as pod
}
