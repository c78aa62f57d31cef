package prodready.rules.cpu_request_missing_test

import data.prodready.rules.cpu_request_missing

deployment(containers) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": {"template": {"spec": {"containers": containers}}},
}

with_init_containers(obj, init_containers) := json.patch(obj, [{
	"op": "add", "path": "/spec/template/spec/initContainers",
	"value": init_containers,
}])

msg(name) := label_msg(sprintf("container %q", [name]))

label_msg(label) := sprintf("%s has no CPU request or limit: the scheduler counts it as using no CPU and, under contention, it gets the minimum CPU share and starves; set resources.requests.cpu to its typical usage", [label])

test_fires_without_requests_or_limits if {
	result := cpu_request_missing.findings with input as deployment([{"name": "app", "image": "app:1"}])
	result == {{"msg": msg("app"), "container": "app", "field": ["resources"]}}
}

test_fires_for_memory_only_resources if {
	result := cpu_request_missing.findings with input as deployment([{"name": "app", "resources": {"requests": {"memory": "256Mi"}, "limits": {"memory": "512Mi"}}}])
	result == {{"msg": msg("app"), "container": "app", "field": ["resources"]}}
}

test_fires_for_null_cpu_request if {
	result := cpu_request_missing.findings with input as deployment([{"name": "app", "resources": {"requests": {"cpu": null}}}])
	result == {{"msg": msg("app"), "container": "app", "field": ["resources"]}}
}

test_fires_for_init_container if {
	obj := with_init_containers(deployment([{"name": "app", "resources": {"requests": {"cpu": "100m"}}}]), [{"name": "migrate"}])
	result := cpu_request_missing.findings with input as obj
	result == {{
		"msg": "initContainer \"migrate\" has no CPU request or limit: the scheduler counts it as using no CPU and, under contention, it gets the minimum CPU share and starves; set resources.requests.cpu to its typical usage",
		"container": "migrate", "field": ["resources"],
	}}
}

test_fires_once_per_container if {
	obj := with_init_containers(deployment([{"name": "app"}, {"name": "sidecar"}]), [{"name": "migrate"}])
	result := cpu_request_missing.findings with input as obj
	result == {
		{"msg": msg("app"), "container": "app", "field": ["resources"]},
		{"msg": msg("sidecar"), "container": "sidecar", "field": ["resources"]},
		{"msg": label_msg("initContainer \"migrate\""), "container": "migrate", "field": ["resources"]},
	}
}

test_fires_on_batch_workloads if {
	job := {
		"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "backfill", "namespace": "shop"},
		"spec": {"template": {"spec": {"containers": [{"name": "backfill"}]}}},
	}
	cronjob := {
		"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "report", "namespace": "shop"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "report"}]}}}}},
	}
	cpu_request_missing.findings == {{"msg": msg("backfill"), "container": "backfill", "field": ["resources"]}} with input as job
	cpu_request_missing.findings == {{"msg": msg("report"), "container": "report", "field": ["resources"]}} with input as cronjob
}

test_fires_on_bare_pod if {
	pod := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"name": "c"}]}}
	cpu_request_missing.findings == {{"msg": msg("c"), "container": "c", "field": ["resources"]}} with input as pod
}

test_fires_under_gatekeeper_review if {
	review := {"review": {"object": deployment([{"name": "app"}])}, "parameters": {"rules": {"cpu-request-missing": {}}}}
	cpu_request_missing.findings == {{"msg": msg("app"), "container": "app", "field": ["resources"]}} with input as review
}

test_passes_with_request if {
	count(cpu_request_missing.findings) == 0 with input as deployment([{"name": "app", "resources": {"requests": {"cpu": "250m"}}}])
}

test_passes_with_limit_only if {
	# Kubernetes defaults the request to the limit.
	count(cpu_request_missing.findings) == 0 with input as deployment([{"name": "app", "resources": {"limits": {"cpu": "1"}}}])
}

test_passes_init_container_with_limit_only if {
	obj := with_init_containers(deployment([{"name": "app", "resources": {"requests": {"cpu": "250m"}}}]), [{"name": "migrate", "resources": {"limits": {"cpu": "500m"}}}])
	count(cpu_request_missing.findings) == 0 with input as obj
}

test_passes_with_numeric_request if {
	count(cpu_request_missing.findings) == 0 with input as deployment([{"name": "app", "resources": {"requests": {"cpu": 2}}}])
}

test_skips_helm_test_pod if {
	pod := {
		"apiVersion": "v1", "kind": "Pod",
		"metadata": {"name": "t", "annotations": {"helm.sh/hook": "test-success"}},
		"spec": {"containers": [{"name": "c"}]},
	}
	count(cpu_request_missing.findings) == 0 with input as pod
}

test_skips_non_workloads if {
	count(cpu_request_missing.findings) == 0 with input as {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {}}
}
