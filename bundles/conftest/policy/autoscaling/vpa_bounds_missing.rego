# METADATA
# title: VPA without minAllowed and maxAllowed
# description: |
#   A VerticalPodAutoscaler that applies its recommendations (every
#   updateMode but Off; unset = Auto) lets a container's requests move
#   without both resourcePolicy.containerPolicies minAllowed and maxAllowed.
#   Without maxAllowed, a memory leak or a load test drives the
#   recommendation above what any node can hold: the recreated pods stay
#   Pending and the workload loses replicas at every eviction. Without
#   minAllowed, a quiet weekend shrinks the requests to almost nothing:
#   pods are packed onto busy nodes, then throttled or OOM-killed at the
#   Monday peak before the VPA catches up. A container's bounds come from
#   the policy naming it, else from the "*" policy (policies do not merge);
#   a policy with mode Off is not checked. Reported: a VPA without
#   containerPolicies, each policy missing a bound, and, when no "*" policy
#   exists and the input holds the target, each of its containers that no
#   policy names.
# custom:
#   id: vpa-bounds-missing
#   severity: low
#   profile: baseline
#   kinds: [VerticalPodAutoscaler]
#   version: 1.1.0
#   remediation: |
#     Under spec.resourcePolicy.containerPolicies, give each container (or
#     containerName "*") minAllowed and maxAllowed for cpu and memory: the
#     floor the service needs at its quietest, the ceiling a node of the
#     pool can hold (well below its allocatable).
package prodready.rules.vpa_bounds_missing

import data.lib.prodready.autoscaling
import data.lib.prodready.pods
import data.lib.prodready.review

risk := "a recommendation can grow past what a node holds (pods stay Pending) or shrink to almost nothing after a quiet spell (throttled or OOM-killed at the next peak)"

findings contains {"msg": msg} if {
	vpa := review.object
	checked(vpa)
	count(autoscaling.container_policies(vpa)) == 0
	msg := sprintf("VerticalPodAutoscaler (updateMode %s) sets no resourcePolicy.containerPolicies, so no minAllowed or maxAllowed bounds the requests it sets for %s: %s; add a containerPolicy (containerName \"*\") with minAllowed and maxAllowed", [autoscaling.update_mode(vpa), autoscaling.target_text(vpa), risk])
}

findings contains finding if {
	vpa := review.object
	checked(vpa)
	some name in {policy.containerName | some policy in autoscaling.container_policies(vpa)}
	missing := {bound |
		some policy in autoscaling.container_policies(vpa)
		policy.containerName == name
		not policy.mode == "Off"
		some bound in autoscaling.missing_bounds(policy)
	}
	count(missing) > 0
	finding := policy_finding(vpa, name, concat(" or ", [bound | some bound in ["minAllowed", "maxAllowed"]; bound in missing]))
}

findings contains {"msg": msg, "container": container.name} if {
	vpa := review.object
	checked(vpa)
	count(autoscaling.container_policies(vpa)) > 0
	not autoscaling.wildcard_policy(vpa)
	some target in autoscaling.targets(vpa)
	some container in pods.template(target).spec.containers
	not autoscaling.policy_for(vpa, container.name)
	msg := sprintf("VerticalPodAutoscaler (updateMode %s) sets the requests of container %q of %s %q with no containerPolicy for it (none names it and there is no \"*\" policy), so no minAllowed or maxAllowed bounds them: %s; add a containerPolicy for it, or a \"*\" one, with minAllowed and maxAllowed", [autoscaling.update_mode(vpa), container.name, target.kind, target.metadata.name, risk])
}

checked(vpa) if {
	autoscaling.vpa(vpa)
	autoscaling.applies_changes(vpa)
}

policy_finding(vpa, name, missing) := {"msg": msg} if {
	name == "*"
	msg := sprintf("VerticalPodAutoscaler (updateMode %s) sets no %s in its containerPolicy for every container (\"*\") of %s: %s; set both minAllowed and maxAllowed", [autoscaling.update_mode(vpa), missing, autoscaling.target_text(vpa), risk])
}

policy_finding(vpa, name, missing) := {"msg": msg, "container": name} if {
	name != "*"
	msg := sprintf("VerticalPodAutoscaler (updateMode %s) sets no %s in the containerPolicy of container %q of %s: %s; set both minAllowed and maxAllowed", [autoscaling.update_mode(vpa), missing, name, autoscaling.target_text(vpa), risk])
}
