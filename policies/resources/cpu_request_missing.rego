# METADATA
# title: CPU request missing
# description: >-
#   A container or initContainer has neither requests.cpu nor limits.cpu.
#   The scheduler then places the pod as if the container used no CPU, so it
#   lands on nodes that are already saturated, and under contention the kernel
#   gives it the smallest possible CPU share (2 of the 1024 a one-core request
#   gets): it starves behind every neighbour that did request CPU, and its
#   latency climbs exactly when the node is busiest.
# custom:
#   id: cpu-request-missing
#   severity: medium
#   profile: baseline
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, Rollout]
#   version: 1.0.1
#   remediation: >-
#     Set resources.requests.cpu to the container's typical usage (for example
#     the p95 of rate(container_cpu_usage_seconds_total[5m]) over a busy day).
#     For a latency-sensitive service, leave limits.cpu unset.
package prodready.rules.cpu_request_missing

import data.lib.prodready.resources
import data.lib.prodready.workload

findings contains {
	"msg": sprintf("%s has no CPU request or limit: the scheduler counts it as using no CPU and, under contention, it gets the minimum CPU share and starves; set resources.requests.cpu to its typical usage", [resources.label(container)]),
	"container": container.name,
	"field": ["resources"],
} if {
	some container in workload.all_containers
	not resources.has_request_or_limit(container, "cpu")
}
