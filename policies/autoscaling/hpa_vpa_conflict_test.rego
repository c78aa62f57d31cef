package prodready.rules.hpa_vpa_conflict_test

import data.lib.prodready.fixtures
import data.prodready.rules.hpa_vpa_conflict

deployment := {
	"apiVersion": "apps/v1", "kind": "Deployment",
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": {"template": {"metadata": {"labels": {"app": "api"}}, "spec": {"containers": [{"name": "app"}, {"name": "proxy"}]}}},
}

vpa(spec) := {
	"apiVersion": "autoscaling.k8s.io/v1", "kind": "VerticalPodAutoscaler",
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": object.union({"targetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "api"}}, spec),
}

mode(m) := {"updatePolicy": {"updateMode": m}}

policies(list) := {"resourcePolicy": {"containerPolicies": list}}

hpa(metrics) := {
	"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
	"metadata": {"name": "api-hpa", "namespace": "shop"},
	"spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "api"}, "minReplicas": 3, "maxReplicas": 10, "metrics": metrics},
}

utilization(resource) := {"type": "Resource", "resource": {"name": resource, "target": {"type": "Utilization", "averageUtilization": 70}}}

external := {"type": "External", "external": {"metric": {"name": "queue_messages_ready"}, "target": {"type": "AverageValue", "averageValue": "30"}}}

check(obj, objs) := result if {
	result := hpa_vpa_conflict.findings with input as obj with data.inventory as fixtures.inventory(array.concat([obj], objs))
}

finding(update_mode, hpa_name, resources) := merged(update_mode, sprintf("HorizontalPodAutoscaler %q on %s", [hpa_name, resources]))

merged(update_mode, conflicts) := {"msg": sprintf("VerticalPodAutoscaler (updateMode %s) and %s both scale Deployment \"api\": the VPA raises requests as load rises, which lowers the utilization the HPA sees, so the HPA removes replicas and the VPA evicts pods to resize them, and the two chase each other; let the VPA control only resources the HPA does not scale on (controlledResources), or scale the HPA on another metric", [update_mode, conflicts])}

test_fires_for_default_update_mode if {
	check(vpa({}), [deployment, hpa([utilization("cpu")])]) == {finding("Auto", "api-hpa", "cpu")}
}

test_fires_for_every_resizing_mode if {
	check(vpa(mode("Auto")), [hpa([utilization("cpu")])]) == {finding("Auto", "api-hpa", "cpu")}
	check(vpa(mode("Recreate")), [hpa([utilization("cpu")])]) == {finding("Recreate", "api-hpa", "cpu")}
	check(vpa(mode("InPlaceOrRecreate")), [hpa([utilization("cpu")])]) == {finding("InPlaceOrRecreate", "api-hpa", "cpu")}
}

test_fires_for_both_resources if {
	check(vpa({}), [hpa([utilization("memory"), utilization("cpu"), external])]) == {finding("Auto", "api-hpa", "cpu and memory")}
}

test_fires_for_an_average_value_target if {
	average := {"type": "Resource", "resource": {"name": "memory", "target": {"type": "AverageValue", "averageValue": "1Gi"}}}
	check(vpa({}), [hpa([average])]) == {finding("Auto", "api-hpa", "memory")}
}

test_fires_for_a_container_resource_metric if {
	metric := {"type": "ContainerResource", "containerResource": {"name": "cpu", "container": "app", "target": {"type": "Utilization", "averageUtilization": 60}}}
	check(vpa({}), [hpa([metric])]) == {finding("Auto", "api-hpa", "cpu")}
}

test_fires_for_the_default_hpa_metric if {
	# No metrics: the HPA scales on CPU utilization; autoscaling/v1 on CPU too.
	check(vpa({}), [json.remove(hpa([]), ["spec/metrics"])]) == {finding("Auto", "api-hpa", "cpu")}
	v1 := {
		"apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler",
		"metadata": {"name": "api-v1", "namespace": "shop"},
		"spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "api"}, "maxReplicas": 10},
	}
	check(vpa({}), [v1]) == {finding("Auto", "api-v1", "cpu")}
}

test_fires_on_the_shared_resource_only if {
	v := vpa(policies([{"containerName": "*", "controlledResources": ["memory"]}]))
	check(v, [hpa([utilization("cpu"), utilization("memory")])]) == {finding("Auto", "api-hpa", "memory")}
}

test_fires_for_containers_no_policy_names if {
	# Without a "*" policy, containers no policy names keep cpu and memory.
	v := vpa(policies([{"containerName": "istio-proxy", "mode": "Off"}]))
	check(v, [hpa([utilization("cpu")])]) == {finding("Auto", "api-hpa", "cpu")}
	w := vpa(policies([{"containerName": "app", "controlledResources": ["memory"]}]))
	check(w, [deployment, hpa([utilization("cpu")])]) == {finding("Auto", "api-hpa", "cpu")}
}

test_fires_under_gatekeeper_review if {
	review := {"review": {"object": vpa({})}, "parameters": {}}
	result := hpa_vpa_conflict.findings with input as review
		with data.inventory as fixtures.inventory([deployment, hpa([utilization("cpu")])])
	result == {finding("Auto", "api-hpa", "cpu")}
}

test_passes_for_modes_that_leave_running_pods if {
	count(check(vpa(mode("Off")), [hpa([utilization("cpu")])])) == 0
	count(check(vpa(mode("Initial")), [hpa([utilization("cpu")])])) == 0
}

test_passes_when_the_vpa_controls_other_resources if {
	v := vpa(policies([{"containerName": "*", "controlledResources": ["memory"]}]))
	count(check(v, [hpa([utilization("cpu")])])) == 0
	off := vpa(policies([{"containerName": "*", "mode": "Off"}]))
	count(check(off, [hpa([utilization("cpu")])])) == 0
}

test_passes_when_every_container_of_the_target_is_restricted if {
	v := vpa(policies([
		{"containerName": "app", "controlledResources": ["memory"]},
		{"containerName": "proxy", "mode": "Off"},
	]))
	count(check(v, [deployment, hpa([utilization("cpu")])])) == 0
}

test_passes_for_hpa_on_other_metrics if {
	count(check(vpa({}), [hpa([external])])) == 0
}

test_passes_for_other_targets if {
	other_name := json.patch(hpa([utilization("cpu")]), [{"op": "replace", "path": "/spec/scaleTargetRef/name", "value": "web"}])
	count(check(vpa({}), [other_name])) == 0
	other_kind := json.patch(hpa([utilization("cpu")]), [{"op": "replace", "path": "/spec/scaleTargetRef/kind", "value": "StatefulSet"}])
	count(check(vpa({}), [other_kind])) == 0
	other_ns := json.patch(hpa([utilization("cpu")]), [{"op": "replace", "path": "/metadata/namespace", "value": "other"}])
	count(check(vpa({}), [other_ns])) == 0
}

test_skips_other_kinds if {
	count(check(hpa([utilization("cpu")]), [vpa({})])) == 0
}

test_names_every_conflicting_hpa_in_one_finding if {
	other := json.patch(hpa([utilization("memory")]), [{"op": "replace", "path": "/metadata/name", "value": "api-memory"}])
	check(vpa({}), [hpa([utilization("cpu")]), other]) == {merged("Auto", "HorizontalPodAutoscaler \"api-hpa\" on cpu, and HorizontalPodAutoscaler \"api-memory\" on memory")}
}
