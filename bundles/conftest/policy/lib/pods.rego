# METADATA
# title: The pods a workload of the input runs
# description: >-
#   The pod template a workload runs, for the rules that judge it with the
#   other objects of the input: its own, or, for an Argo Rollout with
#   spec.workloadRef, the template of the Deployment it references, which
#   Argo then scales in its stead (so that Deployment is not a workload of
#   its own for the replica, disruption budget and spread rules). Rules that
#   judge one object alone read the template written in it
#   (lib.prodready.workload), so findings about containers stay on the
#   Deployment where they are written.
package lib.prodready.pods

import data.lib.prodready.inventory
import data.lib.prodready.workload

# template(obj) is the pod template obj runs: its own, else the one of the
# Deployment its spec.workloadRef names (undefined when that Deployment is
# not in the input).
template(obj) := t if {
	t := workload.template_of(obj)
} else := t if {
	t := workload.template_of(referenced_deployment(obj))
}

# labels(obj) are the labels of the pods obj runs ({} when unknown).
labels(obj) := l if {
	l := template(obj).metadata.labels
	is_object(l)
} else := {}

# referenced_deployment(rollout) is the Deployment of the input an Argo
# Rollout's spec.workloadRef names.
referenced_deployment(rollout) := deployments[0] if {
	rollout.kind == "Rollout"
	ref := rollout.spec.workloadRef
	object.get(ref, "kind", "Deployment") == "Deployment"
	deployments := [d | some d in inventory.named(inventory.namespace_of(rollout), "Deployment", ref.name)]
	count(deployments) > 0
}

# run_by_rollout(obj) is true for a Deployment that an Argo Rollout of the
# input runs through spec.workloadRef.
run_by_rollout(obj) if {
	obj.kind == "Deployment"
	some rollout in inventory.namespaced(inventory.namespace_of(obj), "Rollout")
	workload.workload_kind(rollout)
	ref := rollout.spec.workloadRef
	object.get(ref, "kind", "Deployment") == "Deployment"
	ref.name == obj.metadata.name
}
