# METADATA
# title: VPA and HPA scale the same workload on the same resource
# description: >-
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
#   it (an Argo Rollout with spec.workloadRef runs the containers of the
#   Deployment it references). updateMode Initial and Off never touch
#   running pods and are not reported. Several HPAs on the workload are
#   named in one finding, with the resources each scales on.
# custom:
#   id: hpa-vpa-conflict
#   severity: high
#   profile: baseline
#   kinds: [VerticalPodAutoscaler]
#   version: 2.0.0
#   remediation: >-
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
import data.lib.prodready.text

findings contains {"msg": msg} if {
	vpa := review.object
	autoscaling.vpa(vpa)
	autoscaling.resizes_running_pods(vpa)
	controlled := autoscaling.controlled_resources(vpa)
	conflicts := {[hpa.metadata.name, sort(shared), utilization] |
		some hpa in scaling.hpas(autoscaling.target_stub(vpa))
		shared := controlled & autoscaling.scaled_resources(hpa)
		count(shared) > 0
		utilization := utilization_shared(hpa, shared)
	}
	count(conflicts) > 0
	resources := {r | some [_, shared, _] in conflicts; some r in shared}
	msg := sprintf("VerticalPodAutoscaler (updateMode %s) sets the %s requests of %s, and %s: %s; let the VPA control only resources %s (controlledResources), or %s", [
		autoscaling.update_mode(vpa), concat(" and ", sort(resources)), autoscaling.describe_target(vpa),
		hpas_text(conflicts), reason(conflicts), words(conflicts).not_scaled, words(conflicts).scale,
	])
}

# utilization_shared(hpa, shared) is true when the HPA computes the
# utilization (a share of the requests) of one of the shared resources.
utilization_shared(hpa, shared) if {
	some m in autoscaling.utilization_metrics(hpa)
	m.resource in shared
} else := false

hpas_text(conflicts) := sprintf("HorizontalPodAutoscaler %q scales it on %s", [name, concat(" and ", shared)]) if {
	count(conflicts) == 1
	some [name, shared, _] in conflicts
} else := sprintf("HorizontalPodAutoscalers scale it on them (%s)", [text.and_list([sprintf("%q on %s", [name, concat(" and ", shared)]) | some [name, shared, _] in sort(conflicts)])])

reason(conflicts) := sprintf("as load rises the VPA raises the requests, which lowers the utilization %s, so %s replicas while the VPA evicts pods to resize them, and %s chase each other", [words(conflicts).sees, words(conflicts).removes, words(conflicts).all]) if {
	some [_, _, true] in conflicts
} else := sprintf("%s the replica count on that usage while the VPA resizes the same pods on it and evicts them to apply each new size, so each reacts to what the other just changed and %s chase each other", [words(conflicts).changes, words(conflicts).all])

# words(conflicts) are the phrases that differ for one HPA and several.
words(conflicts) := {
	"sees": "the HPA sees", "removes": "the HPA removes", "changes": "the HPA changes", "all": "the two",
	"not_scaled": "the HPA does not scale on", "scale": "scale the HPA on another metric",
} if {
	count(conflicts) == 1
} else := {
	"sees": "the HPAs see", "removes": "the HPAs remove", "changes": "the HPAs change", "all": "they",
	"not_scaled": "no HPA scales on", "scale": "scale the HPAs on other metrics",
}
