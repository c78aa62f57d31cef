package prodready.rules.cpu_limit_latency_sensitive_test

import data.prodready.rules.cpu_limit_latency_sensitive

workload(kind, containers) := {
	"apiVersion": "apps/v1",
	"kind": kind,
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": {"template": {"metadata": {"labels": {"app": "api"}}, "spec": {"containers": containers}}},
}

deployment(containers) := workload("Deployment", containers)

# annotated(obj, path, class) sets the workload class at path: "/metadata" (the
# workload) or "/spec/template/metadata" (its pod template).
annotated(obj, path, class) := json.patch(obj, [{
	"op": "add", "path": concat("", [path, "/annotations"]),
	"value": {"prodready.dev/workload-class": class},
}])

with_init_containers(obj, init_containers) := json.patch(obj, [{
	"op": "add", "path": "/spec/template/spec/initContainers",
	"value": init_containers,
}])

# server has a port and a CPU limit; worker has a CPU limit and no port.
server(name) := {
	"name": name,
	"ports": [{"name": "http", "containerPort": 8080}],
	"resources": {"requests": {"cpu": "500m", "memory": "512Mi"}, "limits": {"cpu": "1", "memory": "1Gi"}},
}

worker(name) := {
	"name": name,
	"resources": {"requests": {"cpu": "250m", "memory": "256Mi"}, "limits": {"cpu": "2", "memory": "512Mi"}},
}

unlimited(name) := {
	"name": name,
	"ports": [{"containerPort": 9090}],
	"resources": {"requests": {"cpu": "250m", "memory": "256Mi"}, "limits": {"memory": "512Mi"}},
}

annotation_reason := "prodready.dev/workload-class: latency-sensitive"

port_reason(kind) := serving_reason(kind, "port 8080 (http)")

serving_reason(kind, ports) := sprintf("a long-running %s serving %s; annotate it prodready.dev/workload-class: batch if nothing waits on it", [kind, ports])

msg(name, limit, reason, request) := sprintf(
	"container %q has limits.cpu %v in a latency-sensitive workload (%s): once its threads use up that quota within a 100ms CFS period the kernel throttles them until the next one, even on an idle node, adding tail latency; remove limits.cpu and keep requests.cpu %v",
	[name, limit, reason, request],
)

test_fires_for_port_declaring_deployment if {
	result := cpu_limit_latency_sensitive.findings with input as deployment([server("api")])
	result == {{
		"msg": "container \"api\" has limits.cpu 1 in a latency-sensitive workload (a long-running Deployment serving port 8080 (http); annotate it prodready.dev/workload-class: batch if nothing waits on it): once its threads use up that quota within a 100ms CFS period the kernel throttles them until the next one, even on an idle node, adding tail latency; remove limits.cpu and keep requests.cpu 500m",
		"container": "api", "field": ["resources", "limits", "cpu"],
	}}
}

test_fires_for_annotated_workload_without_ports if {
	obj := annotated(deployment([worker("api")]), "/metadata", "latency-sensitive")
	result := cpu_limit_latency_sensitive.findings with input as obj
	result == {{
		"msg": "container \"api\" has limits.cpu 2 in a latency-sensitive workload (prodready.dev/workload-class: latency-sensitive): once its threads use up that quota within a 100ms CFS period the kernel throttles them until the next one, even on an idle node, adding tail latency; remove limits.cpu and keep requests.cpu 250m",
		"container": "api", "field": ["resources", "limits", "cpu"],
	}}
}

test_fires_for_annotation_on_pod_template if {
	obj := annotated(deployment([worker("api")]), "/spec/template/metadata", "latency-sensitive")
	result := cpu_limit_latency_sensitive.findings with input as obj
	result == {{"msg": msg("api", "2", annotation_reason, "250m"), "container": "api", "field": ["resources", "limits", "cpu"]}}
}

test_fires_for_annotated_daemonset if {
	obj := annotated(workload("DaemonSet", [server("agent")]), "/spec/template/metadata", "latency-sensitive")
	result := cpu_limit_latency_sensitive.findings with input as obj
	result == {{"msg": msg("agent", "1", annotation_reason, "500m"), "container": "agent", "field": ["resources", "limits", "cpu"]}}
}

test_workload_annotation_wins_over_template if {
	obj := annotated(annotated(deployment([worker("api")]), "/metadata", "latency-sensitive"), "/spec/template/metadata", "batch")
	result := cpu_limit_latency_sensitive.findings with input as obj
	result == {{"msg": msg("api", "2", annotation_reason, "250m"), "container": "api", "field": ["resources", "limits", "cpu"]}}
}

