# METADATA
# title: Replicas and autoscalers across objects
# description: |
#   What cross-object rules share: which HorizontalPodAutoscalers and KEDA
#   ScaledObjects target a workload (by kind, name and namespace), its
#   effective minimum replicas. (Which PodDisruptionBudgets select which pods
#   is lib.prodready.disruption.) Every lookup goes through lib.prodready.inventory by namespace and kind.
package lib.prodready.scaling

import data.lib.prodready.inventory

# hpas(obj) are the HPAs of obj's namespace whose scaleTargetRef names obj.
hpas(obj) := {hpa |
	some hpa in inventory.namespaced(inventory.namespace_of(obj), "HorizontalPodAutoscaler")
	targets(hpa.spec.scaleTargetRef, "", obj)
}

# scaled_objects(obj) are the KEDA ScaledObjects of obj's namespace whose
# scaleTargetRef names obj (kind unset = Deployment).
scaled_objects(obj) := {so |
	some so in inventory.namespaced(inventory.namespace_of(obj), "ScaledObject")
	targets(so.spec.scaleTargetRef, "Deployment", obj)
}

targets(ref, default_kind, obj) if {
	ref.name == obj.metadata.name
	object.get(ref, "kind", default_kind) == obj.kind
}

# keda_owned(hpa) is true for the HPA KEDA made for a ScaledObject.
keda_owned(hpa) if {
	some owner in hpa.metadata.ownerReferences
	owner.kind == "ScaledObject"
}

# autoscaled(obj) is true when an HPA or a ScaledObject targets obj.
autoscaled(obj) if count(hpas(obj)) > 0

autoscaled(obj) if count(scaled_objects(obj)) > 0

# min_replicas(obj) is obj's effective minimum replicas: the smallest
# minReplicas of an HPA (unset = 1) or minReplicaCount of a ScaledObject
# (unset = 0) targeting it, else spec.replicas (unset = 1). A field set to
# null (as Helm renders an unset value) counts as unset, as in the API server.
min_replicas(obj) := min(autoscaler_minimums(obj)) if {
	count(autoscaler_minimums(obj)) > 0
} else := number_at(obj, ["spec", "replicas"], 1)

autoscaler_minimums(obj) := {n | some hpa in hpas(obj); n := number_at(hpa, ["spec", "minReplicas"], 1)} | {n |
	some so in scaled_objects(obj)
	n := number_at(so, ["spec", "minReplicaCount"], 0)
}

# number_at(obj, path, otherwise) is the number at path, else otherwise.
number_at(obj, path, otherwise) := n if {
	n := object.get(obj, path, otherwise)
	is_number(n)
} else := otherwise
