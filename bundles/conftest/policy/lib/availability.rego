# METADATA
# title: Availability and scheduling
# description: |
#   What the availability rules share: which workloads run a replica count,
#   where a workload's effective minimum replicas comes from (in words, for
#   messages), whether a KEDA ScaledObject may scale it to zero, and how a pod
#   template spreads its pods (topologySpreadConstraints and podAntiAffinity
#   terms, and the topology keys they spread over).
package lib.prodready.availability

import data.lib.prodready.scaling
import data.lib.prodready.workload

# zone_key is the well-known node label of the zone a node runs in.
zone_key := "topology.kubernetes.io/zone"

# replicated_kinds are the workload kinds that run spec.replicas copies of
# their pod template (Rollout: Argo Rollouts only, see workload.workload).
replicated_kinds := {"Deployment", "StatefulSet", "ReplicaSet", "ReplicationController", "Rollout"}

# replicated(obj) is true for a workload that runs a replica count.
replicated(obj) if {
	workload.workload(obj)
	obj.kind in replicated_kinds
}

# scales_to_zero(obj) is true when a KEDA ScaledObject targeting obj may
# scale it to zero (minReplicaCount 0, the KEDA default when unset).
scales_to_zero(obj) if {
	some so in scaling.scaled_objects(obj)
	object.get(so, ["spec", "minReplicaCount"], 0) == 0
}

# min_replicas_source(obj) says in words where obj's effective minimum
# replicas (scaling.min_replicas) comes from: the autoscalers that set it,
# else spec.replicas.
min_replicas_source(obj) := concat(" and ", sort(autoscaler_sources(obj))) if {
	count(autoscaler_sources(obj)) > 0
} else := sprintf("spec.replicas %v", [obj.spec.replicas]) if {
	is_number(obj.spec.replicas)
} else := "spec.replicas unset, which defaults to 1"

autoscaler_sources(obj) := {source |
	minimum := scaling.min_replicas(obj)
	some hpa in scaling.hpas(obj)
	object.get(hpa, ["spec", "minReplicas"], 1) == minimum
	source := sprintf("HorizontalPodAutoscaler %q %s", [hpa.metadata.name, setting(hpa, "minReplicas", 1)])
} | {source |
	minimum := scaling.min_replicas(obj)
	some so in scaling.scaled_objects(obj)
	object.get(so, ["spec", "minReplicaCount"], 0) == minimum
	source := sprintf("ScaledObject %q %s", [so.metadata.name, setting(so, "minReplicaCount", 0)])
}

setting(obj, field, default_value) := sprintf("%s %v", [field, obj.spec[field]]) if {
	is_number(obj.spec[field])
} else := sprintf("%s unset, which defaults to %v", [field, default_value])

# spread_constraints(template) are the topologySpreadConstraints of a pod template.
spread_constraints(template) := array_at(template, ["spec", "topologySpreadConstraints"])

# anti_affinity_terms(template) are the podAntiAffinity terms of a pod
# template: the required ones, and the podAffinityTerm of the preferred ones.
anti_affinity_terms(template) := array.concat(
	array_at(template, ["spec", "affinity", "podAntiAffinity", "requiredDuringSchedulingIgnoredDuringExecution"]),
	[weighted.podAffinityTerm |
		some weighted in array_at(template, ["spec", "affinity", "podAntiAffinity", "preferredDuringSchedulingIgnoredDuringExecution"])
	],
)

array_at(obj, path) := value if {
	value := object.get(obj, path, [])
	is_array(value)
} else := []

# spreads(template) is true when the pod template sets a
# topologySpreadConstraint or a podAntiAffinity term.
spreads(template) if count(spread_constraints(template)) > 0

spreads(template) if count(anti_affinity_terms(template)) > 0

# topology_keys(template) are the topology keys the pod template's spread
# constraints and podAntiAffinity terms spread over.
topology_keys(template) := {key |
	some term in array.concat(spread_constraints(template), anti_affinity_terms(template))
	key := term.topologyKey
	is_string(key)
}

# replicas_text(n) is n replicas in words: "1 replica", "3 replicas".
replicas_text(n) := "1 replica" if {
	n == 1
} else := sprintf("%v replicas", [n])
