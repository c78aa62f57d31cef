# METADATA
# title: Liveness probe too aggressive
# description: >-
#   A livenessProbe gives up after failureThreshold x periodSeconds (unset: 3
#   and 10) < minWindowSeconds. A healthy process regularly stops answering
#   for a few seconds: a stop-the-world garbage collection, a burst of slow
#   requests holding every worker, CPU contention on a busy node. A liveness
#   window shorter than such a pause restarts healthy containers, and under
#   load, when pauses are longest, it restarts many at once, dropping their
#   in-flight requests and pushing their traffic onto the survivors, which
#   then pause too: restart cascades that look like an outage of the app.
# custom:
#   id: liveness-too-aggressive
#   severity: medium
#   profile: baseline
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Rollout]
#   version: 1.0.0
#   parameters:
#     minWindowSeconds:
#       type: number
#       default: 10
#       description: The shortest liveness failureThreshold x periodSeconds (seconds) accepted.
#   remediation: >-
#     Raise failureThreshold or periodSeconds so that failureThreshold x
#     periodSeconds covers the longest pause a healthy process has (at least
#     minWindowSeconds; for example periodSeconds 10, failureThreshold 3).
#     Quick detection of unready replicas is readiness's job, not liveness's.
package prodready.rules.liveness_too_aggressive

import data.lib.prodready.probes
import data.lib.prodready.review

findings contains {"msg": msg, "container": container.name, "field": ["livenessProbe"]} if {
	some container in probes.containers
	probes.has(container, "livenessProbe")
	threshold := probes.setting(container.livenessProbe, "failureThreshold")
	period := probes.setting(container.livenessProbe, "periodSeconds")
	min_window := review.param("liveness-too-aggressive", "minWindowSeconds")
	threshold * period < min_window
	msg := sprintf("container %q liveness probe gives up after %v x %vs = %vs, under %vs: a GC pause or a slow request restarts it; raise failureThreshold or periodSeconds", [container.name, threshold, period, threshold * period, min_window])
}
