# METADATA
# title: VPA and HPA scale the same workload on the same resource
# description: |
#   A VerticalPodAutoscaler that resizes running pods (updateMode Auto,
#   Recreate or InPlaceOrRecreate; unset = Auto) and a
#   HorizontalPodAutoscaler target the same workload (same namespace, kind
#   and name), and the VPA controls a resource the HPA scales on (cpu or
#   memory, as a Resource or ContainerResource metric, or the CPU default of
#   an HPA without metrics). The two loops chase each other: as load rises
#   the VPA raises the requests, which lowers the utilization the HPA sees,
#   so the HPA removes replicas; the remaining pods run hotter, the VPA
#   raises requests again and evicts pods to apply them, until pods no longer
#   fit on nodes or the replica count swings with every recommendation. The
#   resources the VPA controls follow its containerPolicies (the one naming a
#   container, else "*"; mode Off controls nothing; controlledResources
#   unset = cpu and memory), per container of the target when the input has
#   it. updateMode Initial and Off never touch running pods and are not
#   reported.
# custom:
#   id: hpa-vpa-conflict
#   severity: high
#   profile: baseline
#   kinds: [VerticalPodAutoscaler]
#   version: 1.1.0
#   remediation: |
#     Let each autoscaler own a different signal: restrict the VPA to the
#     resources the HPA does not scale on (resourcePolicy.containerPolicies
#     with containerName "*" and controlledResources: ["memory"] for a CPU
#     HPA), or scale the HPA on a custom or external metric (requests per
#     second, queue length). Or run the VPA in updateMode "Off" and apply its
#     recommendations by hand.
package prodready.rules.hpa_vpa_conflict

import data.lib.prodready.autoscaling
import data.lib.prodready.review
import data.lib.prodready.scaling

findings contains {"msg": msg} if {
	vpa := review.object
	autoscaling.vpa(vpa)
	autoscaling.resizes_running_pods(vpa)
	conflicts := {sprintf("HorizontalPodAutoscaler %q on %s", [hpa.metadata.name, concat(" and ", sort(shared))]) |
		some hpa in scaling.hpas(autoscaling.target_stub(vpa))
		shared := autoscaling.controlled_resources(vpa) & autoscaling.scaled_resources(hpa)
		count(shared) > 0
	}
	count(conflicts) > 0
	msg := sprintf("VerticalPodAutoscaler (updateMode %s) and %s both scale %s: the VPA raises requests as load rises, which lowers the utilization the HPA sees, so the HPA removes replicas and the VPA evicts pods to resize them, and the two chase each other; let the VPA control only resources the HPA does not scale on (controlledResources), or scale the HPA on another metric", [autoscaling.update_mode(vpa), concat(", and ", sort(conflicts)), autoscaling.describe_target(vpa)])
}
