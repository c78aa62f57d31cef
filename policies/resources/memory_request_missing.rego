# METADATA
# title: Memory request missing
# description: |
#   A container or initContainer has neither requests.memory nor limits.memory.
#   The pod is then BestEffort for memory: the scheduler places it as if it used
#   nothing, and under node memory pressure the kubelet evicts it first.
# custom:
#   id: memory-request-missing
#   severity: high
#   profile: baseline
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, Rollout]
#   version: 1.0.0
#   remediation: |
#     Set resources.requests.memory to the container's steady-state working set
#     (for example the p95 of container_memory_working_set_bytes), and a
#     memory limit above it.
package prodready.rules.memory_request_missing

import data.lib.prodready.resources
import data.lib.prodready.workload

findings contains {
	"msg": sprintf("container %q has no memory request or limit: it is BestEffort and evicted first under memory pressure", [container.name]),
	"container": container.name,
	"field": ["resources"],
} if {
	some container in workload.all_containers
	not resources.has_request_or_limit(container, "memory")
}
