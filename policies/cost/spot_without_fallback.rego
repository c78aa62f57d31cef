# METADATA
# title: Spot only, no on-demand fallback
# description: >-
#   A pod template's nodeSelector, or every term of its required node
#   affinity (requiredDuringSchedulingIgnoredDuringExecution), allows spot
#   nodes only: a spotKeys label with spotValues only (case-insensitive).
#   Spot capacity is reclaimed at short notice and, in a busy zone or
#   region, may not come back for hours; the pods then stay Pending, as no
#   on-demand node may take them, and the service runs short or goes down
#   exactly when the provider is short of capacity. Preferring spot (a
#   preferred node affinity) or allowing on-demand too keeps the savings
#   and a way to run. DaemonSets are not checked: they run one pod on each
#   node they select and have nothing to fall back to.
# custom:
#   id: spot-without-fallback
#   severity: medium
#   profile: baseline
#   kinds: [Pod, Deployment, StatefulSet, ReplicaSet, ReplicationController, Job, CronJob, Rollout]
#   version: 1.0.1
#   parameters:
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
#     Ask for spot with a preferred node affinity (preferredDuringScheduling
#     IgnoredDuringExecution, weight 100) instead of a nodeSelector or a
#     required term, or allow on-demand values too (for Karpenter,
#     karpenter.sh/capacity-type In [spot, on-demand]), so the scheduler
#     falls back to on-demand nodes when spot capacity is gone. Keep the
#     toleration of the spot taint.
package prodready.rules.spot_without_fallback

import data.lib.prodready.review
import data.lib.prodready.spot
import data.lib.prodready.workload

id := "spot-without-fallback"

findings contains {"msg": msg} if {
	review.kind != "DaemonSet"
	spec := workload.pod_spec
	keys := review.param(id, "spotKeys")
	values := review.param(id, "spotValues")
	reasons := spot.spot_only_reasons(spec, keys, values)
	count(reasons) > 0
	msg := sprintf("%s %q can run on spot nodes only (%s): %s with no on-demand node to fall back to; prefer spot with a preferred node affinity, or allow on-demand capacity too", [review.kind, review.name, concat(", ", sort(reasons)), pending])
}

# pending speaks of the pods of a controller, which are recreated when a
# spot node is reclaimed, or of a bare Pod, which is not.
pending := "when spot capacity runs out, it stays Pending" if review.kind == "Pod"

else := "when spot capacity is reclaimed or runs out, its pods stay Pending"
