# METADATA
# title: HPA scale-down stabilization window too short
# description: >-
#   A HorizontalPodAutoscaler sets behavior.scaleDown.stabilizationWindowSeconds
#   below minSeconds. The window is how long the HPA remembers its earlier,
#   higher recommendations before removing pods; Kubernetes defaults it to
#   300 seconds. Shortened, the HPA removes replicas as soon as load dips
#   between two bursts and adds them back at the next one: replica counts
#   flap, every scale-in drops connections and warm caches, every scale-out
#   pays a cold start while the remaining pods are overloaded, and a
#   bursty service ends up slower with more pods churning than with a steady
#   count. An HPA whose scale-down is disabled (selectPolicy Disabled) never
#   scales in and is not reported; an unset window keeps the 300 s default.
#   The HPA that KEDA makes for a ScaledObject is not checked here: its
#   behavior comes from the ScaledObject.
# custom:
#   id: hpa-scale-down-unstable
#   severity: low
#   profile: baseline
#   kinds: [HorizontalPodAutoscaler]
#   version: 1.0.0
#   parameters:
#     minSeconds:
#       type: integer
#       default: 300
#       description: The shortest scale-down stabilization window accepted, in seconds.
#   remediation: >-
#     Set spec.behavior.scaleDown.stabilizationWindowSeconds to at least 300,
#     or remove it to keep the Kubernetes default of 300. To scale in faster
#     without flapping, keep the window and limit the pace with
#     scaleDown.policies (for example at most 20% of the pods per minute).
package prodready.rules.hpa_scale_down_unstable

import data.lib.prodready.autoscaling
import data.lib.prodready.review

findings contains {"msg": msg, "field": ["spec", "behavior", "scaleDown", "stabilizationWindowSeconds"]} if {
	hpa := review.object
	autoscaling.user_hpa(hpa)
	scale_down := hpa.spec.behavior.scaleDown
	window := scale_down.stabilizationWindowSeconds
	is_number(window)
	min_seconds := review.param("hpa-scale-down-unstable", "minSeconds")
	window < min_seconds
	not scale_down.selectPolicy == "Disabled"
	msg := sprintf("HorizontalPodAutoscaler scales %s in after a scale-down stabilization window of %vs, shorter than %vs: it removes pods as soon as load dips between bursts and adds them back at the next one, so replicas flap and every cycle pays a cold start; set behavior.scaleDown.stabilizationWindowSeconds to at least %v (the Kubernetes default is 300)", [autoscaling.target_text(hpa), window, min_seconds, min_seconds])
}
