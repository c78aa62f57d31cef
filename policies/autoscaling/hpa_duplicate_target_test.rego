package prodready.rules.hpa_duplicate_target_test

import data.lib.prodready.fixtures
import data.prodready.rules.hpa_duplicate_target

hpa(name, kind, target) := {
	"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
	"metadata": {"name": name, "namespace": "shop"},
	"spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": kind, "name": target}, "minReplicas": 3, "maxReplicas": 10},
}

cpu := hpa("api-cpu", "Deployment", "api")

memory := hpa("api-memory", "Deployment", "api")

check(obj, objs) := result if {
	result := hpa_duplicate_target.findings with input as obj with data.inventory as fixtures.inventory(objs)
}

finding(other, target) := {"field": ["spec", "scaleTargetRef"], "msg": sprintf("HorizontalPodAutoscaler %q also scales %s: the HPA controller stops both (ScalingActive False, reason AmbiguousSelector) and the workload no longer scales at all (older Kubernetes versions let each overwrite the other's replica count, which flaps); keep one HPA with the metrics of both in its spec.metrics, and delete the other", [other, target])}

merged(others, target) := {"field": ["spec", "scaleTargetRef"], "msg": sprintf("HorizontalPodAutoscalers %s also scale %s: the HPA controller stops all of them (ScalingActive False, reason AmbiguousSelector) and the workload no longer scales at all (older Kubernetes versions let each overwrite the others' replica count, which flaps); keep one HPA with the metrics of all of them in its spec.metrics, and delete the others", [others, target])}

test_fires_on_each_of_two_hpas if {
	check(cpu, [cpu, memory]) == {finding("api-memory", "Deployment \"api\"")}
	check(memory, [cpu, memory]) == {finding("api-cpu", "Deployment \"api\"")}
}

test_names_every_other_hpa_in_one_finding if {
	queue := hpa("api-queue", "Deployment", "api")
	check(cpu, [cpu, memory, queue]) == {merged("\"api-memory\" and \"api-queue\"", "Deployment \"api\"")}
	batch := hpa("api-batch", "Deployment", "api")
	check(cpu, [cpu, memory, queue, batch]) == {merged("\"api-batch\", \"api-memory\" and \"api-queue\"", "Deployment \"api\"")}
}

test_fires_whether_or_not_the_workload_is_in_the_input if {
	deployment := {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "api", "namespace": "shop"}, "spec": {}}
	check(cpu, [cpu, memory, deployment]) == check(cpu, [cpu, memory])
	count(check(cpu, [cpu, memory])) == 1
}

test_fires_under_gatekeeper_review if {
	review := {"review": {"object": cpu}, "parameters": {"rules": {"hpa-duplicate-target": {}}}}
	result := hpa_duplicate_target.findings with input as review with data.inventory as fixtures.inventory([memory])
	result == {finding("api-memory", "Deployment \"api\"")}
}

test_passes_for_one_hpa if {
	count(check(cpu, [cpu])) == 0
	count(hpa_duplicate_target.findings) == 0 with input as cpu
}

test_passes_for_other_targets if {
	# Another name, another kind of the same name, another namespace.
	count(check(cpu, [cpu, hpa("web", "Deployment", "web")])) == 0
	count(check(cpu, [cpu, hpa("api-sts", "StatefulSet", "api")])) == 0
	elsewhere := json.patch(memory, [{"op": "replace", "path": "/metadata/namespace", "value": "other"}])
	count(check(cpu, [cpu, elsewhere])) == 0
}

test_leaves_the_hpa_keda_made_to_keda_hpa_conflict if {
	keda := json.patch(hpa("keda-hpa-api", "Deployment", "api"), [{"op": "add", "path": "/metadata/ownerReferences", "value": [{"apiVersion": "keda.sh/v1alpha1", "kind": "ScaledObject", "name": "api", "controller": true}]}])
	count(check(cpu, [cpu, keda])) == 0
	count(check(keda, [cpu, keda])) == 0
}

test_skips_other_kinds if {
	vpa := {"apiVersion": "autoscaling.k8s.io/v1", "kind": "VerticalPodAutoscaler", "metadata": {"name": "api", "namespace": "shop"}, "spec": {"targetRef": {"kind": "Deployment", "name": "api"}}}
	count(check(vpa, [vpa, cpu, memory])) == 0
}

test_ignores_the_api_version_of_the_references if {
	v1 := object.union(json.remove(memory, ["spec/scaleTargetRef/apiVersion"]), {"apiVersion": "autoscaling/v1"})
	check(cpu, [cpu, v1]) == {finding("api-memory", "Deployment \"api\"")}
	check(v1, [cpu, v1]) == {finding("api-cpu", "Deployment \"api\"")}
}

test_an_hpa_the_input_repeats_is_one_hpa if {
	# The SDK files a second definition of one HPA under name/duplicate-2.
	edited := object.union(cpu, {"spec": {"minReplicas": 4}})
	inv := {"namespace": {"shop": {"autoscaling/v2": {"HorizontalPodAutoscaler": {"api-cpu": cpu, "api-cpu/duplicate-2": edited}}}}}
	count(hpa_duplicate_target.findings) == 0 with input as cpu with data.inventory as inv
}

test_fires_without_a_namespace if {
	no_ns := json.remove(cpu, ["metadata/namespace"])
	other := json.remove(memory, ["metadata/namespace"])
	inv := {"namespace": {"": {"autoscaling/v2": {"HorizontalPodAutoscaler": {"api-cpu": no_ns, "api-memory": other}}}}}
	hpa_duplicate_target.findings == {finding("api-memory", "Deployment \"api\"")} with input as no_ns with data.inventory as inv
}
