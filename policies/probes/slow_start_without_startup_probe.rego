# METADATA
# title: Slow start handled with a liveness delay
# description: >-
#   A container's livenessProbe waits initialDelaySeconds >= maxInitialDelay
#   before its first check, and the container has no startupProbe. A long
#   initial delay is the usual way to keep liveness from killing a slow boot,
#   and it fails both ways: the delay applies to every start, so after each
#   restart a container that hangs goes unnoticed for the whole delay, and
#   the boot that is slower than the delay (cold caches, a crowded node,
#   migrations) is killed anyway and loops in CrashLoopBackOff. A startup
#   probe gives the boot its own budget, checks it often, and hands over to
#   a liveness probe that can then be quick.
# custom:
#   id: slow-start-without-startup-probe
#   severity: medium
#   profile: baseline
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Rollout]
#   version: 1.0.0
#   parameters:
#     maxInitialDelay:
#       type: number
#       default: 60
#       description: The liveness initialDelaySeconds (seconds) from which a startupProbe is required instead.
#   remediation: >-
#     Add a startupProbe on the liveness endpoint with failureThreshold x
#     periodSeconds covering the slowest boot (for example periodSeconds 5,
#     failureThreshold 36 for up to 180s) and drop the livenessProbe's
#     initialDelaySeconds to 0 or a few seconds.
package prodready.rules.slow_start_without_startup_probe

import data.lib.prodready.probes
import data.lib.prodready.review

findings contains {"msg": msg, "container": container.name} if {
	some container in probes.containers
	probes.has(container, "livenessProbe")
	not probes.has(container, "startupProbe")
	delay := probes.setting(container.livenessProbe, "initialDelaySeconds")
	max_delay := review.param("slow-start-without-startup-probe", "maxInitialDelay")
	delay >= max_delay
	msg := sprintf("container %q liveness probe waits initialDelaySeconds %vs (>= %vs) and there is no startupProbe: after every restart a hang goes unnoticed for %vs, and a boot slower than that is killed anyway; add a startupProbe covering the slowest boot and drop initialDelaySeconds", [container.name, delay, max_delay, delay])
}
