package prodready.rules.request_exceeds_limit_test

import data.prodready.rules.request_exceeds_limit

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

container(name, requests, limits) := {"name": name, "image": "api:1", "resources": {"requests": requests, "limits": limits}}

memory_finding(label, name, request, limit, kind) := {
	"msg": sprintf("%s has requests.memory %v above limits.memory %v: the API server rejects the %s (a request may not exceed its limit), so the apply fails; lower requests.memory to at most %v, or raise the limit", [label, request, limit, kind, limit]),
	"container": name,
	"field": ["resources", "requests", "memory"],
}

cpu_finding(name, request, limit) := {
	"msg": sprintf("container %q has requests.cpu %v above limits.cpu %v: the API server rejects the Deployment (a request may not exceed its limit), so the apply fails; lower requests.cpu to at most %v, or raise the limit", [name, request, limit, limit]),
	"container": name,
	"field": ["resources", "requests", "cpu"],
}

# Fires

test_fires_for_memory_request_above_limit if {
	obj := deployment([container("api", {"cpu": "250m", "memory": "2Gi"}, {"memory": "1Gi"})])
	request_exceeds_limit.findings == {{
		"msg": "container \"api\" has requests.memory 2Gi above limits.memory 1Gi: the API server rejects the Deployment (a request may not exceed its limit), so the apply fails; lower requests.memory to at most 1Gi, or raise the limit",
		"container": "api",
		"field": ["resources", "requests", "memory"],
	}} with input as obj
}

test_fires_for_cpu_request_above_limit if {
	obj := deployment([container("api", {"cpu": "2", "memory": "512Mi"}, {"cpu": "1", "memory": "1Gi"})])
	request_exceeds_limit.findings == {cpu_finding("api", "2", "1")} with input as obj
}

test_compares_quantities_not_text if {
	# 1Gi = 1024Mi is more than 1000Mi; 1.5 cores is more than 1200m.
	obj := deployment([
		container("api", {"memory": "1Gi"}, {"memory": "1000Mi"}),
		container("proxy", {"cpu": "1.5"}, {"cpu": "1200m"}),
	])
	request_exceeds_limit.findings == {
		memory_finding("container \"api\"", "api", "1Gi", "1000Mi", "Deployment"),
		cpu_finding("proxy", "1.5", "1200m"),
	} with input as obj
}

test_shows_bytes_when_binary_and_decimal_units_meet if {
	# 64Mi (binary) is more than 64M (decimal): the same digits, rejected.
	obj := deployment([container("api", {"memory": "64Mi"}, {"memory": "64M"})])
	request_exceeds_limit.findings == {{
		"msg": "container \"api\" has requests.memory 64Mi (67108864 bytes) above limits.memory 64M (64000000 bytes): the API server rejects the Deployment (a request may not exceed its limit), so the apply fails; lower requests.memory to at most 64M, or raise the limit",
		"container": "api",
		"field": ["resources", "requests", "memory"],
	}} with input as obj
	numeric := deployment([container("api", {"memory": "1Gi"}, {"memory": 1000000000})])
	[f.msg | some f in request_exceeds_limit.findings] == ["container \"api\" has requests.memory 1Gi (1073741824 bytes) above limits.memory 1000000000 (1000000000 bytes): the API server rejects the Deployment (a request may not exceed its limit), so the apply fails; lower requests.memory to at most 1000000000, or raise the limit"] with input as numeric
}

test_fires_with_numeric_quantities if {
	obj := deployment([container("api", {"cpu": 2}, {"cpu": "1500m"})])
	request_exceeds_limit.findings == {cpu_finding("api", 2, "1500m")} with input as obj
}

test_fires_once_naming_both_resources if {
	obj := deployment([container("api", {"cpu": "2", "memory": "2Gi"}, {"cpu": "1", "memory": "1Gi"})])
	request_exceeds_limit.findings == {{
		"msg": "container \"api\" has requests.cpu 2 above limits.cpu 1 and requests.memory 2Gi above limits.memory 1Gi: the API server rejects the Deployment (a request may not exceed its limit), so the apply fails; lower requests.cpu to at most 1 and requests.memory to at most 1Gi, or raise the limits",
		"container": "api",
		"field": ["resources", "requests"],
	}} with input as obj
}

test_fires_for_init_container if {
	obj := with_init_containers(
		deployment([container("api", {"memory": "512Mi"}, {"memory": "1Gi"})]),
		[container("migrate", {"memory": "512Mi"}, {"memory": "256Mi"})],
	)
	request_exceeds_limit.findings == {memory_finding("initContainer \"migrate\"", "migrate", "512Mi", "256Mi", "Deployment")} with input as obj
}

