# METADATA
# title: KEDA scale-to-zero cooldown too short
# description: >-
#   A KEDA ScaledObject that scales its workload to zero (minReplicaCount 0,
#   the KEDA default when unset, or idleReplicaCount 0) sets cooldownPeriod
#   below minSeconds. cooldownPeriod is how long KEDA waits after the last
#   active trigger before scaling to zero (300 seconds when unset). Short,
#   every pause between two bursts of work removes the last pod, and the
#   next message or request waits for a cold start (scheduling, image pull,
#   warm-up, connection setup): latency spikes, consumer-group rebalances
#   on each wake-up, and pods that start and stop all day. A ScaledObject
#   that keeps at least one replica is scaled down by its HPA behavior, not
#   by cooldownPeriod, and is not reported.
# custom:
#   id: keda-cooldown-short
#   severity: low
#   profile: baseline
#   kinds: [ScaledObject]
#   version: 1.0.1
#   parameters:
#     minSeconds:
#       type: integer
#       default: 300
#       description: The shortest cooldownPeriod accepted, in seconds, for a ScaledObject that scales to zero.
#   remediation: >-
#     Set spec.cooldownPeriod to at least 300 (the KEDA default), or longer
#     than the usual gap between bursts of work; or keep one warm replica
#     with minReplicaCount 1 if cold starts are too slow for the workload.
package prodready.rules.keda_cooldown_short

import data.lib.prodready.autoscaling
import data.lib.prodready.review

findings contains {"msg": msg} if {
	so := review.object
	autoscaling.scaled_object(so)
	zero := autoscaling.scales_to_zero_text(so)
	cooldown := so.spec.cooldownPeriod
	is_number(cooldown)
	min_seconds := review.param("keda-cooldown-short", "minSeconds")
	cooldown < min_seconds
	msg := sprintf("ScaledObject scales %s to zero (%s) %vs after its triggers go quiet (cooldownPeriod %v), sooner than %vs: every pause between bursts removes the last pod and the next burst waits for a cold start; set cooldownPeriod to at least %v", [autoscaling.target_text(so), zero, cooldown, cooldown, min_seconds, min_seconds])
}
