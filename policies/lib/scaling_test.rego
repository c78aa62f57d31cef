package lib.prodready.scaling_test

import data.lib.prodready.fixtures
import data.lib.prodready.scaling

deployment := {
	"apiVersion": "apps/v1", "kind": "Deployment",
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": {"replicas": 4, "template": {"metadata": {"labels": {"app": "api"}}, "spec": {"containers": [{"name": "c"}]}}},
}

hpa(name, target_kind, target_name, min) := {
	"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
	"metadata": {"name": name, "namespace": "shop"},
	"spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": target_kind, "name": target_name}, "minReplicas": min, "maxReplicas": 10},
}

scaled_object(spec) := {"apiVersion": "keda.sh/v1alpha1", "kind": "ScaledObject", "metadata": {"name": "so", "namespace": "shop"}, "spec": spec}

inv(objs) := fixtures.inventory(objs)

test_min_replicas_from_spec if {
	scaling.min_replicas(deployment) == 4 with data.inventory as inv([deployment])
	scaling.min_replicas(json.remove(deployment, ["spec/replicas"])) == 1 with data.inventory as {}
}

test_null_counts_as_unset if {
	scaling.min_replicas(json.patch(deployment, [{"op": "replace", "path": "/spec/replicas", "value": null}])) == 1 with data.inventory as {}
	scaling.min_replicas(deployment) == 1 with data.inventory as inv([deployment, hpa("h", "Deployment", "api", null)])
	so := scaled_object({"scaleTargetRef": {"name": "api"}, "minReplicaCount": null})
	scaling.min_replicas(deployment) == 0 with data.inventory as inv([deployment, so])
}

test_min_replicas_from_hpa if {
	objs := [deployment, hpa("h", "Deployment", "api", 2)]
	scaling.min_replicas(deployment) == 2 with data.inventory as inv(objs)
	scaling.autoscaled(deployment) with data.inventory as inv(objs)
}

test_hpa_min_replicas_defaults_to_one if {
	h := json.remove(hpa("h", "Deployment", "api", 2), ["spec/minReplicas"])
	scaling.min_replicas(deployment) == 1 with data.inventory as inv([deployment, h])
}

test_hpa_of_other_target_ignored if {
	objs := [deployment, hpa("h1", "Deployment", "web", 2), hpa("h2", "StatefulSet", "api", 2)]
	scaling.min_replicas(deployment) == 4 with data.inventory as inv(objs)
	not scaling.autoscaled(deployment) with data.inventory as inv(objs)
}

test_scaled_object_defaults if {
	so := scaled_object({"scaleTargetRef": {"name": "api"}})
	scaling.min_replicas(deployment) == 0 with data.inventory as inv([deployment, so])
	so3 := scaled_object({"scaleTargetRef": {"name": "api"}, "minReplicaCount": 3})
	scaling.min_replicas(deployment) == 3 with data.inventory as inv([deployment, so3])
}

test_keda_owned if {
	scaling.keda_owned({"metadata": {"ownerReferences": [{"kind": "ScaledObject", "name": "so"}]}})
	not scaling.keda_owned({"metadata": {"name": "h"}})
}

with_kind(kind) := json.patch(deployment, [{"op": "replace", "path": "/kind", "value": kind}])

