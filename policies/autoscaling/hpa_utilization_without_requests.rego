# METADATA
# title: HPA scales on utilization of a resource its pods do not request
# description: >-
#   A HorizontalPodAutoscaler scales on cpu or memory utilization and a
#   container of the workload it targets has no request for that resource.
#   Utilization is usage divided by the request, so the HPA cannot compute it:
#   it reports FailedGetResourceMetric ("missing request for cpu") and does
#   not scale on that metric; when it is the HPA's only metric (or the
#   default), the workload stays at its current replica count, usually
#   noticed only when a traffic peak overloads it. Utilization metrics are
#   autoscaling/v2 metrics of type Resource (every container of the pod) or
#   ContainerResource (the named container) with target.type Utilization
#   (targetAverageUtilization in v2beta1), an autoscaling/v1 HPA's
#   targetCPUUtilizationPercentage, and the default of an HPA without metrics
#   (80% average CPU utilization). Kubernetes defaulting counts: a container
#   with only a limit gets a request equal to it. The target is looked up in
#   the HPA's namespace by kind and name; a target missing from the input is
#   hpa-target-missing's concern. An Argo Rollout with spec.workloadRef runs
#   the pod template of the Deployment it references: its containers are
#   the ones checked. One finding per container, naming every resource it
#   lacks a request for.
# custom:
#   id: hpa-utilization-without-requests
#   severity: high
#   profile: baseline
#   kinds: [HorizontalPodAutoscaler]
#   version: 2.0.0
#   remediation: >-
#     Give every container of the target's pod template (sidecars included)
#     a request for the resource the HPA scales on, sized from its typical
#     usage. Or scale on an AverageValue target, which needs no request, or
#     on a ContainerResource metric of the main container only.
package prodready.rules.hpa_utilization_without_requests

import data.lib.prodready.autoscaling
import data.lib.prodready.resources
import data.lib.prodready.review

findings contains {"msg": msg, "container": name} if {
	hpa := review.object
	autoscaling.hpa(hpa)
	containers := autoscaling.target_containers(hpa)
	some name in {container.name | some container in containers}

	# One finding per container, even if the input repeats the target.
	missing := sort({r | some container in containers; container.name == name; some r in missing_resources(hpa, container)})
	count(missing) > 0
	msg := sprintf("HorizontalPodAutoscaler scales %s on %s, but its container %q has no %s request (nor a limit that defaults it): the HPA cannot compute utilization (FailedGetResourceMetric) and does not scale on it; set resources.requests.%s on container %q", [autoscaling.describe_target(hpa), metrics_text(hpa, {"name": name}, missing), name, concat(" or ", missing), concat(" and requests.", missing), name])
}

# metrics(hpa, container) are the HPA's utilization metrics that need a
# request of container.
metrics(hpa, container) := {m |
	some m in autoscaling.utilization_metrics(hpa)
	m.container in {"", container.name}
}

# missing_resources(hpa, container) are the resources, sorted, the HPA
# computes utilization of and container has no request for.
missing_resources(hpa, container) := sort({m.resource |
	some m in metrics(hpa, container)
	not resources.has_request_or_limit(container, m.resource)
})

metrics_text(hpa, container, missing) := concat(" and ", sort({text |
	some m in metrics(hpa, container)
	m.resource in missing
	text := autoscaling.describe_utilization(m)
})) if {
	not autoscaling.default_metrics(hpa)
} else := sprintf("cpu utilization (%v%%, the default of an HPA without metrics)", [autoscaling.default_cpu_utilization])
