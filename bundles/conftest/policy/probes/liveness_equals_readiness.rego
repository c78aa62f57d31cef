# METADATA
# title: Liveness checks the same thing as readiness
# description: >-
#   A container's livenessProbe and readinessProbe use the same handler: the
#   same httpGet path and port (an unset path is "/"), exec command, or grpc
#   port and service. Readiness answers "can this replica
#   take traffic now?", liveness "is this process beyond saving?". When both
#   ask the same question, everything that makes a replica briefly unready
#   (load, a slow dependency, a full queue) also gets it restarted: under a
#   traffic spike every replica fails together, all are restarted at once,
#   the restarts shed the warm caches and connections, and a slowdown becomes
#   an outage (incident 2). Ports compare as written: "http" and 8080 are
#   different here even when they name the same port. Two tcpSocket probes
#   on one port pass: a port check only tests that the process listens,
#   which is a fair liveness check and says nothing of load or dependencies.
# custom:
#   id: liveness-equals-readiness
#   severity: medium
#   profile: baseline
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Rollout]
#   version: 1.1.0
#   remediation: >-
#     Give liveness its own endpoint that checks only that the process
#     responds (for example /livez, answered without touching databases,
#     caches or other services), and keep dependency and load checks in the
#     readiness endpoint (/ready). Give liveness a more tolerant window than
#     readiness (a higher failureThreshold x periodSeconds).
package prodready.rules.liveness_equals_readiness

import data.lib.prodready.probes

findings contains {"msg": msg, "container": container.name} if {
	some container in probes.containers
	handler := probes.handler(container.livenessProbe)
	handler.type != "tcpSocket"
	handler == probes.handler(container.readinessProbe)
	msg := sprintf("container %q liveness and readiness probes both check %s: whatever makes it unready (load, a slow dependency) also restarts it%s; %s", [container.name, probes.describe(handler), probes.at_once_text, advice(handler)])
}

advice(handler) := sprintf("point liveness at an endpoint that checks only the process itself (such as /livez) and keep %q for readiness", [handler.path]) if {
	handler.type == "httpGet"
}

advice(handler) := "give liveness a command that checks only the process itself and keep this one for readiness" if {
	handler.type == "exec"
}

advice(handler) := "ask the gRPC health service about different services (grpc.service): liveness about one that reflects only the process itself, readiness about what serving needs" if {
	handler.type == "grpc"
}
