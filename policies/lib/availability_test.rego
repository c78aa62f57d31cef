package lib.prodready.availability_test

import data.lib.prodready.availability
import data.lib.prodready.fixtures

deployment := {
	"apiVersion": "apps/v1", "kind": "Deployment",
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": {"replicas": 3, "template": {"metadata": {"labels": {"app": "api"}}, "spec": {"containers": [{"name": "c"}]}}},
}

hpa(name, min) := {
	"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
	"metadata": {"name": name, "namespace": "shop"},
	"spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "api"}, "minReplicas": min, "maxReplicas": 10},
}

scaled_object(name, spec) := {
	"apiVersion": "keda.sh/v1alpha1", "kind": "ScaledObject",
	"metadata": {"name": name, "namespace": "shop"},
	"spec": object.union({"scaleTargetRef": {"name": "api"}}, spec),
}

template(spec) := {"metadata": {"labels": {"app": "api"}}, "spec": object.union({"containers": [{"name": "c"}]}, spec)}

spread(key) := {"maxSkew": 1, "topologyKey": key, "whenUnsatisfiable": "ScheduleAnyway", "labelSelector": {"matchLabels": {"app": "api"}}}

anti_affinity(required, preferred) := {"affinity": {"podAntiAffinity": {
	"requiredDuringSchedulingIgnoredDuringExecution": required,
	"preferredDuringSchedulingIgnoredDuringExecution": preferred,
}}}

term(key) := {"topologyKey": key, "labelSelector": {"matchLabels": {"app": "api"}}}

test_scales_to_zero if {
	availability.scales_to_zero(deployment) with data.inventory as fixtures.inventory([deployment, scaled_object("so", {})])
	availability.scales_to_zero(deployment) with data.inventory as fixtures.inventory([deployment, scaled_object("so", {"minReplicaCount": 0})])
	not availability.scales_to_zero(deployment) with data.inventory as fixtures.inventory([deployment, scaled_object("so", {"minReplicaCount": 1})])
	not availability.scales_to_zero(deployment) with data.inventory as fixtures.inventory([deployment, hpa("h", 1)])
	not availability.scales_to_zero(deployment) with data.inventory as fixtures.inventory([deployment])
}

test_scales_to_zero_other_target_or_namespace if {
	other_target := scaled_object("so", {"scaleTargetRef": {"name": "web"}})
	not availability.scales_to_zero(deployment) with data.inventory as fixtures.inventory([deployment, other_target])
	other_ns := json.patch(scaled_object("so", {}), [{"op": "replace", "path": "/metadata/namespace", "value": "other"}])
	not availability.scales_to_zero(deployment) with data.inventory as fixtures.inventory([deployment, other_ns])
}

test_spreads if {
	availability.spreads(template({"topologySpreadConstraints": [spread("kubernetes.io/hostname")]}))
	availability.spreads(template(anti_affinity([term("kubernetes.io/hostname")], [])))
	availability.spreads(template(anti_affinity([], [{"weight": 100, "podAffinityTerm": term("kubernetes.io/hostname")}])))
}

test_spreads_not_without_terms if {
	not availability.spreads(template({}))
	not availability.spreads(template({"topologySpreadConstraints": []}))
	not availability.spreads(template({"topologySpreadConstraints": null}))
	not availability.spreads(template({"affinity": {"podAntiAffinity": {}}}))
	not availability.spreads(template(anti_affinity([], [])))
	not availability.spreads(template(anti_affinity(null, null)))

	# Pod affinity brings pods together; it spreads nothing.
	not availability.spreads(template({"affinity": {"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [term("kubernetes.io/hostname")]}}}))
}

test_topology_keys if {
	spec := object.union(
		{"topologySpreadConstraints": [spread("kubernetes.io/hostname")]},
		anti_affinity([term("rack")], [{"weight": 50, "podAffinityTerm": term("topology.kubernetes.io/zone")}]),
	)
	availability.topology_keys(template(spec)) == {"kubernetes.io/hostname", "rack", "topology.kubernetes.io/zone"}
	availability.topology_keys(template({})) == set()
	availability.topology_keys(template({"topologySpreadConstraints": [{"maxSkew": 1}]})) == set()
}
