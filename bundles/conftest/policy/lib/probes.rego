# METADATA
# title: Container probes
# description: >-
#   What the probe rules share: the containers they look at (the app
#   containers of long-running workloads), the settings Kubernetes runs a
#   probe with once it has filled in its defaults, what a probe checks (its
#   handler, in a form two probes can be compared by), and the words of a
#   probe's path or command.
package lib.prodready.probes

import data.lib.prodready.review
import data.lib.prodready.workload

# containers are the containers probe rules check: the app containers
# (not initContainers) of long-running workloads (not Job or CronJob).
containers contains container if {
	workload.long_running
	some container in workload.containers
}

# names are the probe fields of a container, with the name a person uses.
names := {
	"livenessProbe": "liveness",
	"readinessProbe": "readiness",
	"startupProbe": "startup",
}

# has(container, field) is true when the container sets the probe field
# (livenessProbe, readinessProbe or startupProbe).
has(container, field) if is_object(container[field])

# defaults are the values the API server gives a probe's unset fields.
defaults := {
	"initialDelaySeconds": 0,
	"timeoutSeconds": 1,
	"periodSeconds": 10,
	"successThreshold": 1,
	"failureThreshold": 3,
}

# setting(probe, field) is the value the kubelet runs the probe with: the field
# as set, or its default when it is unset, null or 0 (the API server defaults
# zero values too). Undefined for a value that is not a number.
setting(probe, field) := probe[field] if {
	is_number(probe[field])
	probe[field] != 0
}

setting(probe, field) := defaults[field] if {
	object.get(probe, field, null) in {null, 0}
}

# handler(probe) is what the probe checks, comparable between probes: the
# httpGet path ("/" when unset) and port, the tcpSocket port, the exec command,
# or the grpc port and service ("" when unset). Ports compare as given: a named
# port and its number are different handlers. Undefined for a probe without one.
handler(probe) := {"type": "httpGet", "path": http_path(probe.httpGet), "port": probe.httpGet.port} if {
	is_object(probe.httpGet)
} else := {"type": "tcpSocket", "port": probe.tcpSocket.port} if {
	is_object(probe.tcpSocket)
} else := {"type": "exec", "command": probe.exec.command} if {
	is_array(probe.exec.command)
} else := {"type": "grpc", "port": probe.grpc.port, "service": grpc_service(probe.grpc)} if {
	is_object(probe.grpc)
}

http_path(http_get) := http_get.path if {
	is_string(http_get.path)
	http_get.path != ""
} else := "/"

grpc_service(grpc) := grpc.service if {
	is_string(grpc.service)
} else := ""

# describe(handler) is a handler in words, for messages.
describe(handler) := sprintf("httpGet %s on port %v", [handler.path, handler.port]) if handler.type == "httpGet"

describe(handler) := sprintf("tcpSocket on port %v", [handler.port]) if handler.type == "tcpSocket"

describe(handler) := sprintf("exec %q", [concat(" ", [sprintf("%v", [arg]) | some arg in handler.command])]) if {
	handler.type == "exec"
}

describe(handler) := sprintf("grpc on port %v", [handler.port]) if {
	handler.type == "grpc"
	handler.service == ""
}

describe(handler) := sprintf("grpc on port %v, service %q", [handler.port, handler.service]) if {
	handler.type == "grpc"
	handler.service != ""
}

# words(text) are the lowercase runs of letters and digits of text:
# "/healthz/DB-check?x=1" gives {"healthz", "db", "check", "x", "1"}.
words(text) := {word |
	some word in regex.split(`[^a-z0-9]+`, lower(text))
	word != ""
}

# words_of_all(texts) are the words of every string of texts.
words_of_all(texts) := {word |
	some text in texts
	is_string(text)
	some word in words(text)
}

# at_once_text ends a message's "restarts it" for the pods of a controller,
# which fail the same probe together: ", in every pod at once". Empty for a
# bare Pod, which has no other pods.
at_once_text := "" if review.kind == "Pod"

else := ", in every pod at once"
