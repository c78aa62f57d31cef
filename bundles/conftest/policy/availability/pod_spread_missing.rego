# METADATA
# title: Replicas not spread
# description: >-
#   A workload with an effective minimum of two replicas or more (the
#   minReplicas of an HorizontalPodAutoscaler or minReplicaCount of a KEDA
#   ScaledObject targeting it, else spec.replicas) whose pod template sets
#   neither topologySpreadConstraints nor podAntiAffinity. The scheduler's
#   built-in spreading is only a weak preference that resource scoring
#   easily outweighs, so the replicas often end up on the same node or in
#   the same zone: one node drain, node failure or zone outage then takes
#   every replica down at once, and the redundancy the replica count
#   promised was never there (incident 3, the node drain outage). Checked
#   on Deployments, StatefulSets, ReplicaSets, ReplicationControllers and
#   Argo Rollouts; a Rollout with spec.workloadRef is judged on the pod
#   template of the Deployment it references (when in the input), and that
#   Deployment is not judged on its own (Argo scales it). A workload with an
#   explicit spec.replicas: 0 is scaled down on purpose and not reported.
# custom:
#   id: pod-spread-missing
#   severity: medium
#   profile: baseline
#   kinds: [Deployment, StatefulSet, ReplicaSet, ReplicationController, Rollout]
#   version: 2.0.0
#   remediation: >-
#     Add a topologySpreadConstraint to the pod template with topologyKey
#     topology.kubernetes.io/zone, maxSkew 1, whenUnsatisfiable
#     ScheduleAnyway (pods still schedule when a zone is full or down) and a
#     labelSelector matching the template's own labels (the matchLabels of
#     spec.selector). Add a second one on kubernetes.io/hostname to keep the
#     replicas of a zone on different nodes, or use a preferred
#     podAntiAffinity term on the same labels instead.
package prodready.rules.pod_spread_missing

import data.lib.prodready.availability
import data.lib.prodready.pods
import data.lib.prodready.review
import data.lib.prodready.scaling

findings contains {"msg": msg} if {
	obj := review.object
	scaling.replicated(obj)
	replicas := scaling.min_replicas(obj)
	is_number(replicas)
	replicas >= 2
	not availability.spreads(pods.template(obj))
	msg := sprintf("%s %q runs at least %s (%s) but sets neither topologySpreadConstraints nor podAntiAffinity: the scheduler may put them all on one node or in one zone, and a single drain or outage takes every replica down; add a topologySpreadConstraint on %s whose labelSelector matches the pod labels", [obj.kind, obj.metadata.name, scaling.replicas_text(replicas), scaling.min_replicas_source(obj), availability.zone_key])
}
