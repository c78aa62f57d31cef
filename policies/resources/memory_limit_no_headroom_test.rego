package prodready.rules.memory_limit_no_headroom_test

import data.prodready.rules.memory_limit_no_headroom

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

memory(name, request, limit) := {"name": name, "resources": {"requests": {"cpu": "250m", "memory": request}, "limits": {"memory": limit}}}

limit_only(name, limit) := {"name": name, "resources": {"limits": {"cpu": "500m", "memory": limit}}}

msg(name, limit, ratio, request, min_ratio) := sprintf(
	"container %q memory limit %v is %sx its request %v; below %vx, a spike past the request is OOMKilled instead of absorbed: raise limits.memory to at least %vx the request",
	[name, limit, ratio, request, min_ratio, min_ratio],
)

implicit_msg(name, limit, min_ratio) := sprintf(
	"container %q memory limit %v is 1.0x its request (no requests.memory, so Kubernetes sets the request to the limit); below %vx, a spike past the request is OOMKilled instead of absorbed: set requests.memory to the steady-state working set and limits.memory to at least %vx that",
	[name, limit, min_ratio, min_ratio],
)

test_fires_when_limit_equals_request if {
	result := memory_limit_no_headroom.findings with input as deployment([memory("api", "512Mi", "512Mi")])
	result == {{
		"msg": "container \"api\" memory limit 512Mi is 1.0x its request 512Mi; below 1.5x, a spike past the request is OOMKilled instead of absorbed: raise limits.memory to at least 1.5x the request",
		"container": "api", "field": ["resources", "limits", "memory"],
	}}
}

test_fires_when_limit_equals_request_in_other_units if {
	result := memory_limit_no_headroom.findings with input as deployment([memory("api", "1Gi", "1024Mi")])
	result == {{"msg": msg("api", "1024Mi", "1.0", "1Gi", 1.5), "container": "api", "field": ["resources", "limits", "memory"]}}
}

test_fires_for_implicit_request_of_limit_only_container if {
	result := memory_limit_no_headroom.findings with input as deployment([limit_only("api", "1Gi")])
	result == {{
		"msg": "container \"api\" memory limit 1Gi is 1.0x its request (no requests.memory, so Kubernetes sets the request to the limit); below 1.5x, a spike past the request is OOMKilled instead of absorbed: set requests.memory to the steady-state working set and limits.memory to at least 1.5x that",
		"container": "api", "field": ["resources", "limits", "memory"],
	}}
}

test_fires_below_ratio if {
	# 640Mi / 512Mi = 1.25
	result := memory_limit_no_headroom.findings with input as deployment([memory("api", "512Mi", "640Mi")])
	result == {{"msg": msg("api", "640Mi", "1.2", "512Mi", 1.5), "container": "api", "field": ["resources", "limits", "memory"]}}
}

test_ratio_is_rounded_down if {
	# 1490M / 1000M = 1.49: shown as 1.4x, never as the 1.5x it falls short of.
	result := memory_limit_no_headroom.findings with input as deployment([memory("api", "1000M", "1490M")])
	result == {{"msg": msg("api", "1490M", "1.4", "1000M", 1.5), "container": "api", "field": ["resources", "limits", "memory"]}}
}

test_fires_with_fractional_and_decimal_quantities if {
	# 1.2Gi / 1G = 1.288...
	result := memory_limit_no_headroom.findings with input as deployment([memory("api", "1G", "1.2Gi")])
	result == {{"msg": msg("api", "1.2Gi", "1.2", "1G", 1.5), "container": "api", "field": ["resources", "limits", "memory"]}}
}

test_fires_with_numeric_quantities if {
	result := memory_limit_no_headroom.findings with input as deployment([memory("api", 536870912, 536870912)])
	result == {{"msg": "container \"api\" memory limit 536870912 is 1.0x its request 536870912; below 1.5x, a spike past the request is OOMKilled instead of absorbed: raise limits.memory to at least 1.5x the request", "container": "api", "field": ["resources", "limits", "memory"]}}
}