test_fires_for_other_long_running_kinds if {
	sts := workload("StatefulSet", [server("db")])
	rollout := json.patch(workload("Rollout", [server("api")]), [{"op": "replace", "path": "/apiVersion", "value": "argoproj.io/v1alpha1"}])
	pod := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "shop"}, "spec": {"containers": [server("c")]}}
	cpu_limit_latency_sensitive.findings == {{"msg": msg("db", "1", port_reason("StatefulSet"), "500m"), "container": "db", "field": ["resources", "limits", "cpu"]}} with input as sts
	cpu_limit_latency_sensitive.findings == {{"msg": msg("api", "1", port_reason("Rollout"), "500m"), "container": "api", "field": ["resources", "limits", "cpu"]}} with input as rollout
	cpu_limit_latency_sensitive.findings == {{"msg": msg("c", "1", port_reason("Pod"), "500m"), "container": "c", "field": ["resources", "limits", "cpu"]}} with input as pod
}

test_fires_for_unknown_class_with_port if {
	obj := annotated(deployment([server("api")]), "/metadata", "standard")
	result := cpu_limit_latency_sensitive.findings with input as obj
	result == {{"msg": msg("api", "1", port_reason("Deployment"), "500m"), "container": "api", "field": ["resources", "limits", "cpu"]}}
}

test_fires_for_every_limited_container_of_a_port_declaring_workload if {
	# The port makes the workload latency-sensitive: its port-less sidecar's
	# limit throttles the same pods.
	obj := deployment([server("api"), worker("sidecar"), unlimited("metrics")])
	result := cpu_limit_latency_sensitive.findings with input as obj
	result == {
		{"msg": msg("api", "1", serving_reason("Deployment", "port 8080 (http), port 9090"), "500m"), "container": "api", "field": ["resources", "limits", "cpu"]},
		{"msg": msg("sidecar", "2", serving_reason("Deployment", "port 8080 (http), port 9090"), "250m"), "container": "sidecar", "field": ["resources", "limits", "cpu"]},
	}
}

test_fires_for_limit_only_container if {
	obj := deployment([{"name": "api", "ports": [{"containerPort": 80}], "resources": {"limits": {"cpu": "500m", "memory": "1Gi"}}}])
	result := cpu_limit_latency_sensitive.findings with input as obj
	result == {{
		"msg": "container \"api\" has limits.cpu 500m in a latency-sensitive workload (a long-running Deployment serving port 80; annotate it prodready.dev/workload-class: batch if nothing waits on it): once its threads use up that quota within a 100ms CFS period the kernel throttles them until the next one, even on an idle node, adding tail latency; move 500m from limits.cpu to requests.cpu (without a request Kubernetes copies the limit, so dropping the limit alone leaves no request)",
		"container": "api", "field": ["resources", "limits", "cpu"],
	}}
}

test_fires_for_numeric_limit if {
	obj := deployment([json.patch(server("api"), [{"op": "replace", "path": "/resources/limits/cpu", "value": 2}])])
	result := cpu_limit_latency_sensitive.findings with input as obj
	result == {{"msg": msg("api", 2, port_reason("Deployment"), "500m"), "container": "api", "field": ["resources", "limits", "cpu"]}}
}

test_fires_under_gatekeeper_review if {
	review := {"review": {"object": deployment([server("api")])}, "parameters": {"rules": {"cpu-limit-latency-sensitive": {}}}}
	result := cpu_limit_latency_sensitive.findings with input as review
	result == {{"msg": msg("api", "1", port_reason("Deployment"), "500m"), "container": "api", "field": ["resources", "limits", "cpu"]}}
}

test_passes_without_cpu_limit if {
	count(cpu_limit_latency_sensitive.findings) == 0 with input as deployment([unlimited("api")])
	obj := annotated(deployment([unlimited("api")]), "/metadata", "latency-sensitive")
	count(cpu_limit_latency_sensitive.findings) == 0 with input as obj
	null_limit := json.patch(server("api"), [{"op": "replace", "path": "/resources/limits/cpu", "value": null}])
	count(cpu_limit_latency_sensitive.findings) == 0 with input as deployment([null_limit])
}

test_passes_for_container_without_ports if {
	count(cpu_limit_latency_sensitive.findings) == 0 with input as deployment([worker("worker")])
	empty_ports := json.patch(worker("worker"), [{"op": "add", "path": "/ports", "value": []}])
	count(cpu_limit_latency_sensitive.findings) == 0 with input as deployment([empty_ports])
}

test_passes_for_batch_class_on_workload if {
	obj := annotated(deployment([server("api")]), "/metadata", "batch")
	count(cpu_limit_latency_sensitive.findings) == 0 with input as obj
}