rollout(spec) := {"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "metadata": {"name": "r", "namespace": "shop"}, "spec": spec}

test_replicated_kinds if {
	scaling.replicated(deployment)
	scaling.replicated(with_kind("StatefulSet"))
	scaling.replicated(with_kind("ReplicaSet"))
	scaling.replicated(with_kind("ReplicationController"))
	scaling.replicated(rollout(deployment.spec))
	not scaling.replicated({"apiVersion": "example.com/v1", "kind": "Rollout", "metadata": {"name": "r"}, "spec": deployment.spec})
	not scaling.replicated(with_kind("DaemonSet"))
	not scaling.replicated(with_kind("Job"))
	not scaling.replicated({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": []}})
}

test_replicated_skips_helm_tests if {
	not scaling.replicated(json.patch(deployment, [{"op": "add", "path": "/metadata/annotations", "value": {"helm.sh/hook": "test"}}]))
}

test_replica_set_of_a_deployment_is_not_replicated if {
	owned := json.patch(with_kind("ReplicaSet"), [{"op": "add", "path": "/metadata/ownerReferences", "value": [{"kind": "Deployment", "name": "api", "controller": true}]}])
	not scaling.replicated(owned)
	standalone := json.patch(with_kind("ReplicaSet"), [{"op": "add", "path": "/metadata/ownerReferences", "value": [{"kind": "Deployment", "name": "api"}]}])
	scaling.replicated(standalone)
}

test_explicit_zero_replicas_is_not_replicated if {
	not scaling.replicated(json.patch(deployment, [{"op": "replace", "path": "/spec/replicas", "value": 0}]))
	scaling.replicated(json.remove(deployment, ["spec/replicas"]))
	scaling.replicated(json.patch(deployment, [{"op": "replace", "path": "/spec/replicas", "value": null}]))
}

test_deployment_a_rollout_runs_is_not_replicated if {
	ref := rollout({"replicas": 3, "workloadRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "api"}})
	not scaling.replicated(deployment) with data.inventory as inv([deployment, ref])
	scaling.replicated(ref) with data.inventory as inv([deployment, ref])

	# A Rollout of another name, or of another group, leaves it a workload.
	other := rollout({"workloadRef": {"kind": "Deployment", "name": "web"}})
	scaling.replicated(deployment) with data.inventory as inv([deployment, other])
	foreign := json.patch(ref, [{"op": "replace", "path": "/apiVersion", "value": "example.com/v1"}])
	scaling.replicated(deployment) with data.inventory as inv([deployment, foreign])
}

test_min_replicas_source_spec if {
	scaling.min_replicas_source(deployment) == "spec.replicas 4" with data.inventory as {}
	unset := json.remove(deployment, ["spec/replicas"])
	scaling.min_replicas_source(unset) == "spec.replicas unset, which defaults to 1" with data.inventory as {}
}

test_min_replicas_source_autoscalers if {
	scaling.min_replicas_source(deployment) == "HorizontalPodAutoscaler \"h\" minReplicas 2" with data.inventory as inv([deployment, hpa("h", "Deployment", "api", 2)])
	unset := json.remove(hpa("h", "Deployment", "api", 2), ["spec/minReplicas"])
	scaling.min_replicas_source(deployment) == "HorizontalPodAutoscaler \"h\" minReplicas unset, which defaults to 1" with data.inventory as inv([deployment, unset])
	so := scaled_object({"scaleTargetRef": {"name": "api"}, "minReplicaCount": 1})
	scaling.min_replicas_source(deployment) == "ScaledObject \"so\" minReplicaCount 1" with data.inventory as inv([deployment, so])
	so_unset := scaled_object({"scaleTargetRef": {"name": "api"}})
	scaling.min_replicas_source(deployment) == "ScaledObject \"so\" minReplicaCount unset, which defaults to 0" with data.inventory as inv([deployment, so_unset])
	null_min := hpa("h", "Deployment", "api", null)
	scaling.min_replicas_source(deployment) == "HorizontalPodAutoscaler \"h\" minReplicas unset, which defaults to 1" with data.inventory as inv([deployment, null_min])
}

test_min_replicas_source_names_only_the_lowest if {
	objs := [deployment, hpa("a", "Deployment", "api", 3), hpa("b", "Deployment", "api", 2), scaled_object({"scaleTargetRef": {"name": "api"}, "minReplicaCount": 2})]
	scaling.min_replicas(deployment) == 2 with data.inventory as inv(objs)
	scaling.min_replicas_source(deployment) == "HorizontalPodAutoscaler \"b\" minReplicas 2 and ScaledObject \"so\" minReplicaCount 2" with data.inventory as inv(objs)
}

test_replicas_text if {
	scaling.replicas_text(1) == "1 replica"
	scaling.replicas_text(0) == "0 replicas"
	scaling.replicas_text(3) == "3 replicas"
}
