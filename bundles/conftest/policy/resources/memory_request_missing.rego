# METADATA
# title: Memory request missing
# description: >-
#   A container or initContainer has neither requests.memory nor limits.memory.
#   The scheduler then leaves the container's memory out of the pod's
#   request, so the pod can land on a node without room for it, and under
#   node memory pressure the kubelet evicts first the pods that use more than
#   they requested, which an unrequested container makes likely. When no
#   container of the pod requests CPU or memory at all, the pod is
#   BestEffort, the lowest QoS class, among the first evicted.
# custom:
#   id: memory-request-missing
#   severity: high
#   profile: baseline
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, Rollout]
#   version: 1.0.1
#   remediation: >-
#     Set resources.requests.memory to the container's steady-state working set
#     (for example the p95 of container_memory_working_set_bytes), and a
#     memory limit above it.
package prodready.rules.memory_request_missing

import data.lib.prodready.resources
import data.lib.prodready.workload

findings contains {"msg": msg, "container": container.name, "field": ["resources"]} if {
	some container in workload.all_containers
	not resources.has_request_or_limit(container, "memory")
	msg := sprintf("%s has no memory request or limit%s; set resources.requests.memory to %s", [resources.label(container), consequence, size_text(container)])
}

# best_effort is true when no container of the pod has a CPU or memory
# request or limit: Kubernetes then gives the pod the BestEffort QoS class.
best_effort if {
	every container in workload.all_containers {
		not resources.has_request_or_limit(container, "cpu")
		not resources.has_request_or_limit(container, "memory")
	}
}

consequence := sprintf("%s: the pod is BestEffort, placed as if it used no memory and among the first evicted under node memory pressure", [best_effort_text]) if {
	best_effort
} else := ": the scheduler leaves its memory out of the pod's request, so the pod can land on a node without room for it, and under node memory pressure the kubelet evicts first the pods using more than they requested"

best_effort_text := ", nor a CPU one" if count(workload.all_containers) == 1

else := ", and no container of the pod has a CPU or memory request"

size_text(container) := "the most it uses while it runs" if {
	container in workload.init_containers
	not container.restartPolicy == "Always"
} else := "its steady-state working set"
