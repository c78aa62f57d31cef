# METADATA
# title: Probe timeout not below its period
# description: |
#   A liveness, readiness or startup probe has timeoutSeconds >= periodSeconds
#   (unset: 1 and 10). The kubelet runs one check at a time, so a check that
#   hangs until its timeout leaves no gap before the next: the probe runs
#   back to back against a struggling endpoint, adds load exactly when the
#   container is slow, and a hang takes failureThreshold x timeoutSeconds to
#   detect rather than the failureThreshold x periodSeconds the manifest
#   suggests. Usually a typo or a timeout raised to silence flapping, which
#   hides the slowness instead of handling it.
# custom:
#   id: probe-timeout-exceeds-period
#   severity: low
#   profile: baseline
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Rollout]
#   version: 1.0.0
#   remediation: |
#     Set timeoutSeconds well below periodSeconds (for example timeoutSeconds
#     2 with periodSeconds 10). If the endpoint is legitimately slow, make it
#     cheaper, or tolerate more misses with failureThreshold, rather than
#     waiting longer for each check.
package prodready.rules.probe_timeout_exceeds_period

import data.lib.prodready.probes

findings contains {"msg": msg, "container": container.name, "field": [field, "timeoutSeconds"]} if {
	some container in probes.containers
	some field, name in probes.names
	probes.has(container, field)
	probe := container[field]
	timeout := probes.setting(probe, "timeoutSeconds")
	period := probes.setting(probe, "periodSeconds")
	timeout >= period
	threshold := probes.setting(probe, "failureThreshold")
	msg := sprintf("container %q %s probe has timeoutSeconds %v >= periodSeconds %v: a check that hangs leaves no gap before the next, so the probe runs back to back and a hang takes %v x %vs = %vs to detect; set timeoutSeconds below periodSeconds", [container.name, name, timeout, period, threshold, timeout, threshold * timeout])
}
