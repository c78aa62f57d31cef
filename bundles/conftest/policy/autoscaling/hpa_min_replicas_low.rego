# METADATA
# title: HPA minimum replicas too low
# description: >-
#   A HorizontalPodAutoscaler's minReplicas (unset = 1) is below minReplicas.
#   The HPA scales its workload down to that floor whenever load is low: at
#   night, at the weekend, after a quiet hour. One or two replicas then carry
#   the service, so a single node drain, crash or zone failure takes most or
#   all of its capacity at once, and when traffic ramps up again the HPA
#   needs minutes (metrics window, scheduling, image pull, warm-up) to add
#   pods while the few left are overloaded and fail their probes. The floor
#   is the capacity the service has when it is least expected to need more.
#   The HPA that KEDA makes for a ScaledObject is not checked here: its
#   minimum comes from the ScaledObject (a deliberate scale-to-zero consumer
#   gets minReplicas 1 from KEDA).
# custom:
#   id: hpa-min-replicas-low
#   severity: medium
#   profile: baseline
#   kinds: [HorizontalPodAutoscaler]
#   version: 1.0.1
#   parameters:
#     minReplicas:
#       type: integer
#       default: 3
#       description: The smallest HPA minReplicas accepted.
#   remediation: >-
#     Set spec.minReplicas to at least 3 (one replica per zone of a
#     three-zone cluster), so that losing a node or a zone at the quietest
#     hour leaves the service running, and spread the pods across zones with
#     a topologySpreadConstraint.
package prodready.rules.hpa_min_replicas_low

import data.lib.prodready.autoscaling
import data.lib.prodready.review
import data.lib.prodready.scaling

findings contains {"msg": msg, "field": ["spec", "minReplicas"]} if {
	hpa := review.object
	autoscaling.user_hpa(hpa)
	wanted := review.param("hpa-min-replicas-low", "minReplicas")
	minimum := autoscaling.min_replicas(hpa)
	minimum < wanted
	msg := sprintf("HorizontalPodAutoscaler scales %s down to %s when load is low (%s), fewer than the %v required: %s; set minReplicas to at least %v", [autoscaling.target_text(hpa), scaling.replicas_text(minimum), autoscaling.min_replicas_text(hpa), wanted, risk(minimum), wanted])
}

# risk(minimum) is what the floor means at the quietest hour.
risk(0) := "at the quietest hour no pod runs at all, and the first request waits for a pod to be scheduled and started"

risk(1) := "at the quietest hour one node drain, crash or zone failure takes its only pod, and it serves nothing until a new one starts"

risk(n) := sprintf("at the quietest hour one node drain, crash or zone failure takes at least 1 of its %v pods (all of them if they share a node or a zone), and the next ramp-up waits minutes for new pods", [n]) if n > 1
