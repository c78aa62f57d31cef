# METADATA
# title: KEDA ScaledObject and HPA scale the same workload
# description: >-
#   A HorizontalPodAutoscaler and a KEDA ScaledObject of the same namespace
#   target the same workload (kind and name; a ScaledObject's kind defaults
#   to Deployment). KEDA scales through an HPA of its own (keda-hpa-<name>),
#   so two HPAs now compute a replica count for the same pods from different
#   metrics. The HPA controller of current Kubernetes versions detects the
#   overlap and stops both (condition ScalingActive False, reason
#   AmbiguousSelector): the workload no longer scales at all, and a
#   scale-to-zero consumer stays where it was whatever its queue holds.
#   Older versions let each overwrite the other's count every 15 seconds:
#   replicas swing between the two answers and pods are created and killed
#   for nothing. The HPA that KEDA made for a ScaledObject (ownerReferences
#   kind ScaledObject) is KEDA's own and never conflicts. The workload
#   itself need not be in the input: the two autoscalers name it. Several
#   ScaledObjects on one workload are named in one finding.
# custom:
#   id: keda-hpa-conflict
#   severity: high
#   profile: baseline
#   kinds: [HorizontalPodAutoscaler]
#   version: 1.1.0
#   remediation: >-
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
import data.lib.prodready.text

findings contains {"msg": msg} if {
	hpa := review.object
	autoscaling.user_hpa(hpa)
	scaled_objects := scaling.scaled_objects(autoscaling.target_stub(hpa))
	count(scaled_objects) > 0
	msg := message(scaled_objects, autoscaling.describe_target(hpa))
}

message(scaled_objects, target) := sprintf("KEDA ScaledObject %q also scales %s, through an HPA of its own (%s): with two HPAs on the same pods, the HPA controller stops both (ScalingActive False, reason AmbiguousSelector) and the workload no longer scales at all (older Kubernetes versions let each overwrite the other's replica count, which swings between their answers); keep one autoscaler, for example move this HPA's metrics into the ScaledObject's triggers and delete this HPA", [so.metadata.name, target, keda_hpa_name(so)]) if {
	count(scaled_objects) == 1
	some so in scaled_objects
}

message(scaled_objects, target) := sprintf("KEDA ScaledObjects %s also scale %s, each through an HPA of its own: with several HPAs on the same pods, the HPA controller stops all of them (ScalingActive False, reason AmbiguousSelector) and the workload no longer scales at all (older Kubernetes versions let each overwrite the others' replica count, which swings between their answers); keep one autoscaler, for example move this HPA's metrics into one ScaledObject's triggers and delete this HPA and the other ScaledObjects", [text.quoted({so.metadata.name | some so in scaled_objects}), target]) if {
	count(scaled_objects) > 1
}

# keda_hpa_name(so) is the name of the HPA KEDA makes for ScaledObject so.
keda_hpa_name(so) := so.spec.advanced.horizontalPodAutoscalerConfig.name if {
	is_string(so.spec.advanced.horizontalPodAutoscalerConfig.name)
	so.spec.advanced.horizontalPodAutoscalerConfig.name != ""
} else := sprintf("keda-hpa-%s", [so.metadata.name])
