# METADATA
# title: Liveness probe checks dependencies
# description: >-
#   A word of the livenessProbe's httpGet path or exec command (split on
#   everything but letters and digits, lowercased) is a dependency word such
#   as db, redis or upstream: the liveness check reaches past the process to
#   something it depends on. When that dependency slows down or fails, every
#   replica fails liveness at the same moment and the kubelet restarts them
#   all; the restarts cannot fix the database, they only add a thundering
#   herd of reconnections and turn a dependency blip into a full outage
#   (incident 2). The words ready and readiness name a readiness check
#   instead: liveness on the readiness endpoint restarts, on every replica
#   at once, what readiness would only take out of traffic. A word that also appears in the container's own name or
#   image is the container checking itself, not a dependency: a Redis
#   container may run redis-cli ping. Whole words only: /healthcheck-already
#   does not contain the word "ready".
# custom:
#   id: liveness-checks-dependencies
#   severity: high
#   profile: baseline
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Rollout]
#   version: 1.0.1
#   parameters:
#     patterns:
#       type: array
#       items:
#         type: string
#       default:
#         - ready
#         - readiness
#         - db
#         - database
#         - redis
#         - cache
#         - deps
#         - dependencies
#         - upstream
#         - downstream
#       description: Dependency words (strings, compared lowercase) a liveness httpGet path or exec command must not contain as a whole word.
#   remediation: >-
#     Point liveness at an endpoint or command that checks only the process
#     itself (for example /livez answered from memory, or a heartbeat file
#     the main loop touches). Move dependency checks to the readinessProbe,
#     where a failing dependency takes replicas out of traffic without
#     restarting them, or to alerting.
package prodready.rules.liveness_checks_dependencies

import data.lib.prodready.probes
import data.lib.prodready.review

findings contains {"msg": msg, "container": container.name, "field": ["livenessProbe"]} if {
	some container in probes.containers
	probe := container.livenessProbe
	found := dependency_words(container, probe)
	count(found) > 0
	msg := sprintf("container %q has a liveness probe whose %s %s: %s", [container.name, concat(" and ", where(probe, found)), words_text(found), consequence(probe, found)])
}

patterns := {lower(pattern) |
	some pattern in review.param("liveness-checks-dependencies", "patterns")
	is_string(pattern)
}

# checked_words are the words of the probe's httpGet path and of every
# element of its exec command.
checked_words(probe) := probes.words_of_all({path | path := probe.httpGet.path} | {arg | some arg in probe.exec.command})

# own_words are the words of the container's name and image: what it may check on itself.
own_words(container) := probes.words_of_all({object.get(container, "name", ""), object.get(container, "image", "")})

dependency_words(container, probe) := {word |
	some word in checked_words(probe)
	word in patterns
	not word in own_words(container)
}

quoted(words) := concat(", ", [sprintf("%q", [word]) | some word in sort(words)])

# where(probe, found) names the parts of the probe the words were found in.
where(probe, found) := [part.text |
	some part in parts(probe)
	count(probes.words_of_all(part.texts) & found) > 0
]

# parts(probe) are the httpGet path and the exec command of the probe, each
# with its text for messages and the strings its words are read from.
parts(probe) := {part |
	path := probe.httpGet.path
	is_string(path)
	part := {"text": sprintf("httpGet path %q", [path]), "texts": {path}}
} | {part |
	command := probe.exec.command
	is_array(command)
	part := {
		"text": sprintf("exec command %q", [concat(" ", [sprintf("%v", [arg]) | some arg in command])]),
		"texts": {arg | some arg in command},
	}
}

words_text(found) := sprintf("contains the word %s", [quoted(found)]) if count(found) == 1

else := sprintf("contains the words %s", [quoted(found)])

# readiness_words name a readiness check rather than a dependency.
readiness_words := {"ready", "readiness"}

consequence(probe, found) := sprintf("liveness runs a readiness check, so whatever makes the container unready (load, a slow dependency) also restarts it%s, which fixes nothing; point liveness at a check of the process itself%s and leave this one to readiness", [probes.at_once_text, example(probe)]) if {
	count(found - readiness_words) == 0
} else := sprintf("liveness checks %s, so when %s is slow or down the container fails liveness and is restarted%s, which fixes nothing; check only the process itself in liveness and move dependency checks to readiness", [dependencies_text(found), one_of_them(found), probes.at_once_text])

example(probe) := " (such as /livez)" if is_object(probe.httpGet)

else := ""

dependencies_text(found) := "a dependency" if count(found - readiness_words) == 1

else := "dependencies"

one_of_them(found) := "it" if count(found - readiness_words) == 1

else := "one of them"