test_passes_for_batch_class_on_pod_template if {
	obj := annotated(deployment([server("api")]), "/spec/template/metadata", "batch")
	count(cpu_limit_latency_sensitive.findings) == 0 with input as obj
}

test_passes_for_batch_class_over_template_latency_sensitive if {
	obj := annotated(annotated(deployment([server("api")]), "/metadata", "batch"), "/spec/template/metadata", "latency-sensitive")
	count(cpu_limit_latency_sensitive.findings) == 0 with input as obj
}

test_passes_for_daemonset_with_port if {
	count(cpu_limit_latency_sensitive.findings) == 0 with input as workload("DaemonSet", [server("agent")])
}

test_passes_for_job_and_cronjob if {
	job := annotated(
		{
			"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "load", "namespace": "shop"},
			"spec": {"template": {"spec": {"containers": [server("load")]}}},
		},
		"/metadata", "latency-sensitive",
	)
	cronjob := {
		"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "report", "namespace": "shop"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [server("report")]}}}}},
	}
	count(cpu_limit_latency_sensitive.findings) == 0 with input as job
	count(cpu_limit_latency_sensitive.findings) == 0 with input as cronjob
	count(cpu_limit_latency_sensitive.findings) == 0 with input as annotated(cronjob, "/metadata", "latency-sensitive")
}

test_skips_init_containers if {
	obj := with_init_containers(deployment([unlimited("api")]), [worker("migrate")])
	count(cpu_limit_latency_sensitive.findings) == 0 with input as obj
	count(cpu_limit_latency_sensitive.findings) == 0 with input as annotated(obj, "/metadata", "latency-sensitive")
}

test_init_container_ports_do_not_count if {
	obj := with_init_containers(deployment([worker("worker")]), [{"name": "init", "ports": [{"containerPort": 8080}]}])
	count(cpu_limit_latency_sensitive.findings) == 0 with input as obj
}

test_passes_with_unparseable_limit if {
	obj := deployment([json.patch(server("api"), [{"op": "replace", "path": "/resources/limits/cpu", "value": "one core"}])])
	count(cpu_limit_latency_sensitive.findings) == 0 with input as obj
}

test_skips_helm_test_pod if {
	pod := {
		"apiVersion": "v1", "kind": "Pod",
		"metadata": {"name": "t", "annotations": {"helm.sh/hook": "test-failure"}},
		"spec": {"containers": [server("c")]},
	}
	count(cpu_limit_latency_sensitive.findings) == 0 with input as pod
}

test_passes_when_every_port_is_for_metrics_or_health if {
	# Scraped and probed, not waited on by anyone's request.
	ports := [{"name": "metrics", "containerPort": 9090}, {"name": "http-metrics", "containerPort": 9091}, {"name": "health", "containerPort": 8081}, {"name": "profiling", "containerPort": 8008}, {"name": "probes", "containerPort": 8080}]
	obj := deployment([json.patch(server("exporter"), [{"op": "replace", "path": "/ports", "value": ports}])])
	count(cpu_limit_latency_sensitive.findings) == 0 with input as obj
}

test_names_only_the_serving_ports if {
	ports := [{"name": "metrics", "containerPort": 9090}, {"name": "http1", "containerPort": 8012}]
	obj := deployment([json.patch(server("activator"), [{"op": "replace", "path": "/ports", "value": ports}])])
	cpu_limit_latency_sensitive.findings == {{"msg": msg("activator", "1", serving_reason("Deployment", "port 8012 (http1)"), "500m"), "container": "activator", "field": ["resources", "limits", "cpu"]}} with input as obj
}

controller(args, ports) := deployment([json.patch(server("manager"), [
	{"op": "add", "path": "/args", "value": args},
	{"op": "replace", "path": "/ports", "value": ports},
])])

test_passes_for_a_leader_elected_controller if {
	# A control loop: nothing waits on its answers.
	obj := controller(["--leader-elect", "--metrics-bind-address=:8080"], [{"name": "http", "containerPort": 8080}])
	count(cpu_limit_latency_sensitive.findings) == 0 with input as obj
}

test_fires_for_a_leader_elected_controller_serving_a_webhook if {
	# The API server waits on its admission webhook.
	obj := controller(["--leader-elect"], [{"name": "webhook-server", "containerPort": 9443}])
	cpu_limit_latency_sensitive.findings == {{"msg": msg("manager", "1", serving_reason("Deployment", "port 9443 (webhook-server)"), "500m"), "container": "manager", "field": ["resources", "limits", "cpu"]}} with input as obj
}
