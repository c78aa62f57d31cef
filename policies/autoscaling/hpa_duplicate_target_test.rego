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

finding(others, verb, target) := {"field": ["spec", "scaleTargetRef"], "msg": sprintf("%s also %s %s: each computes its own replica count and overwrites the other's, so the count flaps between their answers (recent Kubernetes versions stop scaling it at all); keep one HPA with every metric in its spec.metrics and delete the others", [others, verb, target])}

test_fires_on_each_of_two_hpas if {
	check(cpu, [cpu, memory]) == {finding("HorizontalPodAutoscaler \"api-memory\"", "scales", "Deployment \"api\"")}
	check(memory, [cpu, memory]) == {finding("HorizontalPodAutoscaler \"api-cpu\"", "scales", "Deployment \"api\"")}
}

test_names_every_other_hpa_in_one_finding if {
	queue := hpa("api-queue", "Deployment", "api")
	check(cpu, [cpu, memory, queue]) == {finding("HorizontalPodAutoscalers \"api-memory\", \"api-queue\"", "scale", "Deployment \"api\"")}
}

test_fires_whether_or_not_the_workload_is_in_the_input if {
	deployment := {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "api", "namespace": "shop"}, "spec": {}}
	check(cpu, [cpu, memory, deployment]) == check(cpu, [cpu, memory])
	count(check(cpu, [cpu, memory])) == 1
}

test_fires_under_gatekeeper_review if {
	review := {"review": {"object": cpu}, "parameters": {}}
	result := hpa_duplicate_target.findings with input as review with data.inventory as fixtures.inventory([memory])
	result == {finding("HorizontalPodAutoscaler \"api-memory\"", "scales", "Deployment \"api\"")}
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