test_fires_for_each_container if {
	obj := deployment([
		container("api", {"memory": "2Gi"}, {"memory": "1Gi"}),
		container("proxy", {"cpu": "500m"}, {"cpu": "250m"}),
		container("ok", {"cpu": "250m", "memory": "1Gi"}, {"cpu": "500m", "memory": "2Gi"}),
	])
	request_exceeds_limit.findings == {
		memory_finding("container \"api\"", "api", "2Gi", "1Gi", "Deployment"),
		cpu_finding("proxy", "500m", "250m"),
	} with input as obj
}

test_fires_on_bare_pod_and_cronjob if {
	pod := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [container("c", {"memory": "2Gi"}, {"memory": "1Gi"})]}}
	request_exceeds_limit.findings == {memory_finding("container \"c\"", "c", "2Gi", "1Gi", "Pod")} with input as pod
	cronjob := {
		"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "report", "namespace": "shop"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {
			"initContainers": [container("fetch", {"memory": "1Gi"}, {"memory": "512Mi"})],
			"containers": [container("report", {"memory": "1Gi"}, {"memory": "2Gi"})],
		}}}}},
	}
	request_exceeds_limit.findings == {memory_finding("initContainer \"fetch\"", "fetch", "1Gi", "512Mi", "CronJob")} with input as cronjob
}

test_fires_under_gatekeeper_review if {
	review := {"review": {"object": deployment([container("api", {"cpu": "2"}, {"cpu": "1"})])}, "parameters": {"rules": {"request-exceeds-limit": {}}}}
	request_exceeds_limit.findings == {cpu_finding("api", "2", "1")} with input as review
}

# Near misses

test_passes_when_request_equals_limit if {
	obj := deployment([
		container("api", {"cpu": "1", "memory": "1Gi"}, {"cpu": "1", "memory": "1Gi"}),
		# The same quantity written differently.
		container("proxy", {"cpu": "1", "memory": "1024Mi"}, {"cpu": "1000m", "memory": "1Gi"}),
		container("sidecar", {"cpu": "100m"}, {"cpu": "0.1"}),
	])
	count(request_exceeds_limit.findings) == 0 with input as obj
}

test_passes_when_request_is_below_limit if {
	# 1000Mi is less than 1Gi, though 1000 > 1.
	obj := deployment([container("api", {"cpu": "250m", "memory": "1000Mi"}, {"cpu": "1", "memory": "1Gi"})])
	count(request_exceeds_limit.findings) == 0 with input as obj
}

test_passes_with_only_a_limit if {
	# Kubernetes sets the request to the limit.
	obj := deployment([{"name": "api", "resources": {"limits": {"cpu": "500m", "memory": "1Gi"}}}])
	count(request_exceeds_limit.findings) == 0 with input as obj
}

test_passes_with_only_a_request if {
	obj := deployment([
		container("api", {"cpu": "2", "memory": "2Gi"}, {}),
		container("proxy", {"cpu": "2", "memory": "2Gi"}, {"cpu": null, "memory": null}),
		{"name": "sidecar", "resources": {"requests": {"memory": "2Gi"}}},
		{"name": "bare"},
	])
	count(request_exceeds_limit.findings) == 0 with input as obj
}

test_passes_for_limit_of_another_resource if {
	# A memory request is not compared with a CPU limit.
	obj := deployment([container("api", {"memory": "2Gi"}, {"cpu": "1"})])
	count(request_exceeds_limit.findings) == 0 with input as obj
}

test_ignores_other_resources if {
	obj := deployment([container("api", {"ephemeral-storage": "2Gi"}, {"ephemeral-storage": "1Gi"})])
	count(request_exceeds_limit.findings) == 0 with input as obj
}

test_passes_with_unparseable_quantities if {
	obj := deployment([
		container("api", {"memory": "2 Gi"}, {"memory": "1Gi"}),
		container("proxy", {"memory": "2Gi"}, {"memory": "lots"}),
	])
	count(request_exceeds_limit.findings) == 0 with input as obj
}

test_skips_helm_test_pod if {
	pod := {
		"apiVersion": "v1", "kind": "Pod",
		"metadata": {"name": "t", "annotations": {"helm.sh/hook": "test"}},
		"spec": {"containers": [container("c", {"memory": "2Gi"}, {"memory": "1Gi"})]},
	}
	count(request_exceeds_limit.findings) == 0 with input as pod
}

test_skips_non_workloads if {
	obj := {"apiVersion": "v1", "kind": "LimitRange", "metadata": {"name": "l"}, "spec": {"template": {"spec": {"containers": [container("c", {"memory": "2Gi"}, {"memory": "1Gi"})]}}}}
	count(request_exceeds_limit.findings) == 0 with input as obj
}
