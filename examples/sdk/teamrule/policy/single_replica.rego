# METADATA
# title: Too few replicas for the workload's tier
# description: |
#   Acme's override of the built-in single-replica rule. A Deployment,
#   StatefulSet or Argo Rollout runs at least minReplicas replicas, as the
#   built-in rule asks, and one labelled acme.dev/tier: critical at least
#   one replica per zone of the region (the zones parameter), so that it
#   serves from every zone and a zone outage costs it no more than that
#   zone's share of its capacity. The effective minimum is the built-in
#   rule's: an HPA's minReplicas or a ScaledObject's minReplicaCount when one
#   targets the workload, else spec.replicas (unset = 1). A workload scaled
#   to zero on purpose is not reported; unlike the built-in rule, a
#   leader-elected controller is: Acme keeps a standby ready to take over.
# custom:
#   id: single-replica
#   severity: high
#   profile: baseline
#   kinds: [Deployment, StatefulSet, Rollout]
#   version: 1.1.0-acme.1
#   parameters:
#     minReplicas:
#       type: integer
#       default: 2
#       description: The smallest effective minimum replicas of any workload.
#     zones:
#       type: integer
#       default: 2
#       description: How many zones the region has, the minimum of a critical workload.
#   remediation: |
#     Raise spec.replicas (or the autoscaler's minimum) to minReplicas or
#     more, and to one replica per zone or more for a workload labelled
#     acme.dev/tier: critical; spread the replicas across zones with a
#     topologySpreadConstraint on topology.kubernetes.io/zone.
package prodready.rules.single_replica

import data.lib.prodready.availability
import data.lib.prodready.review
import data.lib.prodready.scaling

# The message does not name the object (the finding does), so that an
# object still without a name (generateName) is reported too.
findings contains {"msg": msg, "field": ["spec", "replicas"]} if {
	obj := review.object
	scaling.replicated(obj)
	not availability.scales_to_zero(obj)
	replicas := scaling.min_replicas(obj)
	replicas < required
	msg := sprintf("runs as few as %s (%s), fewer than the %v %s; raise that to %v or more", [scaling.replicas_text(replicas), scaling.min_replicas_source(obj), required, requirement, required])
}

critical if review.labels["acme.dev/tier"] == "critical"

required := review.param("single-replica", "zones") if {
	critical
} else := review.param("single-replica", "minReplicas")

requirement := "Acme requires of a critical workload (acme.dev/tier: critical), one replica per zone of the region" if {
	critical
} else := "Acme requires of every workload"
