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

utilization_reason := "as load rises the VPA raises the requests, which lowers the utilization the HPA sees, so the HPA removes replicas while the VPA evicts pods to resize them, and the two chase each other"

finding(update_mode, hpa_name, resources) := {"msg": sprintf("VerticalPodAutoscaler (updateMode %s) sets the %s requests of Deployment \"api\", and HorizontalPodAutoscaler %q scales it on %s: %s; let the VPA control only resources the HPA does not scale on (controlledResources), or scale the HPA on another metric", [update_mode, resources, hpa_name, resources, utilization_reason])}

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
	# An AverageValue target does not depend on the requests: the reason differs.
	average := {"type": "Resource", "resource": {"name": "memory", "target": {"type": "AverageValue", "averageValue": "1Gi"}}}
	check(vpa({}), [hpa([average])]) == {{"msg": "VerticalPodAutoscaler (updateMode Auto) sets the memory requests of Deployment \"api\", and HorizontalPodAutoscaler \"api-hpa\" scales it on memory: the HPA changes the replica count on that usage while the VPA resizes the same pods on it and evicts them to apply each new size, so each reacts to what the other just changed and the two chase each other; let the VPA control only resources the HPA does not scale on (controlledResources), or scale the HPA on another metric"}}

	# Beside a utilization metric of a shared resource, that one's reason is given.
	check(vpa({}), [hpa([average, utilization("cpu")])]) == {finding("Auto", "api-hpa", "cpu and memory")}
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
	review := {"review": {"object": vpa({})}, "parameters": {"rules": {"hpa-vpa-conflict": {}}}}
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
	both := json.patch(hpa([utilization("memory"), utilization("cpu")]), [{"op": "replace", "path": "/metadata/name", "value": "api-both"}])
	msg := "VerticalPodAutoscaler (updateMode Auto) sets the cpu and memory requests of Deployment \"api\", and HorizontalPodAutoscalers scale it on them (\"api-both\" on cpu and memory, \"api-hpa\" on cpu and \"api-memory\" on memory): as load rises the VPA raises the requests, which lowers the utilization the HPAs see, so the HPAs remove replicas while the VPA evicts pods to resize them, and they chase each other; let the VPA control only resources no HPA scales on (controlledResources), or scale the HPAs on other metrics"
	check(vpa({}), [hpa([utilization("cpu")]), other, both]) == {{"msg": msg}}
	check(vpa({}), [hpa([utilization("cpu")]), other]) == {{"msg": "VerticalPodAutoscaler (updateMode Auto) sets the cpu and memory requests of Deployment \"api\", and HorizontalPodAutoscalers scale it on them (\"api-hpa\" on cpu and \"api-memory\" on memory): as load rises the VPA raises the requests, which lowers the utilization the HPAs see, so the HPAs remove replicas while the VPA evicts pods to resize them, and they chase each other; let the VPA control only resources no HPA scales on (controlledResources), or scale the HPAs on other metrics"}}
}

rollout := {
	"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout",
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": {"replicas": 3, "workloadRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "api-template"}},
}

on_rollout(obj, field) := json.patch(obj, [{"op": "replace", "path": field, "value": {"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "name": "api"}}])

test_reads_the_containers_of_a_rollouts_deployment if {
	template := json.patch(deployment, [{"op": "replace", "path": "/metadata/name", "value": "api-template"}])
	h := on_rollout(hpa([utilization("cpu")]), "/spec/scaleTargetRef")
	msg := "VerticalPodAutoscaler (updateMode Auto) sets the cpu requests of Rollout \"api\", and HorizontalPodAutoscaler \"api-hpa\" scales it on cpu: as load rises the VPA raises the requests, which lowers the utilization the HPA sees, so the HPA removes replicas while the VPA evicts pods to resize them, and the two chase each other; let the VPA control only resources the HPA does not scale on (controlledResources), or scale the HPA on another metric"
	check(on_rollout(vpa({}), "/spec/targetRef"), [rollout, template, h]) == {{"msg": msg}}

	# The Deployment's containers are all restricted to memory: no conflict.
	restricted := on_rollout(vpa(policies([{"containerName": "app", "controlledResources": ["memory"]}, {"containerName": "proxy", "mode": "Off"}])), "/spec/targetRef")
	count(check(restricted, [rollout, template, h])) == 0

	# Without the Deployment, its containers are unknown: the policies decide.
	check(restricted, [rollout, h]) == {{"msg": msg}}
}
