# METADATA
# title: HPA target missing
# description: >-
#   A HorizontalPodAutoscaler's scaleTargetRef names an object (kind and
#   name) that is not among the objects of its namespace in the input, while
#   that namespace does have workloads in the input. Usually the workload was
#   renamed, or the HPA's name template differs from the Deployment's, or the
#   kind is wrong (Deployment for a StatefulSet or an Argo Rollout). The HPA
#   then scales nothing: Kubernetes only records a FailedGetScale event, and
#   the workload it was meant for runs at whatever replica count it was
#   deployed with until a traffic peak overloads it. The target may be of
#   any kind the input has: a workload, or a LeaderWorkerSet (a custom
#   resource with a scale subresource); its apiVersion is not compared.
#   Targets of other custom resource kinds are not checked (no engine files
#   the objects of every kind: Gatekeeper syncs only the kinds the rules
#   name), nor are namespaces with no workload in the input (the workload may
#   be deployed from elsewhere).
# custom:
#   id: hpa-target-missing
#   severity: medium
#   profile: baseline
#   kinds: [HorizontalPodAutoscaler]
#   version: 2.0.0
#   remediation: >-
#     Point spec.scaleTargetRef (apiVersion, kind, name) at the workload the
#     HPA is meant to scale, in the HPA's own namespace; in a Helm chart,
#     build both names from the same template helper. Delete the HPA if its
#     workload is gone.
package prodready.rules.hpa_target_missing

import data.lib.prodready.autoscaling
import data.lib.prodready.inventory
import data.lib.prodready.review

findings contains {"msg": msg} if {
	hpa := review.object
	autoscaling.hpa(hpa)
	autoscaling.checks_target(hpa)
	ns := inventory.namespace_of(hpa)
	count(inventory.workloads(ns)) > 0
	count(autoscaling.target_objects(hpa)) == 0
	ref := autoscaling.target_ref(hpa)
	same_kind := sort({obj.metadata.name | some obj in autoscaling.objects_of_kind(ns, ref.kind)})
	msg := sprintf("scaleTargetRef names %s %q, but %s has no %s of that name in the input (%s): the HPA scales nothing, and the workload it was meant for stays at its deployed replica count until a peak overloads it; point scaleTargetRef at the workload's kind and name", [ref.kind, ref.name, review.namespace_text, ref.kind, others_text(ref.kind, same_kind)])
}

# others_text names the objects of the kind the namespace does have, the
# first five (sorted) of them.
others_text(kind, names) := sprintf("its only %s is %s", [kind, names[0]]) if {
	count(names) == 1
} else := sprintf("its %ss: %s", [kind, concat(", ", array.concat(array.slice(names, 0, 5), more))]) if {
	count(names) > 1
	more := [sprintf("and %v more", [count(names) - 5]) | count(names) > 5]
} else := sprintf("it has no %s at all", [kind])
