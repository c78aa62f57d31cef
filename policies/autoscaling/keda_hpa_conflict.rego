# METADATA
# title: KEDA ScaledObject and HPA scale the same workload
# description: |
#   A HorizontalPodAutoscaler and a KEDA ScaledObject of the same namespace
#   target the same workload (kind and name; a ScaledObject's kind defaults
#   to Deployment). KEDA scales through an HPA of its own (keda-hpa-<name>),
#   so two HPAs now set the replica count of one workload from different
#   metrics: each overwrites the other's count every 15 seconds, replicas
#   swing between the two answers, pods are created and killed for nothing,
#   and a scale-to-zero consumer is woken up or shut down at random. The HPA
#   that KEDA made for a ScaledObject (ownerReferences kind ScaledObject) is
#   KEDA's own and never conflicts. The workload itself need not be in the
#   input: the two autoscalers name it. Several ScaledObjects on one
#   workload are named in one finding.
# custom:
#   id: keda-hpa-conflict
#   severity: high
#   profile: baseline
#   kinds: [HorizontalPodAutoscaler]
#   version: 1.1.0
#   remediation: |
#     Keep one autoscaler per workload: delete the HorizontalPodAutoscaler
#     and move its metrics into the ScaledObject's triggers (KEDA has cpu and
#     memory triggers, and takes minReplicaCount/maxReplicaCount and
#     advanced.horizontalPodAutoscalerConfig.behavior), or delete the
#     ScaledObject. To hand an existing HPA over to KEDA, use the
#     ScaledObject annotation scaledobject.keda.sh/transfer-hpa-ownership and
#     then remove the HPA from the manifests.
package prodready.rules.keda_hpa_conflict

import data.lib.prodready.autoscaling
import data.lib.prodready.review
import data.lib.prodready.scaling

findings contains {"msg": msg} if {
	hpa := review.object
	autoscaling.user_hpa(hpa)
	names := {sprintf("%q", [so.metadata.name]) | some so in scaling.scaled_objects(autoscaling.target_stub(hpa))}
	count(names) > 0
	msg := sprintf("HorizontalPodAutoscaler and KEDA %s %s both scale %s: KEDA scales through an HPA of its own, so two HPAs overwrite each other's replica count and the workload swings between their answers; keep one, for example move this HPA's metrics into the ScaledObject's triggers and delete it", [scaled_objects_text(names), concat(" and ", sort(names)), autoscaling.describe_target(hpa)])
}

scaled_objects_text(names) := "ScaledObject" if count(names) == 1
else := "ScaledObjects"
