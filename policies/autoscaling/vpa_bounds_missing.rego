# METADATA
# title: VPA without minAllowed and maxAllowed
# description: >-
#   A VerticalPodAutoscaler that applies its recommendations (every
#   updateMode but Off; unset = Auto) lets a container's requests move
#   without both resourcePolicy.containerPolicies minAllowed and maxAllowed.
#   Without maxAllowed, a memory leak or a load test drives the
#   recommendation above what any node can hold: the recreated pods stay
#   Pending and the workload loses replicas at every eviction. Without
#   minAllowed, a quiet weekend shrinks the requests to almost nothing:
#   pods are packed onto busy nodes, then throttled or OOM-killed at the
#   Monday peak before the VPA catches up. A container's bounds come from
#   the policy naming it (the first, when several do), else from the "*"
#   policy (policies do not merge); a policy with mode Off is not checked.
#   Reported, once per container: a VPA without containerPolicies; the
#   policy in effect for a container, or the "*" one, missing a bound (not a
#   policy for a container the target, when the input has it, does not
#   have); and, when no "*" policy exists and the input holds the target,
#   each of its containers that no policy names. An Argo Rollout with
#   spec.workloadRef runs the containers of the Deployment it references.
# custom:
#   id: vpa-bounds-missing
#   severity: low
#   profile: baseline
#   kinds: [VerticalPodAutoscaler]
#   version: 2.0.0
#   remediation: >-
#     Under spec.resourcePolicy.containerPolicies, give each container (or
#     containerName "*") minAllowed and maxAllowed for cpu and memory: the
#     floor the service needs at its quietest, the ceiling a node of the
#     pool can hold (well below its allocatable).
package prodready.rules.vpa_bounds_missing

import data.lib.prodready.autoscaling
import data.lib.prodready.pods
import data.lib.prodready.review

both := ["minAllowed", "maxAllowed"]

# risk(missing) is what the missing bounds let happen.
risk(["maxAllowed"]) := "a recommendation can grow past what a node holds (pods stay Pending)"

risk(["minAllowed"]) := "a recommendation can shrink to almost nothing after a quiet spell (throttled or OOM-killed at the next peak)"

risk(["minAllowed", "maxAllowed"]) := "a recommendation can grow past what a node holds (pods stay Pending) or shrink to almost nothing after a quiet spell (throttled or OOM-killed at the next peak)"

# fix(missing) is what to set.
fix(["maxAllowed"]) := "set maxAllowed"

fix(["minAllowed"]) := "set minAllowed"

fix(["minAllowed", "maxAllowed"]) := "set both minAllowed and maxAllowed"

findings contains {"msg": msg} if {
	vpa := review.object
	checked(vpa)
	count(autoscaling.container_policies(vpa)) == 0
	msg := sprintf("VerticalPodAutoscaler (updateMode %s) sets no resourcePolicy.containerPolicies, so no minAllowed or maxAllowed bounds the requests it sets for %s: %s; add a containerPolicy (containerName \"*\") with minAllowed and maxAllowed", [autoscaling.update_mode(vpa), autoscaling.target_text(vpa), risk(both)])
}

findings contains finding if {
	vpa := review.object
	checked(vpa)
	some name in {policy.containerName | some policy in autoscaling.container_policies(vpa)}
	policy := autoscaling.policy_for(vpa, name)
	not policy.mode == "Off"
	not absent_container(vpa, name)
	missing := autoscaling.missing_bounds(policy)
	count(missing) > 0
	finding := policy_finding(vpa, name, missing)
}

findings contains {"msg": msg, "container": container.name} if {
	vpa := review.object
	checked(vpa)
	count(autoscaling.container_policies(vpa)) > 0
	not autoscaling.wildcard_policy(vpa)
	some container in autoscaling.target_containers(vpa)
	not autoscaling.policy_for(vpa, container.name)
	msg := sprintf("VerticalPodAutoscaler (updateMode %s) sets the requests of container %q of %s with no containerPolicy for it (none names it and there is no \"*\" policy), so no minAllowed or maxAllowed bounds them: %s; add a containerPolicy for it, or a \"*\" one, with minAllowed and maxAllowed", [autoscaling.update_mode(vpa), container.name, autoscaling.target_text(vpa), risk(both)])
}

# absent_container(vpa, name) is true when the input has the VPA's target
# and no container of it is called name: a policy left over for a
# container since removed bounds nothing.
absent_container(vpa, name) if {
	name != "*"
	containers := autoscaling.target_containers(vpa)
	count(containers) > 0
	not name in {c.name | some c in containers}
	not name in {c.name | some target in autoscaling.targets(vpa); some c in pods.template(target).spec.initContainers}
}

checked(vpa) if {
	autoscaling.vpa(vpa)
	autoscaling.applies_changes(vpa)
}

policy_finding(vpa, name, missing) := {"msg": msg} if {
	name == "*"
	msg := sprintf("VerticalPodAutoscaler (updateMode %s) sets no %s in its containerPolicy for every container (\"*\") of %s: %s; %s", [autoscaling.update_mode(vpa), concat(" or ", missing), autoscaling.target_text(vpa), risk(missing), fix(missing)])
}

policy_finding(vpa, name, missing) := {"msg": msg, "container": name} if {
	name != "*"
	msg := sprintf("VerticalPodAutoscaler (updateMode %s) sets no %s in the containerPolicy of container %q of %s: %s; %s", [autoscaling.update_mode(vpa), concat(" or ", missing), name, autoscaling.target_text(vpa), risk(missing), fix(missing)])
}
