package lib.prodready.autoscaling_test

import data.lib.prodready.autoscaling
import data.lib.prodready.fixtures
import data.lib.prodready.scaling

deployment := {
	"apiVersion": "apps/v1", "kind": "Deployment",
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": {"template": {"metadata": {"labels": {"app": "api"}}, "spec": {"containers": [{"name": "app"}, {"name": "proxy"}]}}},
}

hpa(spec) := {
	"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": object.union({"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "api"}, "maxReplicas": 10}, spec),
}

vpa(spec) := {
	"apiVersion": "autoscaling.k8s.io/v1", "kind": "VerticalPodAutoscaler",
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": object.union({"targetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "api"}}, spec),
}

scaled_object(spec) := {
	"apiVersion": "keda.sh/v1alpha1", "kind": "ScaledObject",
	"metadata": {"name": "api-queue", "namespace": "shop"},
	"spec": object.union({"scaleTargetRef": {"name": "api"}}, spec),
}

resource_metric(name, target) := {"type": "Resource", "resource": {"name": name, "target": target}}

test_kinds if {
	autoscaling.hpa(hpa({}))
	autoscaling.hpa(object.union(hpa({}), {"apiVersion": "autoscaling/v1"}))
	not autoscaling.hpa(object.union(hpa({}), {"apiVersion": "example.com/v1"}))
	autoscaling.user_hpa(hpa({}))
	not autoscaling.user_hpa(object.union(hpa({}), {"metadata": {"ownerReferences": [{"kind": "ScaledObject", "name": "q"}]}}))
	autoscaling.vpa(vpa({}))
	not autoscaling.vpa(hpa({}))
	autoscaling.scaled_object(scaled_object({}))
	not autoscaling.scaled_object(deployment)
}

test_target_ref if {
	autoscaling.target_ref(hpa({})) == {"kind": "Deployment", "name": "api"}
	autoscaling.target_ref(vpa({})) == {"kind": "Deployment", "name": "api"}
	autoscaling.target_ref(scaled_object({})) == {"kind": "Deployment", "name": "api"}
	autoscaling.target_ref(scaled_object({"scaleTargetRef": {"kind": "StatefulSet", "name": "db"}})) == {"kind": "StatefulSet", "name": "db"}
	not autoscaling.target_ref(json.remove(hpa({}), ["spec/scaleTargetRef/kind"]))
	not autoscaling.target_ref(json.remove(vpa({}), ["spec/targetRef/name"]))
	not autoscaling.target_ref(json.patch(hpa({}), [{"op": "replace", "path": "/spec/scaleTargetRef/name", "value": ""}]))
	autoscaling.target_text(hpa({})) == "Deployment \"api\""
	autoscaling.target_text(json.remove(hpa({}), ["spec/scaleTargetRef/kind"])) == "its target"
}

test_target_stub_and_targets if {
	autoscaling.target_stub(hpa({})) == {"kind": "Deployment", "metadata": {"name": "api", "namespace": "shop"}}
	objs := [deployment, hpa({})]
	autoscaling.targets(hpa({})) == {deployment} with data.inventory as fixtures.inventory(objs)
	count(autoscaling.targets(hpa({"scaleTargetRef": {"kind": "StatefulSet", "name": "api"}}))) == 0 with data.inventory as fixtures.inventory(objs)
	other := object.union(hpa({}), {"metadata": {"namespace": "other"}})
	count(autoscaling.targets(other)) == 0 with data.inventory as fixtures.inventory(objs)
}

