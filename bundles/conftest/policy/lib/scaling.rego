# METADATA
# title: Replicas and autoscalers across objects
# description: >-
#   What cross-object rules share: which HorizontalPodAutoscalers and KEDA
#   ScaledObjects target a workload (by kind, name and namespace), which
#   workloads run a replica count, their effective minimum replicas and
#   where it comes from, in words. (Which PodDisruptionBudgets select which pods
#   is lib.prodready.disruption.) Every lookup goes through lib.prodready.inventory by namespace and kind.
package lib.prodready.scaling

import data.lib.prodready.inventory
import data.lib.prodready.pods
import data.lib.prodready.workload

# replicated_kinds are the workloads that run a count of interchangeable
# replicas (spec.replicas, or an autoscaler's). DaemonSets (one pod per
# node), Jobs, CronJobs and bare Pods do not.
replicated_kinds := {"Deployment", "StatefulSet", "ReplicaSet", "ReplicationController", "Rollout"}

# replicated(obj) is true for a workload the replica, disruption budget and
# spread rules judge: it runs replicas, is not itself run by another
# workload (a ReplicaSet a Deployment or Rollout owns: its owner is the one
# reported; a Deployment an Argo Rollout runs through spec.workloadRef), and
# is not deliberately scaled to nothing (spec.replicas: 0).
replicated(obj) if {
	workload.workload(obj)
	obj.kind in replicated_kinds
	not controlled_by_workload(obj)
	not pods.run_by_rollout(obj)
	not scaled_to_nothing(obj)
}

controlled_by_workload(obj) if {
	some owner in obj.metadata.ownerReferences
	owner.controller == true
	owner.kind in inventory.workload_kinds
}

# scaled_to_nothing(obj) is true for a workload with an explicit
# spec.replicas: 0, scaled down on purpose (an HPA does not scale it either).
scaled_to_nothing(obj) if obj.spec.replicas == 0

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

# min_replicas_source(obj) says in words where obj's effective minimum
# replicas (min_replicas) comes from: the autoscalers that set it,
# else spec.replicas.
min_replicas_source(obj) := concat(" and ", sort(autoscaler_sources(obj))) if {
	count(autoscaler_sources(obj)) > 0
} else := sprintf("spec.replicas %v", [obj.spec.replicas]) if {
	is_number(obj.spec.replicas)
} else := "spec.replicas unset, which defaults to 1"

autoscaler_sources(obj) := {source |
	minimum := min_replicas(obj)
	some hpa in hpas(obj)
	number_at(hpa, ["spec", "minReplicas"], 1) == minimum
	source := sprintf("HorizontalPodAutoscaler %q %s", [hpa.metadata.name, setting(hpa, "minReplicas", 1)])
} | {source |
	minimum := min_replicas(obj)
	some so in scaled_objects(obj)
	number_at(so, ["spec", "minReplicaCount"], 0) == minimum
	source := sprintf("ScaledObject %q %s", [so.metadata.name, setting(so, "minReplicaCount", 0)])
}

setting(obj, field, default_value) := sprintf("%s %v", [field, obj.spec[field]]) if {
	is_number(obj.spec[field])
} else := sprintf("%s unset, which defaults to %v", [field, default_value])

# replicas_text(n) is n replicas in words: "1 replica", "3 replicas".
replicas_text(n) := "1 replica" if {
	n == 1
} else := sprintf("%v replicas", [n])