test_fires_for_init_container if {
	obj := with_init_containers(deployment([memory("api", "512Mi", "1Gi")]), [memory("migrate", "256Mi", "256Mi")])
	result := memory_limit_no_headroom.findings with input as obj
	result == {{
		"msg": "initContainer \"migrate\" memory limit 256Mi is 1.0x its request 256Mi; below 1.5x, a spike past the request is OOMKilled instead of absorbed: raise limits.memory to at least 1.5x the request",
		"container": "migrate", "field": ["resources", "limits", "memory"],
	}}
}

test_fires_for_limit_only_init_container if {
	obj := with_init_containers(deployment([memory("api", "512Mi", "1Gi")]), [limit_only("migrate", "256Mi")])
	result := memory_limit_no_headroom.findings with input as obj
	result == {{
		"msg": "initContainer \"migrate\" memory limit 256Mi is 1.0x its request (no requests.memory, so Kubernetes sets the request to the limit); below 1.5x, a spike past the request is OOMKilled instead of absorbed: set requests.memory to the steady-state working set and limits.memory to at least 1.5x that",
		"container": "migrate", "field": ["resources", "limits", "memory"],
	}}
}

test_fires_for_each_container if {
	obj := deployment([memory("api", "512Mi", "512Mi"), limit_only("proxy", "128Mi"), memory("ok", "512Mi", "1Gi")])
	result := memory_limit_no_headroom.findings with input as obj
	result == {
		{"msg": msg("api", "512Mi", "1.0", "512Mi", 1.5), "container": "api", "field": ["resources", "limits", "memory"]},
		{"msg": implicit_msg("proxy", "128Mi", 1.5), "container": "proxy", "field": ["resources", "limits", "memory"]},
	}
}

test_fires_on_bare_pod_and_cronjob if {
	pod := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [memory("c", "1Gi", "1Gi")]}}
	cronjob := {
		"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "report", "namespace": "shop"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [limit_only("report", "2Gi")]}}}}},
	}
	memory_limit_no_headroom.findings == {{"msg": msg("c", "1Gi", "1.0", "1Gi", 1.5), "container": "c", "field": ["resources", "limits", "memory"]}} with input as pod
	memory_limit_no_headroom.findings == {{"msg": implicit_msg("report", "2Gi", 1.5), "container": "report", "field": ["resources", "limits", "memory"]}} with input as cronjob
}

test_passes_at_exactly_min_ratio if {
	# 768Mi / 512Mi = 1.5
	count(memory_limit_no_headroom.findings) == 0 with input as deployment([memory("api", "512Mi", "768Mi")])
}

test_passes_above_min_ratio if {
	count(memory_limit_no_headroom.findings) == 0 with input as deployment([memory("api", "512Mi", "1Gi")])
}

test_passes_without_memory_limit if {
	# No limit: memory-limit-missing's finding, not this rule's.
	count(memory_limit_no_headroom.findings) == 0 with input as deployment([{"name": "api", "resources": {"requests": {"memory": "512Mi"}}}])
	count(memory_limit_no_headroom.findings) == 0 with input as deployment([{"name": "api"}])
	count(memory_limit_no_headroom.findings) == 0 with input as deployment([{"name": "api", "resources": {"requests": {"memory": "512Mi"}, "limits": {"memory": null}}}])
}

test_passes_with_cpu_limit_only if {
	count(memory_limit_no_headroom.findings) == 0 with input as deployment([{"name": "api", "resources": {"requests": {"memory": "512Mi"}, "limits": {"cpu": "1"}}}])
}

test_passes_with_unparseable_quantities if {
	count(memory_limit_no_headroom.findings) == 0 with input as deployment([memory("api", "512Mi", "lots")])
	count(memory_limit_no_headroom.findings) == 0 with input as deployment([memory("api", "512MB", "512Mi")])
	count(memory_limit_no_headroom.findings) == 0 with input as deployment([limit_only("api", "1 Gi")])
}

