package prodready.rules.memory_request_missing_test

import data.prodready.rules.memory_request_missing

deployment(containers) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": {"template": {"spec": {"containers": containers}}},
}

burstable_msg(label, size) := sprintf("%s has no memory request or limit: the scheduler leaves its memory out of the pod's request, so the pod can land on a node without room for it, and under node memory pressure the kubelet evicts first the pods using more than they requested; set resources.requests.memory to %s", [label, size])

test_fires_without_requests_or_limits if {
	result := memory_request_missing.findings with input as deployment([{"name": "app", "image": "app:1"}])
	result == {{
		"msg": "container \"app\" has no memory request or limit, nor a CPU one: the pod is BestEffort, placed as if it used no memory and among the first evicted under node memory pressure; set resources.requests.memory to its steady-state working set",
		"container": "app", "field": ["resources"],
	}}
}

test_names_best_effort_pod_of_several_containers if {
	result := memory_request_missing.findings with input as deployment([{"name": "app"}, {"name": "proxy"}])
	msg := "has no memory request or limit, and no container of the pod has a CPU or memory request: the pod is BestEffort, placed as if it used no memory and among the first evicted under node memory pressure; set resources.requests.memory to its steady-state working set"
	result == {
		{"msg": concat(" ", ["container \"app\"", msg]), "container": "app", "field": ["resources"]},
		{"msg": concat(" ", ["container \"proxy\"", msg]), "container": "proxy", "field": ["resources"]},
	}
}

test_does_not_call_a_pod_with_requests_best_effort if {
	# The CPU request makes the pod Burstable.
	result := memory_request_missing.findings with input as deployment([{"name": "app", "resources": {"requests": {"cpu": "100m"}}}])
	result == {{"msg": burstable_msg("container \"app\"", "its steady-state working set"), "container": "app", "field": ["resources"]}}
	sibling := deployment([{"name": "app"}, {"name": "proxy", "resources": {"limits": {"memory": "128Mi"}}}])
	memory_request_missing.findings == {{"msg": burstable_msg("container \"app\"", "its steady-state working set"), "container": "app", "field": ["resources"]}} with input as sibling
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
	result == {{"msg": burstable_msg("initContainer \"migrate\"", "the most it uses while it runs"), "container": "migrate", "field": ["resources"]}}
}

test_native_sidecar_is_sized_like_an_app_container if {
	obj := json.patch(deployment([{"name": "app", "resources": {"requests": {"memory": "1Gi"}}}]), [{
		"op": "add", "path": "/spec/template/spec/initContainers",
		"value": [{"name": "proxy", "restartPolicy": "Always"}],
	}])
	result := memory_request_missing.findings with input as obj
	result == {{"msg": burstable_msg("initContainer \"proxy\"", "its steady-state working set"), "container": "proxy", "field": ["resources"]}}
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
	review := {"review": {"object": deployment([{"name": "app"}])}, "parameters": {"rules": {"memory-request-missing": {}}}}
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
		"msg": burstable_msg("container \"app\"", "its steady-state working set"),
		"container": "app",
		"field": ["resources"],
	}} with input as deployment([{"name": "app", "resources": {"requests": {"cpu": "100m"}}}])
}
