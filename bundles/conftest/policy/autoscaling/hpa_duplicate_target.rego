# METADATA
# title: Two HPAs scale one workload
# description: >-
#   Two or more HorizontalPodAutoscalers of a namespace target the same
#   kind and name (the apiVersion of their scaleTargetRef aside). Each
#   computes its own replica count from its own metrics for the same pods.
#   The HPA controller of current Kubernetes versions detects the overlap
#   and stops every one of them (condition ScalingActive False, reason
#   AmbiguousSelector): the workload no longer scales at all and stays at
#   its current count through the next peak. Older versions let each write
#   its count to the workload's scale subresource in turn, so the count
#   flaps between their answers and pods are created and killed for
#   nothing. Usually one HPA per metric was written, or a chart's HPA was
#   added next to an existing one. Reported on each of them, naming the
#   others. The HPA that KEDA made for a ScaledObject is keda-hpa-conflict's
#   concern, not this rule's.
# custom:
#   id: hpa-duplicate-target
#   severity: high
#   profile: baseline
#   kinds: [HorizontalPodAutoscaler]
#   version: 1.0.0
#   remediation: >-
#     Keep one HorizontalPodAutoscaler per workload and give it every metric
#     (spec.metrics takes several: the HPA scales to the highest replica
#     count any of them asks for), with one minReplicas, maxReplicas and
#     behavior. Delete the others.
package prodready.rules.hpa_duplicate_target

import data.lib.prodready.autoscaling
import data.lib.prodready.review
import data.lib.prodready.scaling
import data.lib.prodready.text

findings contains {"msg": msg, "field": ["spec", "scaleTargetRef"]} if {
	hpa := review.object
	autoscaling.user_hpa(hpa)
	others := {other.metadata.name |
		some other in scaling.hpas(autoscaling.target_stub(hpa))
		autoscaling.user_hpa(other)
		other.metadata.name != hpa.metadata.name
	}
	count(others) > 0
	msg := message(others, autoscaling.describe_target(hpa))
}

message(others, target) := sprintf("HorizontalPodAutoscaler %q also scales %s: the HPA controller stops both (ScalingActive False, reason AmbiguousSelector) and the workload no longer scales at all (older Kubernetes versions let each overwrite the other's replica count, which flaps); keep one HPA with the metrics of both in its spec.metrics, and delete the other", [name, target]) if {
	count(others) == 1
	some name in others
}

message(others, target) := sprintf("HorizontalPodAutoscalers %s also scale %s: the HPA controller stops all of them (ScalingActive False, reason AmbiguousSelector) and the workload no longer scales at all (older Kubernetes versions let each overwrite the others' replica count, which flaps); keep one HPA with the metrics of all of them in its spec.metrics, and delete the others", [text.quoted(others), target]) if {
	count(others) > 1
}
