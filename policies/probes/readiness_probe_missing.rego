# METADATA
# title: Readiness probe missing
# description: >-
#   A container that declares a port has no readinessProbe. Without one, the
#   pod is Ready as soon as its containers start: Services and ingress send it
#   requests while it is still booting (connection refused, 502s on every
#   rollout and scale-up), and keep sending them while it is overloaded or
#   stuck, because nothing ever takes it out of the endpoints. A readiness
#   probe is how a replica says "not now" without being restarted.
#   Checked on the app containers of long-running workloads (not Jobs,
#   CronJobs or initContainers); a container without ports serves no traffic.
# custom:
#   id: readiness-probe-missing
#   severity: high
#   profile: baseline
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Rollout]
#   version: 1.0.0
#   remediation: >-
#     Add a readinessProbe on the port the container serves (httpGet on a
#     /ready endpoint, or tcpSocket, or grpc) that succeeds only once the
#     process can serve requests, for example periodSeconds 5,
#     timeoutSeconds 2, failureThreshold 3. Readiness may check what the
#     process needs to serve; liveness must not.
package prodready.rules.readiness_probe_missing

import data.lib.prodready.probes
import data.lib.prodready.workload

findings contains {"msg": msg, "container": container.name} if {
	some container in probes.containers
	workload.declares_port(container)
	not probes.has(container, "readinessProbe")
	msg := sprintf("container %q declares %s but has no readinessProbe: Services send it traffic as soon as it starts and keep sending while it cannot answer; add a readinessProbe that succeeds only when it can serve", [container.name, ports_text(container.ports)])
}

ports_text(ports) := sprintf("port %s", [port_text(ports[0])]) if count(ports) == 1

ports_text(ports) := sprintf("ports %s", [concat(", ", [port_text(port) | some port in ports])]) if count(ports) > 1

port_text(port) := sprintf("%v (%s)", [port.containerPort, port.name]) if {
	is_string(port.name)
	port.name != ""
} else := sprintf("%v", [port.containerPort])
