# METADATA
# title: Startup probe missing
# description: >-
#   A container has no startupProbe. Its liveness probe then runs from the
#   first seconds of every start, so the time a boot may take is whatever
#   initialDelaySeconds + failureThreshold x periodSeconds happens to allow.
#   The day a start is slower than usual (cold caches, a JIT warming up,
#   migrations, a crowded node after a zone failure) the kubelet kills it
#   mid-boot, again and again: a CrashLoopBackOff exactly when capacity is
#   needed. A startup probe holds liveness and readiness back until the boot
#   is done, so the slow start gets its own generous budget and liveness
#   stays quick. Noisy for containers that always start in a second, hence
#   strict only. Checked on the app containers of long-running workloads.
# custom:
#   id: startup-probe-missing
#   severity: low
#   profile: strict
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Rollout]
#   version: 1.0.0
#   remediation: >-
#     Add a startupProbe on the liveness endpoint whose failureThreshold x
#     periodSeconds covers the slowest boot you have seen, with margin (for
#     example periodSeconds 2, failureThreshold 30 for up to 60s), and keep
#     the livenessProbe's initialDelaySeconds at 0 or low.
package prodready.rules.startup_probe_missing

import data.lib.prodready.probes

findings contains {"msg": msg, "container": container.name} if {
	some container in probes.containers
	not probes.has(container, "startupProbe")
	msg := sprintf("container %q has no startupProbe: %s; add a startupProbe whose failureThreshold x periodSeconds covers the slowest boot", [container.name, consequence(container)])
}

consequence(container) := sprintf("its liveness probe kills any boot slower than about %vs + %v x %vs = %vs, so one slow start (cold caches, migrations, a busy node) becomes a restart loop", [delay, threshold, period, delay + (threshold * period)]) if {
	probe := container.livenessProbe
	is_object(probe)
	delay := probes.setting(probe, "initialDelaySeconds")
	threshold := probes.setting(probe, "failureThreshold")
	period := probes.setting(probe, "periodSeconds")
} else := "nothing tells Kubernetes when a slow boot is over, so any liveness probe must wait out the slowest start on every restart"
