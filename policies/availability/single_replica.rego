# METADATA
# title: Single replica
# description: >-
#   A Deployment, StatefulSet or Argo Rollout whose effective minimum
#   replicas is below minReplicas (2 by default): the minReplicas of an
#   HorizontalPodAutoscaler, or the minReplicaCount of a KEDA ScaledObject,
#   targeting it (the lowest when several do), else spec.replicas (unset = 1).
#   With one replica every routine event is an outage: a rollout that
#   replaces the pod, a node drain or upgrade that evicts it, a crash or an
#   OOMKill, a node failure. A PodDisruptionBudget cannot help either: it
#   either blocks the drain or lets the only pod go (incident 3). A
#   workload that a ScaledObject may scale to zero (minReplicaCount 0, KEDA's
#   default) is a deliberate scale-to-zero consumer and is not reported, nor
#   is one with an explicit spec.replicas: 0 (scaled down on purpose), a
#   Deployment an Argo Rollout runs through spec.workloadRef (Argo scales
#   it), or a leader-elected controller (an argument or command word of a
#   container contains leader-elect or leader-election, not set to false):
#   one replica is active by design and a second would only stand by.
#   A leader-elected controller that also serves an admission webhook (a
#   port whose name contains "webhook", or port 9443) is reported: while its
#   only pod restarts, every API write the webhook intercepts fails.
# custom:
#   id: single-replica
#   severity: medium
#   profile: baseline
#   kinds: [Deployment, StatefulSet, Rollout]
#   version: 1.1.0
#   parameters:
#     minReplicas:
#       type: integer
#       default: 2
#       description: The smallest effective minimum replicas accepted.
#   remediation: >-
#     Run at least two replicas: set spec.replicas to 2 or more, or, when an
#     HorizontalPodAutoscaler or ScaledObject scales the workload, raise its
#     minReplicas (minReplicaCount) to 2 or more. Spread the replicas across
#     zones with a topologySpreadConstraint and protect them with a
#     PodDisruptionBudget (maxUnavailable: 1). A queue consumer that may sit
#     idle can instead scale to zero with a ScaledObject (minReplicaCount 0).
package prodready.rules.single_replica

import data.lib.prodready.availability
import data.lib.prodready.pods
import data.lib.prodready.review
import data.lib.prodready.scaling
import data.lib.prodready.workload

kinds := {"Deployment", "StatefulSet", "Rollout"}

findings contains {"msg": msg, "field": ["spec", "replicas"]} if {
	obj := review.object
	obj.kind in kinds
	scaling.replicated(obj)
	not availability.scales_to_zero(obj)
	not leader_elected_without_webhook(obj)
	min_replicas := review.param("single-replica", "minReplicas")
	replicas := scaling.min_replicas(obj)
	is_number(replicas)
	replicas < min_replicas
	msg := sprintf("%s %q runs as few as %s (%s), fewer than the %v required: %s; %s", [obj.kind, obj.metadata.name, scaling.replicas_text(replicas), scaling.min_replicas_source(obj), min_replicas, consequence(obj), advice(obj, min_replicas)])
}

consequence(obj) := "it elects a leader, but every replica serves its admission webhook: while its only pod restarts or moves, every API request the webhook intercepts fails" if {
	template := pods.template(obj)
	workload.leader_elected(template)
	workload.serves_webhook(template)
} else := "every rollout, node drain, eviction or crash of that pod is downtime"

advice(obj, wanted) := sprintf("raise the autoscaler's minimum to %v or more", [wanted]) if {
	scaling.autoscaled(obj)
} else := sprintf("its pods mount %s, which more replicas of a Deployment would share (a ReadWriteOnce volume attaches to one node only): run it as a StatefulSet with volumeClaimTemplates, or as a replicated setup of its software, or exempt it with a reason if the downtime is accepted", [concat(", ", claims)]) if {
	obj.kind == "Deployment"
	claims := sort([sprintf("PersistentVolumeClaim %q", [v.persistentVolumeClaim.claimName]) |
		some v in pods.template(obj).spec.volumes
		is_string(v.persistentVolumeClaim.claimName)
	])
	count(claims) > 0
} else := sprintf("set spec.replicas to %v or more, spread across zones, with a PodDisruptionBudget", [wanted])

# leader_elected_without_webhook(obj) is true for a controller that elects a
# leader (one replica is active by design; the others would only stand by)
# and serves no admission webhook (whose every API write would fail while
# its only pod restarts).
leader_elected_without_webhook(obj) if {
	template := pods.template(obj)
	workload.leader_elected(template)
	not workload.serves_webhook(template)
}
