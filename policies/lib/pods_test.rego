package lib.prodready.pods_test

import data.lib.prodready.fixtures
import data.lib.prodready.pods

deployment(name) := {
	"apiVersion": "apps/v1", "kind": "Deployment",
	"metadata": {"name": name, "namespace": "shop"},
	"spec": {"replicas": 0, "template": {"metadata": {"labels": {"app": name}}, "spec": {"containers": [{"name": "c"}]}}},
}

rollout(ref) := {
	"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout",
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": {"replicas": 3, "workloadRef": ref},
}

ref := {"apiVersion": "apps/v1", "kind": "Deployment", "name": "api-template"}

test_a_workload_runs_its_own_template if {
	pods.template(deployment("web")) == deployment("web").spec.template
	pods.labels(deployment("web")) == {"app": "web"}
}

test_a_rollout_runs_the_template_of_its_deployment if {
	inv := fixtures.inventory([rollout(ref), deployment("api-template")])
	pods.template(rollout(ref)) == deployment("api-template").spec.template with data.inventory as inv
	pods.labels(rollout(ref)) == {"app": "api-template"} with data.inventory as inv
}

test_the_template_is_unknown_without_the_deployment if {
	not pods.template(rollout(ref)) with data.inventory as fixtures.inventory([rollout(ref)])
	pods.labels(rollout(ref)) == {} with data.inventory as fixtures.inventory([rollout(ref)])

	# Nor from another namespace, or another kind.
	other_ns := json.patch(deployment("api-template"), [{"op": "replace", "path": "/metadata/namespace", "value": "other"}])
	not pods.template(rollout(ref)) with data.inventory as fixtures.inventory([rollout(ref), other_ns])
	sts_ref := object.union(ref, {"kind": "StatefulSet"})
	not pods.template(rollout(sts_ref)) with data.inventory as fixtures.inventory([rollout(sts_ref), deployment("api-template")])
}

test_run_by_rollout if {
	inv := fixtures.inventory([rollout(ref), deployment("api-template"), deployment("web")])
	pods.run_by_rollout(deployment("api-template")) with data.inventory as inv
	not pods.run_by_rollout(deployment("web")) with data.inventory as inv
	foreign := json.patch(rollout(ref), [{"op": "replace", "path": "/apiVersion", "value": "example.com/v1"}])
	not pods.run_by_rollout(deployment("api-template")) with data.inventory as fixtures.inventory([foreign, deployment("api-template")])
}
