package prodready.rules.memory_limit_missing_test

import data.prodready.rules.memory_limit_missing

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

msg(name) := sprintf("container %q has no memory limit: a leak or spike grows until the node runs short of memory and the kubelet evicts, or the kernel OOM-kills, pods that stayed within their requests; set resources.requests.memory to its steady-state working set and resources.limits.memory to at least 1.5x that", [name])

msg_with_request(name, request) := sprintf("container %q has no memory limit (request %s): a leak or spike grows until the node runs short of memory and the kubelet evicts, or the kernel OOM-kills, pods that stayed within their requests; set resources.limits.memory to at least 1.5x the request", [name, request])

requested(name) := {"name": name, "resources": {"requests": {"cpu": "250m", "memory": "512Mi"}}}

# inventory(ns, items) is data.inventory, in Gatekeeper's shape, holding one
# LimitRange named defaults in namespace ns with spec.limits items.
inventory(ns, items) := {"namespace": {ns: {"v1": {"LimitRange": {"defaults": {
	"apiVersion": "v1",
	"kind": "LimitRange",
	"metadata": {"name": "defaults", "namespace": ns},
	"spec": {"limits": items},
}}}}}}

container_default := {"type": "Container", "default": {"cpu": "500m", "memory": "1Gi"}, "defaultRequest": {"cpu": "100m", "memory": "256Mi"}}

test_fires_without_limit if {
	result := memory_limit_missing.findings with input as deployment([requested("app")])
	result == {{"msg": msg_with_request("app", "512Mi"), "container": "app", "field": ["resources"]}}
}

test_fires_without_any_resources if {
	result := memory_limit_missing.findings with input as deployment([{"name": "app", "image": "app:1"}])
	result == {{"msg": msg("app"), "container": "app", "field": ["resources"]}}
}

test_fires_with_cpu_limit_only if {
	result := memory_limit_missing.findings with input as deployment([{"name": "app", "resources": {"limits": {"cpu": "1"}}}])
	result == {{"msg": msg("app"), "container": "app", "field": ["resources"]}}
}

test_fires_with_null_limit if {
	result := memory_limit_missing.findings with input as deployment([{"name": "app", "resources": {"requests": {"memory": "1Gi"}, "limits": {"memory": null}}}])
	result == {{"msg": msg_with_request("app", "1Gi"), "container": "app", "field": ["resources"]}}
}

test_fires_for_each_container if {
	obj := deployment([requested("app"), {"name": "proxy"}, {"name": "ok", "resources": {"limits": {"memory": "1Gi"}}}])
	result := memory_limit_missing.findings with input as obj
	result == {
		{"msg": msg_with_request("app", "512Mi"), "container": "app", "field": ["resources"]},
		{"msg": msg("proxy"), "container": "proxy", "field": ["resources"]},
	}
}

test_fires_on_cronjob_template if {
	cronjob := {
		"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "report", "namespace": "shop"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [requested("report")]}}}}},
	}
	memory_limit_missing.findings == {{"msg": msg_with_request("report", "512Mi"), "container": "report", "field": ["resources"]}} with input as cronjob
}

test_fires_with_limit_range_in_another_namespace if {
	result := memory_limit_missing.findings with input as deployment([requested("app")])
		with data.inventory as inventory("other", [container_default])
	result == {{"msg": msg_with_request("app", "512Mi"), "container": "app", "field": ["resources"]}}
}

test_fires_with_limit_range_default_request_only if {
	item := {"type": "Container", "defaultRequest": {"memory": "256Mi"}}
	result := memory_limit_missing.findings with input as deployment([requested("app")])
		with data.inventory as inventory("shop", [item])
	result == {{"msg": msg_with_request("app", "512Mi"), "container": "app", "field": ["resources"]}}
}

test_fires_with_limit_range_default_cpu_only if {
	item := {"type": "Container", "default": {"cpu": "1"}, "max": {"cpu": "2"}}
	result := memory_limit_missing.findings with input as deployment([requested("app")])
		with data.inventory as inventory("shop", [item])
	result == {{"msg": msg_with_request("app", "512Mi"), "container": "app", "field": ["resources"]}}
}

test_fires_with_limit_range_of_pod_type if {
	# A Pod item bounds the pod's sum and has no default: containers get no limit.
	item := {"type": "Pod", "max": {"memory": "4Gi"}}
	result := memory_limit_missing.findings with input as deployment([requested("app")])
		with data.inventory as inventory("shop", [item])
	result == {{"msg": msg_with_request("app", "512Mi"), "container": "app", "field": ["resources"]}}
}

test_fires_under_gatekeeper_review if {
	review := {"review": {"object": deployment([requested("app")])}, "parameters": {"rules": {"memory-limit-missing": {}}}}
	result := memory_limit_missing.findings with input as review
		with data.inventory as inventory("other", [container_default])
	result == {{"msg": msg_with_request("app", "512Mi"), "container": "app", "field": ["resources"]}}
}

test_passes_with_limit if {
	obj := deployment([{"name": "app", "resources": {"requests": {"memory": "512Mi"}, "limits": {"memory": "1Gi"}}}])
	count(memory_limit_missing.findings) == 0 with input as obj
}

test_passes_with_limit_only if {
	count(memory_limit_missing.findings) == 0 with input as deployment([{"name": "app", "resources": {"limits": {"memory": "1Gi"}}}])
}

test_passes_with_unparseable_limit if {
	# The limit is there; the API server, not this rule, rejects its value.
	count(memory_limit_missing.findings) == 0 with input as deployment([{"name": "app", "resources": {"limits": {"memory": "lots"}}}])
}

test_skips_init_containers if {
	obj := with_init_containers(
		deployment([{"name": "app", "resources": {"limits": {"memory": "1Gi"}}}]),
		[requested("migrate")],
	)
	count(memory_limit_missing.findings) == 0 with input as obj
}

test_passes_with_limit_range_default_in_same_namespace if {
	count(memory_limit_missing.findings) == 0 with input as deployment([requested("app"), {"name": "proxy"}])
		with data.inventory as inventory("shop", [container_default])
}

test_passes_with_limit_range_max_in_same_namespace if {
	# Kubernetes defaults default.memory to max.memory in a Container item.
	item := {"type": "Container", "max": {"memory": "2Gi"}}
	count(memory_limit_missing.findings) == 0 with input as deployment([requested("app")])
		with data.inventory as inventory("shop", [item])
}

test_passes_with_limit_range_among_other_items if {
	items := [{"type": "Pod", "max": {"cpu": "4"}}, {"type": "PersistentVolumeClaim", "max": {"storage": "10Gi"}}, container_default]
	count(memory_limit_missing.findings) == 0 with input as deployment([requested("app")])
		with data.inventory as inventory("shop", items)
}

test_passes_with_limit_range_under_gatekeeper_review if {
	review := {"review": {"object": deployment([requested("app")])}, "parameters": {"rules": {"memory-limit-missing": {}}}}
	count(memory_limit_missing.findings) == 0 with input as review
		with data.inventory as inventory("shop", [container_default])
}

test_skips_non_workloads if {
	lr := inventory("shop", [container_default]).namespace.shop.v1.LimitRange.defaults
	count(memory_limit_missing.findings) == 0 with input as lr
}
