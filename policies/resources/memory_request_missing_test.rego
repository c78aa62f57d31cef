package prodready.rules.memory_request_missing_test

import data.prodready.rules.memory_request_missing

deployment(containers) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": {"template": {"spec": {"containers": containers}}},
}

test_fires_without_requests_or_limits if {
	result := memory_request_missing.findings with input as deployment([{"name": "app", "image": "app:1"}])
	result == {{"msg": "container \"app\" has no memory request or limit: it is BestEffort and evicted first under memory pressure", "container": "app", "field": ["resources"]}}
}

test_fires_for_cpu_only_requests if {
	count(memory_request_missing.findings) == 1 with input as deployment([{"name": "app", "resources": {"requests": {"cpu": "100m"}}}])
}

test_fires_for_init_container if {
	obj := json.patch(deployment([{"name": "app", "resources": {"requests": {"memory": "1Gi"}}}]), [{
		"op": "add", "path": "/spec/template/spec/initContainers",
		"value": [{"name": "migrate"}],
	}])
	result := memory_request_missing.findings with input as obj
	{f.container | some f in result} == {"migrate"}
}

test_fires_on_cronjob_template if {
	cronjob := {
		"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "report"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "report"}]}}}}},
	}
	count(memory_request_missing.findings) == 1 with input as cronjob
}

test_fires_on_bare_pod if {
	pod := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"name": "c"}]}}
	count(memory_request_missing.findings) == 1 with input as pod
}

test_fires_under_gatekeeper_review if {
	review := {"review": {"object": deployment([{"name": "app"}])}, "parameters": {}}
	count(memory_request_missing.findings) == 1 with input as review
}

test_passes_with_request if {
	count(memory_request_missing.findings) == 0 with input as deployment([{"name": "app", "resources": {"requests": {"memory": "256Mi"}}}])
}

test_passes_with_limit_only if {
	# Kubernetes defaults the request to the limit.
	count(memory_request_missing.findings) == 0 with input as deployment([{"name": "app", "resources": {"limits": {"memory": "256Mi"}}}])
}

test_skips_helm_test_pod if {
	pod := {
		"apiVersion": "v1", "kind": "Pod",
		"metadata": {"name": "t", "annotations": {"helm.sh/hook": "test"}},
		"spec": {"containers": [{"name": "c"}]},
	}
	count(memory_request_missing.findings) == 0 with input as pod
}

test_skips_non_workloads if {
	count(memory_request_missing.findings) == 0 with input as {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}, "spec": {}}
}

test_skips_rollout_of_other_group if {
	obj := json.patch(deployment([{"name": "app"}]), [
		{"op": "replace", "path": "/kind", "value": "Rollout"},
		{"op": "replace", "path": "/apiVersion", "value": "example.com/v1"},
	])
	count(memory_request_missing.findings) == 0 with input as obj
}

test_fires_on_argo_rollout if {
	obj := json.patch(deployment([{"name": "app"}]), [
		{"op": "replace", "path": "/kind", "value": "Rollout"},
		{"op": "replace", "path": "/apiVersion", "value": "argoproj.io/v1alpha1"},
	])
	count(memory_request_missing.findings) == 1 with input as obj
}

test_points_at_the_resources if {
	memory_request_missing.findings == {{
		"msg": "container \"app\" has no memory request or limit: it is BestEffort and evicted first under memory pressure",
		"container": "app",
		"field": ["resources"],
	}} with input as deployment([{"name": "app", "resources": {"requests": {"cpu": "100m"}}}])
}
