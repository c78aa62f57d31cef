package prodready.rules.keda_hpa_conflict_test

import data.lib.prodready.fixtures
import data.prodready.rules.keda_hpa_conflict

deployment := {
	"apiVersion": "apps/v1", "kind": "Deployment",
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": {"template": {"metadata": {"labels": {"app": "api"}}, "spec": {"containers": [{"name": "app"}]}}},
}

hpa(kind, name) := {
	"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": kind, "name": name}, "minReplicas": 3, "maxReplicas": 10},
}

scaled_object(name, ref) := {
	"apiVersion": "keda.sh/v1alpha1", "kind": "ScaledObject",
	"metadata": {"name": name, "namespace": "shop"},
	"spec": {"scaleTargetRef": ref, "minReplicaCount": 3, "triggers": [{"type": "rabbitmq", "metadata": {"queueName": "orders", "value": "20"}}]},
}

keda_owned(h) := object.union(h, {"metadata": {"name": "keda-hpa-api-queue", "ownerReferences": [{"apiVersion": "keda.sh/v1alpha1", "kind": "ScaledObject", "name": "api-queue", "controller": true}]}})

check(obj, objs) := result if {
	result := keda_hpa_conflict.findings with input as obj with data.inventory as fixtures.inventory(array.concat([obj], objs))
}

finding(so, target) := {"msg": sprintf("KEDA ScaledObject %q also scales %s, through an HPA of its own (keda-hpa-%s): with two HPAs on the same pods, the HPA controller stops both (ScalingActive False, reason AmbiguousSelector) and the workload no longer scales at all (older Kubernetes versions let each overwrite the other's replica count, which swings between their answers); keep one autoscaler, for example move this HPA's metrics into the ScaledObject's triggers and delete this HPA", [so, target, so])}

merged(scaled_objects, target) := {"msg": sprintf("KEDA ScaledObjects %s also scale %s, each through an HPA of its own: with several HPAs on the same pods, the HPA controller stops all of them (ScalingActive False, reason AmbiguousSelector) and the workload no longer scales at all (older Kubernetes versions let each overwrite the others' replica count, which swings between their answers); keep one autoscaler, for example move this HPA's metrics into one ScaledObject's triggers and delete this HPA and the other ScaledObjects", [scaled_objects, target])}

test_fires_when_both_target_a_deployment if {
	# The ScaledObject's kind defaults to Deployment.
	check(hpa("Deployment", "api"), [deployment, scaled_object("api-queue", {"name": "api"})]) == {finding("api-queue", "Deployment \"api\"")}
}

test_fires_with_an_explicit_kind if {
	so := scaled_object("db-lag", {"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "db"})
	check(hpa("StatefulSet", "db"), [so]) == {finding("db-lag", "StatefulSet \"db\"")}
}

test_fires_without_the_workload_in_the_input if {
	check(hpa("Deployment", "api"), [scaled_object("api-queue", {"name": "api"})]) == {finding("api-queue", "Deployment \"api\"")}
}

test_names_every_scaled_object_in_one_finding if {
	objs := [scaled_object("api-queue", {"name": "api"}), scaled_object("api-cron", {"kind": "Deployment", "name": "api"})]
	check(hpa("Deployment", "api"), objs) == {merged("\"api-cron\" and \"api-queue\"", "Deployment \"api\"")}
}

test_fires_beside_keda_own_hpa if {
	objs := [scaled_object("api-queue", {"name": "api"}), keda_owned(hpa("Deployment", "api"))]
	check(hpa("Deployment", "api"), objs) == {finding("api-queue", "Deployment \"api\"")}
}

test_fires_under_gatekeeper_review if {
	review := {"review": {"object": hpa("Deployment", "api")}, "parameters": {"rules": {"keda-hpa-conflict": {}}}}
	result := keda_hpa_conflict.findings with input as review
		with data.inventory as fixtures.inventory([scaled_object("api-queue", {"name": "api"})])
	result == {finding("api-queue", "Deployment \"api\"")}
}

test_passes_for_keda_own_hpa if {
	count(check(keda_owned(hpa("Deployment", "api")), [scaled_object("api-queue", {"name": "api"})])) == 0
}

test_passes_for_other_targets if {
	count(check(hpa("Deployment", "web"), [scaled_object("api-queue", {"name": "api"})])) == 0
	count(check(hpa("StatefulSet", "api"), [scaled_object("api-queue", {"name": "api"})])) == 0
	other_ns := json.patch(scaled_object("api-queue", {"name": "api"}), [{"op": "replace", "path": "/metadata/namespace", "value": "other"}])
	count(check(hpa("Deployment", "api"), [other_ns])) == 0
}

test_passes_without_scaled_objects if {
	count(check(hpa("Deployment", "api"), [deployment])) == 0
}

test_skips_other_kinds if {
	count(check(scaled_object("api-queue", {"name": "api"}), [hpa("Deployment", "api")])) == 0
	count(check(deployment, [hpa("Deployment", "api"), scaled_object("api-queue", {"name": "api"})])) == 0
}

test_names_the_hpa_keda_makes if {
	so := json.patch(scaled_object("api-queue", {"name": "api"}), [{"op": "add", "path": "/spec/advanced", "value": {"horizontalPodAutoscalerConfig": {"name": "api-keda"}}}])
	check(hpa("Deployment", "api"), [so]) == {{"msg": "KEDA ScaledObject \"api-queue\" also scales Deployment \"api\", through an HPA of its own (api-keda): with two HPAs on the same pods, the HPA controller stops both (ScalingActive False, reason AmbiguousSelector) and the workload no longer scales at all (older Kubernetes versions let each overwrite the other's replica count, which swings between their answers); keep one autoscaler, for example move this HPA's metrics into the ScaledObject's triggers and delete this HPA"}}
}
