# METADATA
# title: spec.replicas set on an autoscaled workload
# description: >-
#   A workload sets spec.replicas while an HorizontalPodAutoscaler or a KEDA
#   ScaledObject of its namespace targets it (scaleTargetRef kind and name).
#   The autoscaler owns the replica count: every kubectl apply, helm upgrade
#   or GitOps sync of the manifest resets it to the written value, so a
#   deploy during a traffic peak scales a workload that had grown to 20
#   replicas back to 3 until the autoscaler reacts again, minutes later, and
#   a GitOps controller may fight the autoscaler on every sync. Leaving
#   spec.replicas out keeps the live count on apply (a new Deployment then
#   starts with 1 and the autoscaler raises it to its minimum). An explicit
#   spec.replicas: 0 scales the workload to nothing on purpose (the HPA
#   stands still too) and is not reported.
# custom:
#   id: replicas-with-autoscaler
#   severity: low
#   profile: baseline
#   kinds: [Deployment, StatefulSet, ReplicaSet, ReplicationController, Rollout]
#   version: 1.1.0
#   remediation: >-
#     Remove spec.replicas from the workload's manifest (in a Helm chart,
#     render it only when autoscaling is disabled) and let the
#     HorizontalPodAutoscaler's minReplicas, or the ScaledObject's
#     minReplicaCount, set the floor. On a workload already running, first
#     drop the field from what the last apply recorded, or the next apply
#     removes it and the count falls to the default of 1: with client-side
#     apply, run kubectl apply edit-last-applied and delete spec.replicas
#     there; with server-side apply, follow the Kubernetes guide "Migrating
#     Deployments and StatefulSets to horizontal autoscaling".
package prodready.rules.replicas_with_autoscaler

import data.lib.prodready.disruption
import data.lib.prodready.review
import data.lib.prodready.scaling

findings contains {"msg": msg, "field": ["spec", "replicas"]} if {
	obj := review.object
	scaling.replicated(obj)
	replicas := obj.spec.replicas
	replicas != null
	scaling.autoscaled(obj)
	msg := sprintf("%s sets spec.replicas %v while %s %s it: every apply, helm upgrade or GitOps sync resets the count to %v, undoing the autoscaler (a deploy during a peak scales it back in); remove spec.replicas and let the autoscaler's minimum set the floor", [disruption.describe_workload(obj), replicas, disruption.autoscalers_text(obj), verb(obj), replicas])
}

verb(obj) := "scales" if count(disruption.autoscalers(obj)) == 1

else := "scale"
