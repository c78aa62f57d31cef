# METADATA
# title: HPA minimum equals maximum
# description: >-
#   A HorizontalPodAutoscaler's minReplicas (unset = 1) equals its
#   maxReplicas. The HPA can then never change the replica count: the
#   workload looks autoscaled in review and on dashboards, yet a traffic
#   spike finds it at the same fixed size, saturated, with nothing coming to
#   help, while the team believes capacity follows load. It is usually left
#   over from pinning the count during an incident or a load test, or from a
#   Helm values file that sets both to the same number. The HPA that KEDA
#   makes for a ScaledObject is not checked here: its range comes from the
#   ScaledObject.
# custom:
#   id: hpa-min-equals-max
#   severity: low
#   profile: baseline
#   kinds: [HorizontalPodAutoscaler]
#   version: 1.0.0
#   remediation: >-
#     Raise maxReplicas to the count the workload may need at peak (sized from
#     load tests, within the namespace's quota), keeping minReplicas as the
#     floor. If the count is meant to be fixed, delete the HPA and set
#     spec.replicas on the workload instead.
package prodready.rules.hpa_min_equals_max

import data.lib.prodready.autoscaling
import data.lib.prodready.review
import data.lib.prodready.scaling

findings contains {"msg": msg, "field": ["spec", "maxReplicas"]} if {
	hpa := review.object
	autoscaling.user_hpa(hpa)
	maximum := hpa.spec.maxReplicas
	is_number(maximum)
	autoscaling.min_replicas(hpa) == maximum
	msg := sprintf("HorizontalPodAutoscaler keeps %s at exactly %s (%s, maxReplicas %v): it can never scale, so a traffic spike finds the workload at the same size while it looks autoscaled; raise maxReplicas to the peak count it may need, or delete the HPA and set spec.replicas", [autoscaling.target_text(hpa), scaling.replicas_text(maximum), autoscaling.min_replicas_text(hpa), maximum])
}
