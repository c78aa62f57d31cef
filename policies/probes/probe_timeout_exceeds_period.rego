# METADATA
# title: Probe timeout not below its period
# description: >-
#   A liveness, readiness or startup probe has timeoutSeconds >= periodSeconds
#   (unset: 1 and 10). The kubelet runs one check at a time, so a check that
#   hangs until its timeout leaves no gap before the next: the probe runs
#   back to back against a struggling endpoint, adds load exactly when the
#   container is slow, and a hang takes failureThreshold x timeoutSeconds to
#   detect rather than the failureThreshold x periodSeconds the manifest
#   suggests. Usually a typo or a timeout raised to silence flapping, which
#   hides the slowness instead of handling it. One finding per container
#   names every such probe of it.
# custom:
#   id: probe-timeout-exceeds-period
#   severity: low
#   profile: baseline
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Rollout]
#   version: 1.1.0
#   remediation: >-
#     Set timeoutSeconds well below periodSeconds (for example timeoutSeconds
#     2 with periodSeconds 10). If the endpoint is legitimately slow, make it
#     cheaper, or tolerate more misses with failureThreshold, rather than
#     waiting longer for each check.
package prodready.rules.probe_timeout_exceeds_period

import data.lib.prodready.probes
import data.lib.prodready.text

findings contains {"msg": message(container.name, slow), "container": container.name, "field": [slow[0].field, "timeoutSeconds"]} if {
	some container in probes.containers
	slow := [probe |
		some field in ["livenessProbe", "readinessProbe", "startupProbe"]
		probe := slow_probe(container, field)
	]
	count(slow) > 0
}

# slow_probe(container, field) is the container's probe field, with the
# settings the kubelet runs it with, when its timeout is not below its period.
slow_probe(container, field) := {"field": field, "name": probes.names[field], "timeout": timeout, "period": period, "threshold": threshold} if {
	probes.has(container, field)
	probe := container[field]
	timeout := probes.setting(probe, "timeoutSeconds")
	period := probes.setting(probe, "periodSeconds")
	timeout >= period
	threshold := probes.setting(probe, "failureThreshold")
}

message(name, slow) := sprintf("container %q %s probe has timeoutSeconds %v >= periodSeconds %v: a check that hangs leaves no gap before the next, so the probe runs back to back and a hang takes %s to detect; set timeoutSeconds below periodSeconds", [name, p.name, p.timeout, p.period, detection(p)]) if {
	[p] := slow
}

message(name, slow) := sprintf("container %q %s probes have timeoutSeconds >= periodSeconds (%s): a check that hangs leaves no gap before the next, so each probe runs back to back and a hang takes failureThreshold x timeoutSeconds to detect (%s); set timeoutSeconds below periodSeconds in each", [name, text.and_list([p.name | some p in slow]), concat(", ", [sprintf("%s %v >= %v", [p.name, p.timeout, p.period]) | some p in slow]), concat(", ", [sprintf("%s %s", [p.name, detection(p)]) | some p in slow])]) if {
	count(slow) > 1
}

detection(p) := sprintf("%v x %vs = %vs", [p.threshold, p.timeout, p.threshold * p.timeout])
