# METADATA
# title: Two HPAs scale one workload
# description: |
#   Two or more HorizontalPodAutoscalers of a namespace target the same
#   kind and name. Each computes its own replica count from its own metrics
#   and writes it to the workload's scale subresource, so they overwrite
#   each other every sync period: the count flaps between their answers,
#   pods are created and killed for nothing, and neither HPA's minimum or
#   maximum holds (recent Kubernetes versions detect the overlap and stop
#   scaling the workload at all, condition AmbiguousSelector). Usually one
#   HPA per metric was written, or a chart's HPA was added next to an
#   existing one. Reported on each of them, naming the others. The HPA that
#   KEDA made for a ScaledObject is keda-hpa-conflict's concern.
# custom:
#   id: hpa-duplicate-target
#   severity: high
#   profile: baseline
#   kinds: [HorizontalPodAutoscaler]
#   version: 1.0.0
#   remediation: |
#     Keep one HorizontalPodAutoscaler per workload and give it every metric
#     (spec.metrics takes several: the HPA scales to the highest replica
#     count any of them asks for), with one minReplicas, maxReplicas and
#     behavior. Delete the others.
package prodready.rules.hpa_duplicate_target

import data.lib.prodready.autoscaling
import data.lib.prodready.review
import data.lib.prodready.scaling

findings contains {"msg": msg, "field": ["spec", "scaleTargetRef"]} if {
	hpa := review.object
	autoscaling.user_hpa(hpa)
	others := {sprintf("%q", [other.metadata.name]) |
		some other in scaling.hpas(autoscaling.target_stub(hpa))
		autoscaling.user_hpa(other)
		other.metadata.name != hpa.metadata.name
	}
	count(others) > 0
	msg := sprintf("%s %s also %s %s: each computes its own replica count and overwrites the other's, so the count flaps between their answers (recent Kubernetes versions stop scaling it at all); keep one HPA with every metric in its spec.metrics and delete the others", [noun(others), concat(", ", sort(others)), verb(others), autoscaling.describe_target(hpa)])
}

noun(others) := "HorizontalPodAutoscaler" if count(others) == 1
else := "HorizontalPodAutoscalers"

verb(others) := "scales" if count(others) == 1
else := "scale"
