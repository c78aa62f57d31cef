# METADATA
# title: Spread constraint selects none of its own pods
# description: >-
#   A topologySpreadConstraint of a pod template has a labelSelector that
#   does not match the template's own labels, or has no labelSelector at all.
#   The scheduler spreads a pod by counting, in each topology domain, the
#   pods the constraint's labelSelector matches; when it matches none of the
#   workload's own pods (a label renamed in the template but not in the
#   constraint, a selector copied from another app), the constraint never
#   sees them and cannot keep them apart (without a labelSelector it counts
#   no pods at all). The manifest looks protected, the pods still pile up
#   on one node or zone, and the first drain or zone outage takes them all
#   (incident 3).
#   matchLabels and matchExpressions (In, NotIn, Exists, DoesNotExist) are
#   evaluated as Kubernetes does; an empty selector {} matches every pod.
# custom:
#   id: spread-selector-mismatch
#   severity: high
#   profile: baseline
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, Rollout]
#   version: 1.1.0
#   remediation: >-
#     Make each topologySpreadConstraint's labelSelector select the pod
#     template's own labels, typically the same matchLabels as the workload's
#     spec.selector (for example app: <name>). Add matchLabelKeys:
#     [pod-template-hash] to count only the pods of the current revision
#     during a rollout.
package prodready.rules.spread_selector_mismatch

import data.lib.prodready.availability
import data.lib.prodready.review
import data.lib.prodready.selector
import data.lib.prodready.workload

findings contains {"msg": msg} if {
	template := workload.pod_template
	labels := object.get(template, ["metadata", "labels"], {})
	mismatches := [sprintf("topologySpreadConstraints[%d] (topologyKey %v) %s", [i, object.get(constraint, "topologyKey", "unset"), mismatch_text(constraint, labels)]) |
		some i, constraint in availability.spread_constraints(template)
		not selector.matches(object.get(constraint, "labelSelector", null), labels)
	]
	count(mismatches) > 0
	msg := sprintf("%s %q %s: %s the workload's own pods, so %s not keep them apart and the replicas may all land on one node or in one zone; make each labelSelector match the pod template's labels", [review.kind, review.name, concat("; ", mismatches), never_counts(mismatches), does(mismatches)])
}

never_counts(mismatches) := "it never counts" if count(mismatches) == 1

else := "they never count"

does(mismatches) := "it does" if count(mismatches) == 1

else := "they do"

mismatch_text(constraint, labels) := sprintf("has labelSelector %s, which does not match the pod template's labels %s", [json.marshal(constraint.labelSelector), json.marshal(labels)]) if {
	is_object(constraint.labelSelector)
} else := "has no labelSelector"
