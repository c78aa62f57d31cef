package prodready.rules.hpa_target_missing_test

import data.lib.prodready.fixtures
import data.prodready.rules.hpa_target_missing

workload(kind, name, ns) := {
	"apiVersion": "apps/v1", "kind": kind,
	"metadata": {"name": name, "namespace": ns},
	"spec": {"template": {"metadata": {"labels": {"app": name}}, "spec": {"containers": [{"name": "app"}]}}},
}

hpa(ref) := {
	"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
	"metadata": {"name": "checkout", "namespace": "shop"},
	"spec": {"scaleTargetRef": ref, "minReplicas": 3, "maxReplicas": 10},
}

deployment_ref(name) := {"apiVersion": "apps/v1", "kind": "Deployment", "name": name}

check(obj, objs) := result if {
	result := hpa_target_missing.findings with input as obj with data.inventory as fixtures.inventory(array.concat([obj], objs))
}

finding(kind, name, others) := {"msg": sprintf("scaleTargetRef names %s %q, but namespace \"shop\" has no %s of that name in the input (%s): the HPA scales nothing, and the workload it was meant for stays at its deployed replica count until a peak overloads it; point scaleTargetRef at the workload's kind and name", [kind, name, kind, others])}

test_fires_for_a_misspelt_name if {
	objs := [workload("Deployment", "checkout", "shop"), workload("Deployment", "cart", "shop")]
	check(hpa(deployment_ref("checkout-api")), objs) == {finding("Deployment", "checkout-api", "its Deployments: cart, checkout")}
}

test_fires_for_the_wrong_kind if {
	objs := [workload("StatefulSet", "checkout", "shop")]
	check(hpa(deployment_ref("checkout")), objs) == {finding("Deployment", "checkout", "it has no Deployment at all")}
}

test_fires_when_the_target_is_in_another_namespace if {
	objs := [workload("Deployment", "checkout", "payments"), workload("Deployment", "cart", "shop")]
	check(hpa(deployment_ref("checkout")), objs) == {finding("Deployment", "checkout", "its only Deployment is cart")}
}

test_fires_for_a_missing_rollout if {
	ref := {"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "name": "checkout"}
	objs := [workload("Deployment", "checkout", "shop")]
	check(hpa(ref), objs) == {finding("Rollout", "checkout", "it has no Rollout at all")}
}

test_fires_for_a_v1_hpa if {
	v1 := object.union(hpa(deployment_ref("checkout-api")), {"apiVersion": "autoscaling/v1"})
	check(v1, [workload("Deployment", "checkout", "shop")]) == {finding("Deployment", "checkout-api", "its only Deployment is checkout")}
}

test_fires_under_gatekeeper_review if {
	review := {"review": {"object": hpa(deployment_ref("checkout-api"))}, "parameters": {"rules": {"hpa-target-missing": {}}}}
	result := hpa_target_missing.findings with input as review
		with data.inventory as fixtures.inventory([workload("Deployment", "checkout", "shop")])
	result == {finding("Deployment", "checkout-api", "its only Deployment is checkout")}
}

test_passes_when_the_target_exists if {
	count(check(hpa(deployment_ref("checkout")), [workload("Deployment", "checkout", "shop")])) == 0
	sts := {"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "checkout"}
	count(check(hpa(sts), [workload("StatefulSet", "checkout", "shop")])) == 0
}

test_passes_for_an_argo_rollout if {
	ref := {"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "name": "checkout"}
	rollout := object.union(workload("Rollout", "checkout", "shop"), {"apiVersion": "argoproj.io/v1alpha1"})
	count(check(hpa(ref), [rollout])) == 0
}

test_passes_when_the_namespace_has_no_workloads if {
	# The workload may be deployed from another repository or chart.
	count(check(hpa(deployment_ref("checkout")), [])) == 0
	service := {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "checkout", "namespace": "shop"}, "spec": {"selector": {"app": "checkout"}}}
	count(check(hpa(deployment_ref("checkout")), [service, workload("Deployment", "cart", "payments")])) == 0
}

test_passes_for_kinds_the_input_cannot_show if {
	custom := {"apiVersion": "example.com/v1", "kind": "Worker", "name": "checkout"}
	count(check(hpa(custom), [workload("Deployment", "cart", "shop")])) == 0
	foreign_rollout := {"apiVersion": "rollouts.example.com/v1", "kind": "Rollout", "name": "checkout"}
	count(check(hpa(foreign_rollout), [workload("Deployment", "cart", "shop")])) == 0
}

test_passes_without_a_kind if {
	count(check(hpa({"name": "checkout-api"}), [workload("Deployment", "checkout", "shop")])) == 0
}

test_skips_other_kinds if {
	deployment := workload("Deployment", "cart", "shop")
	count(check(deployment, [workload("Deployment", "checkout", "shop")])) == 0
}

lws(name) := {"apiVersion": "leaderworkerset.x-k8s.io/v1", "kind": "LeaderWorkerSet", "metadata": {"name": name, "namespace": "shop"}, "spec": {"replicas": 2}}

lws_ref(name) := {"apiVersion": "leaderworkerset.x-k8s.io/v1", "kind": "LeaderWorkerSet", "name": name}

test_passes_for_a_leader_worker_set_in_the_input if {
	# A custom resource with a scale subresource is a target like a workload.
	count(check(hpa(lws_ref("llm")), [lws("llm"), workload("Deployment", "cart", "shop")])) == 0

	# Its apiVersion is not compared.
	count(check(hpa(object.union(lws_ref("llm"), {"apiVersion": "leaderworkerset.x-k8s.io/v1beta1"})), [lws("llm"), workload("Deployment", "cart", "shop")])) == 0
}

test_fires_for_a_missing_leader_worker_set if {
	check(hpa(lws_ref("llm")), [lws("llm-70b"), workload("Deployment", "cart", "shop")]) == {finding("LeaderWorkerSet", "llm", "its only LeaderWorkerSet is llm-70b")}
	check(hpa(lws_ref("llm")), [workload("Deployment", "cart", "shop")]) == {finding("LeaderWorkerSet", "llm", "it has no LeaderWorkerSet at all")}

	# Not in a namespace without workloads: the LeaderWorkerSet may ship from elsewhere.
	count(check(hpa(lws_ref("llm")), [lws("llm-70b")])) == 0
}

test_passes_for_any_object_of_the_kind if {
	# A Rollout of another group is no workload the rules judge, but it is
	# the object the HPA names.
	foreign := object.union(workload("Rollout", "checkout", "shop"), {"apiVersion": "rollouts.example.com/v1"})
	ref := {"kind": "Rollout", "name": "checkout"}
	count(check(hpa(ref), [foreign, workload("Deployment", "cart", "shop")])) == 0
}

test_lists_five_names_at_most if {
	names := ["a", "b", "c", "d", "e", "f", "g"]
	objs := [workload("Deployment", n, "shop") | some n in names]
	check(hpa(deployment_ref("checkout")), objs) == {finding("Deployment", "checkout", "its Deployments: a, b, c, d, e, and 2 more")}
}

test_says_its_namespace_without_one if {
	no_ns := json.remove(hpa(deployment_ref("checkout-api")), ["metadata/namespace"])
	hpa_target_missing.findings == {{"msg": "scaleTargetRef names Deployment \"checkout-api\", but its namespace has no Deployment of that name in the input (its only Deployment is cart): the HPA scales nothing, and the workload it was meant for stays at its deployed replica count until a peak overloads it; point scaleTargetRef at the workload's kind and name"}} with input as no_ns with data.inventory as fixtures.inventory([workload("Deployment", "cart", "")])
}
