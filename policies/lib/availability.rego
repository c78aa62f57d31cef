# METADATA
# title: Availability and scheduling
# description: >-
#   What the availability rules share: whether a KEDA ScaledObject may scale
#   a workload to zero, and how a pod
#   template spreads its pods (topologySpreadConstraints and podAntiAffinity
#   terms, and the topology keys they spread over).
package lib.prodready.availability

import data.lib.prodready.scaling

# zone_key is the well-known node label of the zone a node runs in.
zone_key := "topology.kubernetes.io/zone"

# scales_to_zero(obj) is true when a KEDA ScaledObject targeting obj may
# scale it to zero (minReplicaCount 0, the KEDA default when unset).
scales_to_zero(obj) if {
	some so in scaling.scaled_objects(obj)
	object.get(so, ["spec", "minReplicaCount"], 0) == 0
}

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