test_passes_when_limit_is_below_request if {
	# The API server rejects it: request-exceeds-limit's finding, not this rule's.
	count(memory_limit_no_headroom.findings) == 0 with input as deployment([memory("api", "1Gi", "512Mi")])
	count(memory_limit_no_headroom.findings) == 0 with input as deployment([memory("api", "1Gi", "1000Mi")])
	obj := with_init_containers(deployment([memory("api", "512Mi", "1Gi")]), [memory("migrate", "512Mi", "256Mi")])
	count(memory_limit_no_headroom.findings) == 0 with input as obj
}

test_fires_just_at_request if {
	# The limit equals the request to the byte, written in other units: not below it.
	result := memory_limit_no_headroom.findings with input as deployment([memory("api", "1000Mi", "1048576000")])
	result == {{"msg": msg("api", "1048576000", "1.0", "1000Mi", 1.5), "container": "api", "field": ["resources", "limits", "memory"]}}
}

test_passes_with_zero_request if {
	count(memory_limit_no_headroom.findings) == 0 with input as deployment([memory("api", "0", "512Mi")])
}

test_custom_min_ratio_from_data_fires if {
	# 768Mi / 512Mi = 1.5 passes the default but not minRatio 2.
	result := memory_limit_no_headroom.findings with input as deployment([memory("api", "512Mi", "768Mi")])
		with data.lib.parameters as {"memory-limit-no-headroom": {"minRatio": 2}}
	result == {{
		"msg": "container \"api\" memory limit 768Mi is 1.5x its request 512Mi; below 2x, a spike past the request is OOMKilled instead of absorbed: raise limits.memory to at least 2x the request",
		"container": "api", "field": ["resources", "limits", "memory"],
	}}
}

test_custom_min_ratio_from_data_passes if {
	# 640Mi / 512Mi = 1.25 fails the default but passes minRatio 1.2.
	count(memory_limit_no_headroom.findings) == 0 with input as deployment([memory("api", "512Mi", "640Mi")])
		with data.lib.parameters as {"memory-limit-no-headroom": {"minRatio": 1.2}}
}

test_min_ratio_one_accepts_limit_equal_to_request if {
	count(memory_limit_no_headroom.findings) == 0 with input as deployment([memory("api", "512Mi", "512Mi"), limit_only("proxy", "128Mi")])
		with data.lib.parameters as {"memory-limit-no-headroom": {"minRatio": 1}}
}

test_gatekeeper_review_with_custom_min_ratio_fires if {
	# 896Mi / 512Mi = 1.75: fine by the default, short of the constraint's 2.
	review := {"review": {"object": deployment([memory("api", "512Mi", "896Mi")])}, "parameters": {"rules": {"memory-limit-no-headroom": {"minRatio": 2}}}}
	result := memory_limit_no_headroom.findings with input as review
	result == {{"msg": msg("api", "896Mi", "1.7", "512Mi", 2), "container": "api", "field": ["resources", "limits", "memory"]}}
}

test_gatekeeper_review_with_custom_min_ratio_passes if {
	review := {"review": {"object": deployment([memory("api", "512Mi", "640Mi")])}, "parameters": {"rules": {"memory-limit-no-headroom": {"minRatio": 1.2}}}}
	count(memory_limit_no_headroom.findings) == 0 with input as review
}

test_gatekeeper_review_reads_its_own_parameters if {
	# Under Gatekeeper the constraint's parameters apply, not data.lib.parameters.
	review := {"review": {"object": deployment([memory("api", "512Mi", "640Mi")])}, "parameters": {"rules": {"memory-limit-no-headroom": {"minRatio": 1.5}}}}
	result := memory_limit_no_headroom.findings with input as review
		with data.lib.parameters as {"memory-limit-no-headroom": {"minRatio": 1.2}}
	result == {{"msg": msg("api", "640Mi", "1.2", "512Mi", 1.5), "container": "api", "field": ["resources", "limits", "memory"]}}
}

test_skips_helm_test_pod if {
	pod := {
		"apiVersion": "v1", "kind": "Pod",
		"metadata": {"name": "t", "annotations": {"helm.sh/hook": "test"}},
		"spec": {"containers": [memory("c", "1Gi", "1Gi")]},
	}
	count(memory_limit_no_headroom.findings) == 0 with input as pod
}
