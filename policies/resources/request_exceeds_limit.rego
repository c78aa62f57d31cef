# METADATA
# title: Request greater than its limit
# description: >-
#   A container or initContainer writes requests.cpu or requests.memory
#   greater than its limit of the same resource (compared as quantities:
#   1Gi is more than 1000Mi, and 64Mi more than 64M). Kubernetes validates
#   every container of a pod template that way, so the API server rejects
#   the whole object and the apply fails: the rollout that raised a request
#   after an OOMKill, or the chart whose values override the request but
#   not the limit, never reaches the cluster, and the pipeline fails at
#   deploy time, often in one environment only, where the values differ. A
#   limit with no request, or a request equal to its limit, is valid.
#   Messages show memory in bytes when one side is written in binary units
#   (Mi) and the other not (M).
# custom:
#   id: request-exceeds-limit
#   severity: high
#   profile: baseline
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, Rollout]
#   version: 1.0.0
#   remediation: >-
#     Decide which of the two is right. If the request was raised because
#     the container needs more, raise the limit with it (memory: at least
#     1.5x the request, as memory-limit-no-headroom checks; CPU: consider no
#     limit at all). If the limit is the intended ceiling, lower the
#     request to at most the limit. In a Helm chart, set both from the same
#     values so that an override cannot move one without the other.
package prodready.rules.request_exceeds_limit

import data.lib.prodready.quantity
import data.lib.prodready.resources
import data.lib.prodready.review
import data.lib.prodready.workload

findings contains {"msg": msg, "container": container.name, "field": field(exceeded)} if {
	some container in workload.all_containers
	exceeded := [resource |
		some resource in ["cpu", "memory"]
		resources.exceeds_limit(container, resource)
	]
	count(exceeded) > 0
	msg := sprintf("%s has %s: the API server rejects the %s (a request may not exceed its limit), so the apply fails; %s", [resources.label(container), concat(" and ", [comparison(container, r) | some r in exceeded]), review.kind, advice(container, exceeded)])
}

# field points at the request that is too large, or at the requests when both are.
field(exceeded) := ["resources", "requests", exceeded[0]] if count(exceeded) == 1

else := ["resources", "requests"]

comparison(container, resource) := sprintf("requests.%s %v%s above limits.%s %v%s", [
	resource, request, bytes_text(resource, request, request, limit),
	resource, limit, bytes_text(resource, limit, request, limit),
]) if {
	request := container.resources.requests[resource]
	limit := container.resources.limits[resource]
}

# bytes_text(resource, value, request, limit) shows a memory quantity in
# bytes when one of the request and the limit is written in binary units and
# the other not, where the order is not plain to see (64Mi is 67108864
# bytes, more than 64M's 64000000).
bytes_text(resource, value, request, limit) := sprintf(" (%s bytes)", [format_int(quantity.parse(value), 10)]) if {
	resource == "memory"
	binary(request) != binary(limit)
} else := ""

# binary(q) is true for a quantity written with a binary suffix (Ki, Mi,
# Gi...), false otherwise.
binary(q) if {
	is_string(q)
	regex.match(`[KMGTPE]i\s*$`, q)
} else := false

advice(container, exceeded) := sprintf("lower requests.%s to at most %v, or raise the limit", [r, container.resources.limits[r]]) if {
	[r] := exceeded
} else := sprintf("lower %s, or raise the limits", [concat(" and ", [sprintf("requests.%s to at most %v", [r, container.resources.limits[r]]) | some r in exceeded])])
