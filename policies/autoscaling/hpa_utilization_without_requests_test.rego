package prodready.rules.hpa_utilization_without_requests_test

import data.lib.prodready.fixtures
import data.prodready.rules.hpa_utilization_without_requests

requested := {"requests": {"cpu": "250m", "memory": "256Mi"}, "limits": {"memory": "512Mi"}}

app := {"name": "app", "resources": requested}

workload(kind, containers) := {
	"apiVersion": "apps/v1", "kind": kind,
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": {"template": {"metadata": {"labels": {"app": "api"}}, "spec": {"containers": containers}}},
}

deployment(containers) := workload("Deployment", containers)

hpa(metrics) := {
	"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "api"}, "minReplicas": 3, "maxReplicas": 10, "metrics": metrics},
}

utilization(resource, percent) := {"type": "Resource", "resource": {"name": resource, "target": {"type": "Utilization", "averageUtilization": percent}}}

container_utilization(resource, container, percent) := {"type": "ContainerResource", "containerResource": {"name": resource, "container": container, "target": {"type": "Utilization", "averageUtilization": percent}}}

check(obj, objs) := result if {
	result := hpa_utilization_without_requests.findings with input as obj with data.inventory as fixtures.inventory(array.concat([obj], objs))
}

finding(target, metrics, container, resources) := {
	"msg": sprintf("HorizontalPodAutoscaler scales %s on %s, but its container %q has no %s request (nor a limit that defaults it): the HPA cannot compute utilization (FailedGetResourceMetric) and does not scale on it; set resources.requests.%s on container %q", [target, metrics, container, concat(" or ", resources), concat(" and requests.", resources), container]),
	"container": container,
}

test_fires_for_a_sidecar_without_cpu_request if {
	h := hpa([utilization("cpu", 70)])
	check(h, [deployment([app, {"name": "proxy", "image": "envoy:1.31"}])]) == {finding("Deployment \"api\"", "cpu utilization (70%)", "proxy", ["cpu"])}
}

test_fires_for_memory_utilization if {
	h := hpa([utilization("memory", 80)])
	cpu_only := {"name": "app", "resources": {"requests": {"cpu": "500m"}}}
	check(h, [deployment([cpu_only])]) == {finding("Deployment \"api\"", "memory utilization (80%)", "app", ["memory"])}
}

test_fires_once_per_container_for_both_resources if {
	h := hpa([utilization("memory", 80), utilization("cpu", 60)])
	check(h, [deployment([app, {"name": "worker"}])]) == {finding("Deployment \"api\"", "cpu utilization (60%) and memory utilization (80%)", "worker", ["cpu", "memory"])}
}

test_fires_for_each_container if {
	h := hpa([utilization("cpu", 70)])
	check(h, [deployment([{"name": "a"}, {"name": "b", "resources": {"requests": {"memory": "1Gi"}}}, app])]) == {
		finding("Deployment \"api\"", "cpu utilization (70%)", "a", ["cpu"]),
		finding("Deployment \"api\"", "cpu utilization (70%)", "b", ["cpu"]),
	}
}

test_fires_for_the_default_metric if {
	# An autoscaling/v2 HPA without metrics scales on 80% average CPU utilization.
	h := json.remove(hpa([]), ["spec/metrics"])
	check(h, [deployment([{"name": "app", "resources": {"requests": {"memory": "1Gi"}}}])]) == {finding("Deployment \"api\"", "cpu utilization (80%, the default of an HPA without metrics)", "app", ["cpu"])}
	check(hpa([]), [deployment([{"name": "app"}])]) == {finding("Deployment \"api\"", "cpu utilization (80%, the default of an HPA without metrics)", "app", ["cpu"])}
}

test_fires_for_autoscaling_v1 if {
	v1 := {
		"apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler",
		"metadata": {"name": "api", "namespace": "shop"},
		"spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "api"}, "minReplicas": 3, "maxReplicas": 10, "targetCPUUtilizationPercentage": 50},
	}
	check(v1, [deployment([{"name": "app"}])]) == {finding("Deployment \"api\"", "cpu utilization (50%)", "app", ["cpu"])}
	unset := json.remove(v1, ["spec/targetCPUUtilizationPercentage"])
	check(unset, [deployment([{"name": "app"}])]) == {finding("Deployment \"api\"", "cpu utilization (80%)", "app", ["cpu"])}
}

test_fires_for_v2beta1_utilization if {
	h := object.union(hpa([{"type": "Resource", "resource": {"name": "cpu", "targetAverageUtilization": 65}}]), {"apiVersion": "autoscaling/v2beta1"})
	check(h, [deployment([{"name": "app"}])]) == {finding("Deployment \"api\"", "cpu utilization (65%)", "app", ["cpu"])}
}

test_fires_for_a_container_resource_metric if {
	h := hpa([container_utilization("cpu", "app", 70)])
	check(h, [deployment([{"name": "app"}, {"name": "proxy"}])]) == {finding("Deployment \"api\"", "cpu utilization of container \"app\" (70%)", "app", ["cpu"])}
}

