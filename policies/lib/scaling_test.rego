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
