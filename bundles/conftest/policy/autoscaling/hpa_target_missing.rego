# METADATA
# title: HPA target missing
# description: |
#   A HorizontalPodAutoscaler's scaleTargetRef names a workload (kind and
#   name) that is not among the objects of its namespace in the input, while
#   that namespace does have workloads in the input. Usually the workload was
#   renamed, or the HPA's name template differs from the Deployment's, or the
#   kind is wrong (Deployment for a StatefulSet or an Argo Rollout). The HPA
#   then scales nothing: Kubernetes only records a FailedGetScale event, and
#   the workload it was meant for runs at whatever replica count it was
#   deployed with until a traffic peak overloads it. A target of any other
#   kind (a LeaderWorkerSet or another custom resource with a scale
#   subresource) is accepted: not every engine can see every kind of the
#   input (Gatekeeper syncs only the kinds rules name), so such a target is
#   never reported missing. Namespaces with no workload in the input are not
#   checked either (the workload may be deployed from elsewhere).
# custom:
#   id: hpa-target-missing
#   severity: medium
#   profile: baseline
#   kinds: [HorizontalPodAutoscaler]
#   version: 1.0.1
#   remediation: |
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
	autoscaling.targets_workload_kind(hpa)
	ref := autoscaling.target_ref(hpa)
	ns := inventory.namespace_of(hpa)
	workloads := inventory.workloads(ns)
	count(workloads) > 0
	count(autoscaling.targets(hpa)) == 0
	same_kind := sort([obj.metadata.name | some obj in workloads; obj.kind == ref.kind])
	msg := sprintf("scaleTargetRef names %s %q, but %s has no %s of that name in the input (%s): the HPA scales nothing, and the workload it was meant for stays at its deployed replica count until a peak overloads it; point scaleTargetRef at the workload's kind and name", [ref.kind, ref.name, review.namespace_text, ref.kind, others_text(ref.kind, same_kind)])
}

others_text(kind, names) := sprintf("its %ss: %s", [kind, concat(", ", names)]) if {
	count(names) > 0
} else := sprintf("it has no %s at all", [kind])
