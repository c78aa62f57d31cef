# METADATA
# title: Memory limit without headroom
# description: >-
#   A container or initContainer sets limits.memory below minRatio times
#   requests.memory. That includes a limit equal to the request, and a limit
#   with no request at all, which Kubernetes turns into request = limit. The
#   request is what the container needs in steady state; the limit is where
#   the kernel OOM-kills it. With no room between the two, the first spike
#   (a traffic burst, a garbage collection, a cache warming up, a large
#   response) is an OOMKill, and the restarts that follow shed load onto the
#   other replicas, which then spike and die the same way. A limit below the
#   request is request-exceeds-limit's finding (the API server rejects it),
#   not this rule's.
# custom:
#   id: memory-limit-no-headroom
#   severity: medium
#   profile: baseline
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, Rollout]
#   version: 1.1.0
#   parameters:
#     minRatio:
#       type: number
#       default: 1.5
#       description: The smallest limits.memory / requests.memory accepted.
#   remediation: >-
#     Set requests.memory to the steady-state working set (for example the p95
#     of container_memory_working_set_bytes) and limits.memory to at least
#     minRatio times that request (1.5x by default), sized from the observed
#     peak.
package prodready.rules.memory_limit_no_headroom

import data.lib.prodready.resources
import data.lib.prodready.review
import data.lib.prodready.workload

findings contains {"msg": msg, "container": container.name, "field": ["resources", "limits", "memory"]} if {
	some container in workload.all_containers
	resources.has_limit(container, "memory")
	min_ratio := review.param("memory-limit-no-headroom", "minRatio")
	is_number(min_ratio)
	limit := resources.limit(container, "memory")
	request := resources.request(container, "memory")
	request > 0
	limit >= request
	limit < min_ratio * request
	ratio := ratio_text(limit, request)
	msg := message(container, ratio, min_ratio)
}

message(container, ratio, min_ratio) := sprintf(
	"%s memory limit %v is %sx its request %v; below %vx, a spike past the request is OOMKilled instead of absorbed: raise limits.memory to at least %vx the request",
	[resources.label(container), container.resources.limits.memory, ratio, container.resources.requests.memory, min_ratio, min_ratio],
) if resources.has_request(container, "memory")

message(container, ratio, min_ratio) := sprintf(
	"%s memory limit %v is %sx its request (no requests.memory, so Kubernetes sets the request to the limit); below %vx, a spike past the request is OOMKilled instead of absorbed: set requests.memory to the steady-state working set and limits.memory to at least %vx that",
	[resources.label(container), container.resources.limits.memory, ratio, min_ratio, min_ratio],
) if not resources.has_request(container, "memory")

# ratio_text is limit / request rounded down to one decimal ("1.0", "1.4"),
# so the ratio shown is never at or above the minimum it falls short of.
ratio_text(limit, request) := sprintf("%d.%d", [floor(tenths / 10), tenths % 10]) if {
	tenths := floor((limit * 10) / request)
}
