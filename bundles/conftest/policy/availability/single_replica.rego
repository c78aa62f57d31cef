# METADATA
# title: Single replica
# description: |
#   A Deployment, StatefulSet or Argo Rollout whose effective minimum
#   replicas is below minReplicas (2 by default): the minReplicas of an
#   HorizontalPodAutoscaler, or the minReplicaCount of a KEDA ScaledObject,
#   targeting it (the lowest when several do), else spec.replicas (unset = 1).
#   With one replica every routine event is an outage: a rollout that
#   replaces the pod, a node drain or upgrade that evicts it, a crash or an
#   OOMKill, a node failure. A PodDisruptionBudget cannot help either: it
#   either blocks the drain or lets the only pod go (incident 3). A
#   workload that a ScaledObject may scale to zero (minReplicaCount 0, KEDA's
#   default) is a deliberate scale-to-zero consumer and is not reported.
# custom:
#   id: single-replica
#   severity: medium
#   profile: baseline
#   kinds: [Deployment, StatefulSet, Rollout]
#   version: 1.0.0
#   parameters:
#     minReplicas:
#       type: integer
#       default: 2
#       description: The smallest effective minimum replicas accepted.
#   remediation: |
#     Run at least two replicas: set spec.replicas to 2 or more, or, when an
#     HorizontalPodAutoscaler or ScaledObject scales the workload, raise its
#     minReplicas (minReplicaCount) to 2 or more. Spread the replicas across
#     zones with a topologySpreadConstraint and protect them with a
#     PodDisruptionBudget (maxUnavailable: 1). A queue consumer that may sit
#     idle can instead scale to zero with a ScaledObject (minReplicaCount 0).
package prodready.rules.single_replica

import data.lib.prodready.availability
import data.lib.prodready.review
import data.lib.prodready.scaling
import data.lib.prodready.workload

kinds := {"Deployment", "StatefulSet", "Rollout"}

findings contains {"msg": msg, "field": ["spec", "replicas"]} if {
	obj := review.object
	workload.workload(obj)
	obj.kind in kinds
	not availability.scales_to_zero(obj)
	min_replicas := review.param("single-replica", "minReplicas")
	replicas := scaling.min_replicas(obj)
	is_number(replicas)
	replicas < min_replicas
	msg := sprintf("%s %q runs as few as %s (%s), fewer than the %v required: every rollout, node drain, eviction or crash of that pod is downtime; run at least %v replicas (spec.replicas, or the autoscaler's minimum), spread across zones, with a PodDisruptionBudget", [obj.kind, obj.metadata.name, availability.replicas_text(replicas), availability.min_replicas_source(obj), min_replicas, min_replicas])
}
