# METADATA
# title: Rolling update may take every replica down
# description: >-
#   A Deployment with spec.replicas of 2 or more whose rolling update allows
#   maxUnavailable "100%", or an integer at least spec.replicas. The
#   Deployment controller may then scale the old ReplicaSet to zero before
#   any new pod is ready: every rollout is a full outage, and a new version
#   that fails to start leaves nothing serving at all. (A percentage is
#   rounded down by the controller, so only 100% allows every replica.) A
#   Deployment with a single replica is single-replica's finding; the
#   Recreate strategy, which takes every pod down on purpose, is not checked.
# custom:
#   id: rollout-unavailable-all
#   severity: medium
#   profile: baseline
#   kinds: [Deployment]
#   version: 1.0.0
#   remediation: >-
#     Lower spec.strategy.rollingUpdate.maxUnavailable to a share that keeps
#     serving capacity, the default 25% or 1, or set it to 0 with maxSurge 1
#     (or more) to bring new pods up before old ones go.
package prodready.rules.rollout_unavailable_all

import data.lib.prodready.review
import data.lib.prodready.workload

findings contains {"msg": msg} if {
	workload.is_workload
	review.kind == "Deployment"
	replicas := review.object.spec.replicas
	is_number(replicas)
	replicas >= 2
	rolling_update
	max_unavailable := review.object.spec.strategy.rollingUpdate.maxUnavailable
	unavailable_all(max_unavailable, replicas)
	msg := sprintf("Deployment %q allows rollingUpdate.maxUnavailable %v of its %v replicas: a rollout may stop every old pod before a new one is ready, a full outage on each deploy; set maxUnavailable to 25%% or 1, or to 0 with maxSurge 1", [review.name, max_unavailable, replicas])
}

# rolling_update is true when the Deployment rolls (strategy type unset
# defaults to RollingUpdate).
rolling_update if object.get(review.object, ["spec", "strategy", "type"], "RollingUpdate") == "RollingUpdate"

unavailable_all(value, replicas) if {
	is_number(value)
	value >= replicas
}

unavailable_all(value, _) if {
	is_string(value)
	regex.match(`^[0-9]+%$`, value)
	to_number(trim_suffix(value, "%")) >= 100
}
