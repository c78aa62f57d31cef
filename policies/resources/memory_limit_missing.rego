# METADATA
# title: Memory limit missing
# description: >-
#   A container has no limits.memory and no LimitRange of its namespace gives
#   it a default one. Nothing then bounds its memory but the node: a leak or a
#   runaway cache grows until the node runs short, and the kubelet evicts, or
#   the kernel OOM-kills, whatever it picks, often a neighbour that stayed
#   within its request. A limit confines the damage to the container that
#   misbehaves. A LimitRange in the same namespace (among the objects given)
#   whose Container item sets default.memory, or max.memory, which Kubernetes
#   copies into default when default is unset, fills the limit in at admission,
#   so the container is not reported. initContainers are left to
#   memory-request-missing: they run to completion before the app starts.
# custom:
#   id: memory-limit-missing
#   severity: medium
#   profile: baseline
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, Rollout]
#   version: 1.0.1
#   remediation: >-
#     Set resources.limits.memory with headroom above the request: at least
#     1.5x requests.memory (what memory-limit-no-headroom checks), sized from
#     the container's peak working set. Or give the namespace a LimitRange
#     with a Container default memory limit.
package prodready.rules.memory_limit_missing

import data.lib.prodready.inventory
import data.lib.prodready.resources
import data.lib.prodready.review
import data.lib.prodready.workload

findings contains {"msg": msg, "container": container.name, "field": ["resources"]} if {
	some container in workload.containers
	not resources.has_limit(container, "memory")
	not limit_range_default
	msg := sprintf("container %q has no memory limit%s: a leak or spike grows until the node runs short of memory and the kubelet evicts, or the kernel OOM-kills, pods that stayed within their requests; %s", [container.name, request_text(container), advice(container)])
}

request_text(container) := sprintf(" (request %v)", [container.resources.requests.memory]) if {
	resources.has_request(container, "memory")
}

request_text(container) := "" if not resources.has_request(container, "memory")

advice(container) := "set resources.limits.memory to at least 1.5x the request" if {
	resources.has_request(container, "memory")
} else := "set resources.requests.memory to its steady-state working set and resources.limits.memory to at least 1.5x that"

# limit_range_default is true when a LimitRange of the workload's namespace
# gives containers a default memory limit. Kubernetes defaults a Container
# item's default.memory to its max.memory when only max is set.
limit_range_default if {
	some limit_range in inventory.namespaced(review.namespace, "LimitRange")
	some item in limit_range.spec.limits
	item.type == "Container"
	some field in ["default", "max"]
	item[field].memory != null
}
