package prodready.rules.zone_spread_missing_test

import data.prodready.rules.zone_spread_missing

workload(kind, pod_spec) := {
	"apiVersion": "apps/v1",
	"kind": kind,
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": {"replicas": 3, "template": {
		"metadata": {"labels": {"app": "api"}},
		"spec": object.union({"containers": [{"name": "api"}]}, pod_spec),
	}},
}

deployment(pod_spec) := workload("Deployment", pod_spec)

selector := {"matchLabels": {"app": "api"}}

spread(key) := {"maxSkew": 1, "topologyKey": key, "whenUnsatisfiable": "ScheduleAnyway", "labelSelector": selector}

required(key) := {"affinity": {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [{"topologyKey": key, "labelSelector": selector}]}}}

preferred(key) := {"affinity": {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 100, "podAffinityTerm": {"topologyKey": key, "labelSelector": selector}}]}}}

finding(kind, keys) := {"msg": sprintf("%s \"api\" spreads its pods over %s but never over topology.kubernetes.io/zone: every replica may still land in one zone, and a zone outage takes them all down; add a topologySpreadConstraint on topology.kubernetes.io/zone with a labelSelector matching the pod labels", [kind, keys])}

test_fires_for_hostname_spread if {
	obj := deployment({"topologySpreadConstraints": [spread("kubernetes.io/hostname")]})
	zone_spread_missing.findings == {finding("Deployment", "kubernetes.io/hostname")} with input as obj
}

test_fires_for_required_anti_affinity if {
	zone_spread_missing.findings == {finding("Deployment", "kubernetes.io/hostname")} with input as deployment(required("kubernetes.io/hostname"))
}

test_fires_for_preferred_anti_affinity if {
	zone_spread_missing.findings == {finding("Deployment", "kubernetes.io/hostname")} with input as deployment(preferred("kubernetes.io/hostname"))
}

test_fires_listing_every_key if {
	obj := deployment(object.union(
		{"topologySpreadConstraints": [spread("kubernetes.io/hostname"), spread("topology.kubernetes.io/region")]},
		required("rack"),
	))
	zone_spread_missing.findings == {finding("Deployment", "kubernetes.io/hostname, rack, topology.kubernetes.io/region")} with input as obj
}

test_fires_for_deprecated_zone_label if {
	obj := deployment({"topologySpreadConstraints": [spread("failure-domain.beta.kubernetes.io/zone")]})
	zone_spread_missing.findings == {finding("Deployment", "failure-domain.beta.kubernetes.io/zone")} with input as obj
}

test_fires_for_statefulset_and_cronjob if {
	zone_spread_missing.findings == {finding("StatefulSet", "kubernetes.io/hostname")} with input as workload("StatefulSet", required("kubernetes.io/hostname"))
	cronjob := {
		"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "api", "namespace": "shop"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "c"}], "topologySpreadConstraints": [spread("kubernetes.io/hostname")]}}}}},
	}
	zone_spread_missing.findings == {finding("CronJob", "kubernetes.io/hostname")} with input as cronjob
}

test_fires_under_gatekeeper_review if {
	review := {"review": {"object": deployment(required("kubernetes.io/hostname"))}, "parameters": {"rules": {"zone-spread-missing": {}}}}
	zone_spread_missing.findings == {finding("Deployment", "kubernetes.io/hostname")} with input as review
}

test_passes_with_zone_spread if {
	count(zone_spread_missing.findings) == 0 with input as deployment({"topologySpreadConstraints": [spread("topology.kubernetes.io/zone")]})
}

test_passes_with_zone_among_other_keys if {
	obj := deployment(object.union(
		{"topologySpreadConstraints": [spread("kubernetes.io/hostname")]},
		preferred("topology.kubernetes.io/zone"),
	))
	count(zone_spread_missing.findings) == 0 with input as obj
	count(zone_spread_missing.findings) == 0 with input as deployment(required("topology.kubernetes.io/zone"))
}

test_passes_without_any_spread if {
	# No spreading at all is pod-spread-missing's finding.
	count(zone_spread_missing.findings) == 0 with input as deployment({})
	count(zone_spread_missing.findings) == 0 with input as deployment({"topologySpreadConstraints": []})
	count(zone_spread_missing.findings) == 0 with input as deployment({"affinity": {"podAntiAffinity": {}}})
	affinity := {"affinity": {"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [{"topologyKey": "kubernetes.io/hostname", "labelSelector": selector}]}}}
	count(zone_spread_missing.findings) == 0 with input as deployment(affinity)
}

test_skips_non_workloads if {
	obj := json.patch(deployment(required("kubernetes.io/hostname")), [{"op": "replace", "path": "/kind", "value": "Service"}])
	count(zone_spread_missing.findings) == 0 with input as obj
	helm_test := json.patch(deployment(required("kubernetes.io/hostname")), [{"op": "add", "path": "/metadata/annotations", "value": {"helm.sh/hook": "test-success"}}])
	count(zone_spread_missing.findings) == 0 with input as helm_test
}
