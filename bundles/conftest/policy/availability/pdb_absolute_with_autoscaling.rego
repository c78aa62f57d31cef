# METADATA
# title: Absolute PodDisruptionBudget on an autoscaled workload
# description: >-
#   A PodDisruptionBudget with an integer minAvailable (above 0) selects the
#   pods of a workload that an HorizontalPodAutoscaler or a KEDA
#   ScaledObject scales. A fixed count does not follow the replica count the
#   autoscaler sets: when the workload sits at its minimum (nights,
#   weekends) a minAvailable equal to that minimum blocks every node drain,
#   cluster upgrade and autoscaler scale-down; when it has scaled out, the
#   same count protects an ever smaller share, and a drain may take most of
#   the replicas during the traffic peak that scaled it out. A percentage,
#   or maxUnavailable, scales with the workload. (A minAvailable that
#   blocks drains at the current minimum is also pdb-blocks-drain's finding.)
#   One finding names every autoscaled workload the budget selects.
# custom:
#   id: pdb-absolute-with-autoscaling
#   severity: low
#   profile: baseline
#   kinds: [PodDisruptionBudget]
#   version: 1.1.0
#   remediation: >-
#     Replace the integer minAvailable with maxUnavailable: 1 (or a
#     percentage such as "25%"), or with a percentage minAvailable such as
#     "50%", so the budget follows the replica count the autoscaler sets.
package prodready.rules.pdb_absolute_with_autoscaling

import data.lib.prodready.disruption
import data.lib.prodready.review
import data.lib.prodready.scaling

findings contains {"msg": msg, "field": ["spec", "minAvailable"]} if {
	review.kind == "PodDisruptionBudget"
	pdb := review.object
	value := pdb.spec.minAvailable
	is_number(value)
	value > 0
	scaled := {sprintf("%s (scaled by %s)", [disruption.describe_workload(obj), disruption.autoscalers_text(obj)]) |
		some obj in disruption.selected_workloads(pdb)
		scaling.autoscaled(obj)
	}
	count(scaled) > 0
	msg := sprintf("minAvailable is the fixed count %v, but it selects %s: at the autoscaler's minimum the count may block node drains, and scaled out it protects an ever smaller share of the replicas; use maxUnavailable: 1 or a percentage such as minAvailable: \"50%%\"", [value, concat(" and ", sort(scaled))])
}
