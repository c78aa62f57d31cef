# METADATA
# title: CPU limit on a latency-sensitive workload
# description: >-
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
#   long-running, not a DaemonSet, and one of its containers declares a port
#   that serves requests: ports named for metrics, health checks or
#   profiling (a word of the name is metrics, health, healthz, probes,
#   profiling, pprof, prometheus or monitoring) are scraped, not waited on,
#   and a leader-elected controller (an argument containing leader-elect or
#   leader-election) is a control loop, unless it also serves an admission
#   webhook (a port whose name contains "webhook", or 9443), which the API
#   server waits on. The class batch, and Jobs and CronJobs, never fire.
#   Only app containers are checked; initContainers finish before the app
#   serves.
# custom:
#   id: cpu-limit-latency-sensitive
#   severity: low
#   profile: baseline
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Rollout]
#   version: 1.1.0
#   remediation: >-
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

reason := sprintf("a long-running %s serving %s; annotate it %s: batch if nothing waits on it", [workload.kind, concat(", ", sort(serving)), class_annotation]) if {
	not classified
	workload.kind != "DaemonSet"
	not control_loop
	count(serving) > 0
}

# serving are the ports of the workload's containers that serve requests, in words.
serving contains text if {
	some container in workload.containers
	some port in object.get(container, "ports", [])
	not monitoring_port(port)
	text := port_text(port)
}

port_text(port) := sprintf("port %v (%s)", [port.containerPort, port.name]) if is_string(port.name)

else := sprintf("port %v", [port.containerPort])

monitoring_words := {"metrics", "health", "healthz", "probes", "profiling", "pprof", "prometheus", "monitoring"}

monitoring_port(port) if {
	some word in split(lower(port.name), "-")
	word in monitoring_words
}

# control_loop is true for a leader-elected controller that serves no
# admission webhook: nothing waits on its answers.
control_loop if {
	workload.leader_elected(workload.pod_template)
	not workload.serves_webhook(workload.pod_template)
}

advice(container) := sprintf("remove limits.cpu and keep requests.cpu %v", [container.resources.requests.cpu]) if {
	resources.has_request(container, "cpu")
}

advice(container) := sprintf("move %v from limits.cpu to requests.cpu (without a request Kubernetes copies the limit, so dropping the limit alone leaves no request)", [container.resources.limits.cpu]) if {
	not resources.has_request(container, "cpu")
}