test_fires_for_a_statefulset_target if {
	h := json.patch(hpa([utilization("cpu", 70)]), [{"op": "replace", "path": "/spec/scaleTargetRef/kind", "value": "StatefulSet"}])
	check(h, [workload("StatefulSet", [{"name": "db"}]), deployment([app])]) == {finding("StatefulSet \"api\"", "cpu utilization (70%)", "db", ["cpu"])}
}

test_fires_under_gatekeeper_review if {
	review := {"review": {"object": hpa([utilization("cpu", 70)])}, "parameters": {"rules": {"hpa-utilization-without-requests": {}}}}
	result := hpa_utilization_without_requests.findings with input as review
		with data.inventory as fixtures.inventory([deployment([{"name": "app"}])])
	result == {finding("Deployment \"api\"", "cpu utilization (70%)", "app", ["cpu"])}
}

test_passes_with_requests if {
	count(check(hpa([utilization("cpu", 70), utilization("memory", 80)]), [deployment([app])])) == 0
}

test_passes_with_limits_only if {
	# Kubernetes defaults requests.cpu to limits.cpu.
	limited := {"name": "app", "resources": {"limits": {"cpu": "1", "memory": "1Gi"}}}
	count(check(hpa([utilization("cpu", 70), utilization("memory", 80)]), [deployment([limited])])) == 0
}

test_passes_for_average_value_targets if {
	average := {"type": "Resource", "resource": {"name": "cpu", "target": {"type": "AverageValue", "averageValue": "500m"}}}
	count(check(hpa([average]), [deployment([{"name": "app"}])])) == 0
}

test_passes_for_other_metric_types if {
	pods := {"type": "Pods", "pods": {"metric": {"name": "http_requests_per_second"}, "target": {"type": "AverageValue", "averageValue": "100"}}}
	external := {"type": "External", "external": {"metric": {"name": "queue_messages_ready"}, "target": {"type": "AverageValue", "averageValue": "30"}}}
	count(check(hpa([pods, external]), [deployment([{"name": "app"}])])) == 0
}

test_passes_for_a_container_metric_of_a_requested_container if {
	# Only the named container's request counts for a ContainerResource metric.
	h := hpa([container_utilization("cpu", "app", 70)])
	count(check(h, [deployment([app, {"name": "proxy"}])])) == 0
}

test_passes_for_unrequested_resources_it_does_not_scale_on if {
	cpu_only := {"name": "app", "resources": {"requests": {"cpu": "500m"}}}
	count(check(hpa([utilization("cpu", 70)]), [deployment([cpu_only])])) == 0
}

test_skips_init_containers if {
	obj := json.patch(deployment([app]), [{"op": "add", "path": "/spec/template/spec/initContainers", "value": [{"name": "migrate"}]}])
	count(check(hpa([utilization("cpu", 70)]), [obj])) == 0
}

test_passes_when_the_target_is_not_in_the_input if {
	h := hpa([utilization("cpu", 70)])
	count(check(h, [])) == 0
	other_ns := json.patch(deployment([{"name": "app"}]), [{"op": "replace", "path": "/metadata/namespace", "value": "other"}])
	count(check(h, [other_ns])) == 0
	count(check(h, [workload("StatefulSet", [{"name": "app"}])])) == 0
	other_name := json.patch(deployment([{"name": "app"}]), [{"op": "replace", "path": "/metadata/name", "value": "web"}])
	count(check(h, [other_name])) == 0
}

test_skips_other_kinds if {
	obj := deployment([{"name": "app"}])
	count(check(obj, [hpa([utilization("cpu", 70)])])) == 0
}

test_reads_the_template_of_a_rollouts_deployment if {
	# An Argo Rollout with spec.workloadRef runs the referenced Deployment's pods.
	rollout := {
		"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout",
		"metadata": {"name": "api", "namespace": "shop"},
		"spec": {"replicas": 3, "workloadRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "api-template"}},
	}
	template := json.patch(deployment([{"name": "proxy", "image": "envoy:1.31"}]), [{"op": "replace", "path": "/metadata/name", "value": "api-template"}])
	h := json.patch(hpa([utilization("cpu", 70)]), [{"op": "replace", "path": "/spec/scaleTargetRef", "value": {"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "name": "api"}}])
	check(h, [rollout, template]) == {finding("Rollout \"api\"", "cpu utilization (70%)", "proxy", ["cpu"])}
	count(check(h, [rollout])) == 0
}

test_one_finding_per_container_when_the_input_repeats_the_target if {
	# The SDK files a second definition of the Deployment under api/duplicate-2.
	h := hpa([utilization("cpu", 70), utilization("memory", 80)])
	first := deployment([app, {"name": "proxy", "image": "envoy:1.31"}])
	second := deployment([app, {"name": "proxy", "image": "envoy:1.31", "resources": {"requests": {"cpu": "100m"}}}])
	inv := {"namespace": {"shop": {
		"apps/v1": {"Deployment": {"api": first, "api/duplicate-2": second}},
		"autoscaling/v2": {"HorizontalPodAutoscaler": {"api": h}},
	}}}
	result := hpa_utilization_without_requests.findings with input as h with data.inventory as inv
	result == {finding("Deployment \"api\"", "cpu utilization (70%) and memory utilization (80%)", "proxy", ["cpu", "memory"])}
}
