# METADATA
# title: Liveness probe missing
# description: >-
#   A container has no livenessProbe. A process that deadlocks, wedges its
#   event loop or exhausts a thread pool usually stays up: without a liveness
#   probe Kubernetes only restarts containers that exit, so the replica stays
#   broken (and, without readiness, keeps receiving traffic) until a person
#   notices and deletes the pod, often hours later. Checked on the app
#   containers of long-running workloads (not Jobs, CronJobs or
#   initContainers).
# custom:
#   id: liveness-probe-missing
#   severity: medium
#   profile: baseline
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Rollout]
#   version: 1.0.0
#   remediation: >-
#     Add a livenessProbe that checks only that the process itself responds
#     (an httpGet /livez handled without touching databases or other
#     services, a grpc health service, or an exec test of a heartbeat file),
#     with a window that tolerates a pause: failureThreshold x periodSeconds
#     of at least 10s, for example periodSeconds 10, timeoutSeconds 2,
#     failureThreshold 3. Give slow starters a startupProbe rather than a long
#     initialDelaySeconds.
package prodready.rules.liveness_probe_missing

import data.lib.prodready.probes

findings contains {"msg": msg, "container": container.name} if {
	some container in probes.containers
	not probes.has(container, "livenessProbe")
	msg := sprintf("container %q has no livenessProbe: if it deadlocks or hangs while the process stays up, Kubernetes never restarts it; add a livenessProbe that checks only the process itself, not its dependencies", [container.name])
}
