# METADATA
# title: CPU limit on a latency-sensitive workload
# description: |
#   A container sets limits.cpu in a latency-sensitive workload. A CPU limit is
#   a CFS quota: once the container's threads have used limit x 100ms of CPU
#   time within a 100ms period, the kernel stalls them until the next period,
#   even when the node has idle cores. A multi-threaded server (or a garbage
#   collection) spends the quota in a few milliseconds and then waits, which
#   shows up as p99 latency spikes and timeouts while CPU usage graphs look
#   low. requests.cpu already guarantees the container its share under
#   contention; the limit only takes away idle CPU.
#   A workload is latency-sensitive when it, or its pod template, is annotated
#   prodready.dev/workload-class: latency-sensitive (the workload's annotation
#   wins over the template's), or, without that annotation, when it is
#   long-running, not a DaemonSet, and one of its containers declares a port.
#   The class batch, and Jobs and CronJobs, never fire. Only app containers
#   are checked; initContainers finish before the app serves.
# custom:
#   id: cpu-limit-latency-sensitive
#   severity: low
#   profile: baseline
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Rollout]
#   version: 1.0.0
#   remediation: |
#     Remove resources.limits.cpu from the container and keep (or set)
#     resources.requests.cpu at its typical usage. If the workload is not on
#     anyone's request path, annotate it prodready.dev/workload-class: batch.
package prodready.rules.cpu_limit_latency_sensitive

import data.lib.prodready.resources
import data.lib.prodready.workload

class_annotation := "prodready.dev/workload-class"

findings contains {"msg": msg, "container": container.name, "field": ["resources", "limits", "cpu"]} if {
	workload.long_running
	some container in workload.containers
	resources.has_limit(container, "cpu")
	resources.limit(container, "cpu")
	msg := sprintf(
		"container %q has limits.cpu %v in a latency-sensitive workload (%s): once its threads use up that quota within a 100ms CFS period the kernel throttles them until the next one, even on an idle node, adding tail latency; %s",
		[container.name, container.resources.limits.cpu, reason, advice(container)],
	)
}

# class is the workload class the workload, else its pod template, declares.
class := workload.annotation(class_annotation)

# classified is true when the class decides alone, either way.
classified if class in {"latency-sensitive", "batch"}

# reason says why the workload is latency-sensitive; undefined when it is not.
reason := sprintf("%s: latency-sensitive", [class_annotation]) if class == "latency-sensitive"

reason := sprintf("a long-running %s that declares a port; annotate it %s: batch if nothing waits on it", [workload.kind, class_annotation]) if {
	not classified
	workload.kind != "DaemonSet"
	some container in workload.containers
	workload.declares_port(container)
}

advice(container) := sprintf("remove limits.cpu and keep requests.cpu %v", [container.resources.requests.cpu]) if {
	resources.has_request(container, "cpu")
}

advice(container) := sprintf("move %v from limits.cpu to requests.cpu (without a request Kubernetes copies the limit, so dropping the limit alone leaves no request)", [container.resources.limits.cpu]) if {
	not resources.has_request(container, "cpu")
}
