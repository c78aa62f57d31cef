# METADATA
# title: Spot pods without time to shut down
# description: >-
#   A pod template can land on spot (preemptible) nodes and gives its pods
#   terminationGracePeriodSeconds (unset = 30) below minSeconds. Spot nodes
#   are reclaimed with short notice, routinely and several at once; the
#   node is drained and each pod gets SIGTERM, then SIGKILL when the grace
#   period ends. With the 30 s default, requests in flight are cut, queue
#   messages are handed to another consumer and processed twice, and work
#   not checkpointed is lost, on every reclaim: on spot, a daily event
#   rather than an incident.
#   A pod can land on spot when it tolerates a taint whose key is one of
#   spotKeys, or its nodeSelector or node affinity (required or preferred)
#   asks for a spotKeys label with one of spotValues (case-insensitive),
#   unless its nodeSelector or every required node affinity term keeps it
#   off spot (a spot key with another value, NotIn a spot value, or
#   DoesNotExist). A toleration without a key (tolerate everything) is not
#   read as a request for spot.
# custom:
#   id: spot-without-graceful-termination
#   severity: medium
#   profile: baseline
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, Rollout]
#   version: 1.0.1
#   parameters:
#     minSeconds:
#       type: number
#       default: 60
#       description: The smallest terminationGracePeriodSeconds accepted for pods that can run on spot nodes.
#     spotKeys:
#       type: array
#       items:
#         type: string
#       default:
#         - spot-instance
#         - node-lifecycle
#         - eks.amazonaws.com/capacityType
#         - karpenter.sh/capacity-type
#         - cloud.google.com/gke-spot
#         - cloud.google.com/gke-preemptible
#         - kubernetes.azure.com/scalesetpriority
#       description: Node label and taint keys that mark spot capacity.
#     spotValues:
#       type: array
#       items:
#         type: string
#       default:
#         - spot
#         - "true"
#         - preemptible
#       description: Values of a spot key that mean spot capacity (compared case-insensitively).
#   remediation: >-
#     Set spec.template.spec.terminationGracePeriodSeconds to at least
#     minSeconds (60 by default), handle SIGTERM (stop accepting work,
#     finish or hand back what is in flight, checkpoint), and add a preStop
#     hook that sleeps a few seconds so endpoints are removed before the
#     process stops. Keep the total within the notice your cloud gives
#     (about two minutes on AWS, 30 s on GCP and Azure), and run a node
#     termination handler so the drain starts when the notice arrives.
package prodready.rules.spot_without_graceful_termination

import data.lib.prodready.review
import data.lib.prodready.spot
import data.lib.prodready.workload

id := "spot-without-graceful-termination"

findings contains {"msg": msg} if {
	spec := workload.pod_spec
	keys := review.param(id, "spotKeys")
	values := review.param(id, "spotValues")
	spot.can_land_on_spot(spec, keys, values)
	min_seconds := review.param(id, "minSeconds")
	grace := grace_period(spec)
	grace < min_seconds
	reasons := concat(", ", sort(spot.landing_reasons(spec, keys, values)))
	msg := sprintf("%s %q can land on spot nodes (%s) and %s terminationGracePeriodSeconds %v%s, under %v: when a spot node is reclaimed %s; set terminationGracePeriodSeconds to at least %v and handle SIGTERM", [review.kind, review.name, reasons, gives, grace, unset_text(spec), min_seconds, killed, min_seconds])
}

# gives and killed speak of the pods of a controller, or of a bare Pod itself.
gives := "has" if review.kind == "Pod"

else := "gives its pods"

killed := "it is killed before it finishes its in-flight work" if review.kind == "Pod"

else := "its pods are killed before they finish in-flight work"

# grace_period(spec) is the pod's terminationGracePeriodSeconds; unset or null is 30.
grace_period(spec) := spec.terminationGracePeriodSeconds if is_number(spec.terminationGracePeriodSeconds)

grace_period(spec) := 30 if object.get(spec, "terminationGracePeriodSeconds", null) == null

unset_text(spec) := " (unset, the default)" if object.get(spec, "terminationGracePeriodSeconds", null) == null

unset_text(spec) := "" if object.get(spec, "terminationGracePeriodSeconds", null) != null