test_targets_workload_kind if {
	autoscaling.targets_workload_kind(hpa({}))
	autoscaling.targets_workload_kind(hpa({"scaleTargetRef": {"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "name": "api"}}))
	not autoscaling.targets_workload_kind(hpa({"scaleTargetRef": {"apiVersion": "example.com/v1", "kind": "Rollout", "name": "api"}}))
	not autoscaling.targets_workload_kind(hpa({"scaleTargetRef": {"apiVersion": "example.com/v1", "kind": "Worker", "name": "api"}}))
}

test_checks_target if {
	autoscaling.checks_target(hpa({}))
	autoscaling.checks_target(hpa({"scaleTargetRef": {"apiVersion": "leaderworkerset.x-k8s.io/v1", "kind": "LeaderWorkerSet", "name": "llm"}}))
	not autoscaling.checks_target(hpa({"scaleTargetRef": {"apiVersion": "example.com/v1", "kind": "Worker", "name": "api"}}))
	not autoscaling.checks_target(hpa({"scaleTargetRef": {"apiVersion": "example.com/v1", "kind": "Rollout", "name": "api"}}))
	not autoscaling.checks_target(json.remove(hpa({}), ["spec/scaleTargetRef/kind"]))
}

test_target_objects if {
	lws := {"apiVersion": "leaderworkerset.x-k8s.io/v1", "kind": "LeaderWorkerSet", "metadata": {"name": "llm", "namespace": "shop"}, "spec": {"replicas": 2}}
	helm_test := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "api", "namespace": "shop", "annotations": {"helm.sh/hook": "test"}}, "spec": {"containers": [{"name": "t"}]}}
	inv := fixtures.inventory([deployment, lws, helm_test])
	autoscaling.target_objects(hpa({})) == {deployment} with data.inventory as inv
	autoscaling.target_objects(hpa({"scaleTargetRef": {"kind": "LeaderWorkerSet", "name": "llm"}})) == {lws} with data.inventory as inv
	autoscaling.target_objects(hpa({"scaleTargetRef": {"kind": "Pod", "name": "api"}})) == {helm_test} with data.inventory as inv
	count(autoscaling.target_objects(hpa({"scaleTargetRef": {"kind": "StatefulSet", "name": "api"}}))) == 0 with data.inventory as inv
	autoscaling.objects_of_kind("shop", "LeaderWorkerSet") == {lws} with data.inventory as inv
	autoscaling.objects_of_kind("shop", "Deployment") == {deployment} with data.inventory as inv
	not autoscaling.objects_of_kind("shop", "Worker") with data.inventory as inv
}

test_min_replicas if {
	autoscaling.min_replicas(hpa({"minReplicas": 4})) == 4
	autoscaling.min_replicas(hpa({})) == 1
	autoscaling.min_replicas(hpa({"minReplicas": null})) == 1
	autoscaling.min_replicas_text(hpa({"minReplicas": 4})) == "minReplicas 4"
	autoscaling.min_replicas_text(hpa({})) == "minReplicas unset, which defaults to 1"
}

test_metrics_defaults if {
	v1 := {"apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler", "spec": {"targetCPUUtilizationPercentage": 60}}
	autoscaling.utilization_metrics(v1) == {{"resource": "cpu", "container": "", "percent": 60}}
	autoscaling.utilization_metrics(json.remove(v1, ["spec/targetCPUUtilizationPercentage"])) == {{"resource": "cpu", "container": "", "percent": 80}}
	autoscaling.utilization_metrics(hpa({})) == {{"resource": "cpu", "container": "", "percent": 80}}
	autoscaling.utilization_metrics(hpa({"metrics": []})) == {{"resource": "cpu", "container": "", "percent": 80}}
	autoscaling.default_metrics(hpa({}))
	autoscaling.default_metrics(hpa({"metrics": null}))
	not autoscaling.default_metrics(v1)
	not autoscaling.default_metrics(hpa({"metrics": [resource_metric("cpu", {"type": "Utilization", "averageUtilization": 70})]}))
	autoscaling.scaled_resources(hpa({})) == {"cpu"}
	autoscaling.scaled_resources(v1) == {"cpu"}
}

test_utilization_metrics if {
	h := hpa({"metrics": [
		resource_metric("cpu", {"type": "Utilization", "averageUtilization": 70}),
		resource_metric("memory", {"type": "AverageValue", "averageValue": "1Gi"}),
		{"type": "ContainerResource", "containerResource": {"name": "memory", "container": "app", "target": {"type": "Utilization", "averageUtilization": 75}}},
		{"type": "External", "external": {"metric": {"name": "queue_depth"}, "target": {"type": "AverageValue", "averageValue": "30"}}},
	]})
	autoscaling.utilization_metrics(h) == {
		{"resource": "cpu", "container": "", "percent": 70},
		{"resource": "memory", "container": "app", "percent": 75},
	}
	autoscaling.scaled_resources(h) == {"cpu", "memory"}
}

test_v2beta1_utilization if {
	h := object.union(
		hpa({"metrics": [
			{"type": "Resource", "resource": {"name": "memory", "targetAverageUtilization": 65}},
			{"type": "Resource", "resource": {"name": "cpu", "targetAverageValue": "500m"}},
		]}),
		{"apiVersion": "autoscaling/v2beta1"},
	)
	autoscaling.utilization_metrics(h) == {{"resource": "memory", "container": "", "percent": 65}}
	autoscaling.scaled_resources(h) == {"cpu", "memory"}
}

test_external_metrics_only if {
	h := hpa({"metrics": [{"type": "Pods", "pods": {"metric": {"name": "rps"}, "target": {"type": "AverageValue", "averageValue": "100"}}}]})
	count(autoscaling.utilization_metrics(h)) == 0
	count(autoscaling.scaled_resources(h)) == 0
}

test_describe_utilization if {
	autoscaling.describe_utilization({"resource": "cpu", "container": "", "percent": 70}) == "cpu utilization (70%)"
	autoscaling.describe_utilization({"resource": "memory", "container": "app", "percent": 75}) == "memory utilization of container \"app\" (75%)"
	autoscaling.describe_utilization({"resource": "cpu", "container": "", "percent": null}) == "cpu utilization"
}

test_update_mode if {
	autoscaling.update_mode(vpa({})) == "Auto"
	autoscaling.update_mode(vpa({"updatePolicy": {"updateMode": "Initial"}})) == "Initial"
	autoscaling.applies_changes(vpa({"updatePolicy": {"updateMode": "Initial"}}))
	not autoscaling.applies_changes(vpa({"updatePolicy": {"updateMode": "Off"}}))
	autoscaling.resizes_running_pods(vpa({}))
	autoscaling.resizes_running_pods(vpa({"updatePolicy": {"updateMode": "Recreate"}}))
	autoscaling.resizes_running_pods(vpa({"updatePolicy": {"updateMode": "InPlaceOrRecreate"}}))
	not autoscaling.resizes_running_pods(vpa({"updatePolicy": {"updateMode": "Initial"}}))
}

test_policy_for if {
	app := {"containerName": "app", "controlledResources": ["memory"]}
	star := {"containerName": "*", "mode": "Off"}
	v := vpa({"resourcePolicy": {"containerPolicies": [star, app]}})
	autoscaling.policy_for(v, "app") == app
	autoscaling.policy_for(v, "proxy") == star
	not autoscaling.policy_for(vpa({"resourcePolicy": {"containerPolicies": [app]}}), "proxy")
	autoscaling.wildcard_policy(v)
	not autoscaling.wildcard_policy(vpa({"resourcePolicy": {"containerPolicies": [app]}}))
}

test_container_resources if {
	v := vpa({"resourcePolicy": {"containerPolicies": [{"containerName": "app", "controlledResources": ["memory"]}, {"containerName": "*", "mode": "Off"}]}})
	autoscaling.container_resources(v, "app") == {"memory"}
	autoscaling.container_resources(v, "proxy") == set()
	autoscaling.container_resources(vpa({}), "app") == {"cpu", "memory"}
	autoscaling.container_resources(vpa({"resourcePolicy": {"containerPolicies": [{"containerName": "*", "mode": "Auto"}]}}), "app") == {"cpu", "memory"}
}

test_controlled_resources_without_target if {
	autoscaling.controlled_resources(vpa({})) == {"cpu", "memory"} with data.inventory as {}
	memory_only := vpa({"resourcePolicy": {"containerPolicies": [{"containerName": "*", "controlledResources": ["memory"]}]}})
	autoscaling.controlled_resources(memory_only) == {"memory"} with data.inventory as {}

	# Containers no policy names keep the defaults.
	sidecar_off := vpa({"resourcePolicy": {"containerPolicies": [{"containerName": "istio-proxy", "mode": "Off"}]}})
	autoscaling.controlled_resources(sidecar_off) == {"cpu", "memory"} with data.inventory as {}
	app_memory := vpa({"resourcePolicy": {"containerPolicies": [{"containerName": "app", "controlledResources": ["memory"]}]}})
	autoscaling.controlled_resources(app_memory) == {"cpu", "memory"} with data.inventory as {}
}

test_controlled_resources_per_target_container if {
	# Both containers of the target are named: the defaults apply to none.
	v := vpa({"resourcePolicy": {"containerPolicies": [
		{"containerName": "app", "controlledResources": ["memory"]},
		{"containerName": "proxy", "mode": "Off"},
	]}})
	autoscaling.controlled_resources(v) == {"memory"} with data.inventory as fixtures.inventory([deployment, v])

	# proxy is not named: it gets the defaults.
	w := vpa({"resourcePolicy": {"containerPolicies": [{"containerName": "app", "controlledResources": ["memory"]}]}})
	autoscaling.controlled_resources(w) == {"cpu", "memory"} with data.inventory as fixtures.inventory([deployment, w])
}

test_missing_bounds if {
	autoscaling.missing_bounds({"minAllowed": {"cpu": "100m"}}) == ["maxAllowed"]
	autoscaling.missing_bounds({"minAllowed": {}, "maxAllowed": {"cpu": "2"}}) == ["minAllowed"]
	autoscaling.missing_bounds({"minAllowed": null, "maxAllowed": {"cpu": "2"}}) == ["minAllowed"]
	autoscaling.missing_bounds({"maxAllowed": {"memory": "2Gi"}}) == ["minAllowed"]
	autoscaling.missing_bounds({}) == ["minAllowed", "maxAllowed"]
	autoscaling.missing_bounds({"minAllowed": {"cpu": "1"}, "maxAllowed": {"cpu": "2"}}) == []
}

test_scaled_object_zero if {
	autoscaling.scaled_object_minimum(scaled_object({})) == 0
	autoscaling.scaled_object_minimum(scaled_object({"minReplicaCount": 2})) == 2
	autoscaling.scales_to_zero_text(scaled_object({})) == "minReplicaCount unset, which defaults to 0"
	autoscaling.scales_to_zero_text(scaled_object({"minReplicaCount": 0})) == "minReplicaCount 0"
	autoscaling.scales_to_zero_text(scaled_object({"minReplicaCount": 1, "idleReplicaCount": 0})) == "idleReplicaCount 0"
	not autoscaling.scales_to_zero_text(scaled_object({"minReplicaCount": 1}))
}

test_several_autoscalers_the_smallest_minimum_counts if {
	# The workload's effective minimum replicas is the smallest minimum of
	# the autoscalers targeting it, and the source names that one.
	other := json.patch(hpa({"minReplicas": 2}), [{"op": "replace", "path": "/metadata/name", "value": "api-memory"}])
	objs := [deployment, hpa({"minReplicas": 4}), other, scaled_object({"minReplicaCount": 3})]
	scaling.min_replicas(deployment) == 2 with data.inventory as fixtures.inventory(objs)
	scaling.min_replicas_source(deployment) == "HorizontalPodAutoscaler \"api-memory\" minReplicas 2" with data.inventory as fixtures.inventory(objs)
	tie := [deployment, hpa({"minReplicas": 2}), other]
	scaling.min_replicas_source(deployment) == "HorizontalPodAutoscaler \"api\" minReplicas 2 and HorizontalPodAutoscaler \"api-memory\" minReplicas 2" with data.inventory as fixtures.inventory(tie)

	# A ScaledObject's minReplicaCount (unset = 0) counts as well.
	scaling.min_replicas(deployment) == 0 with data.inventory as fixtures.inventory([deployment, hpa({"minReplicas": 4}), scaled_object({})])
}
