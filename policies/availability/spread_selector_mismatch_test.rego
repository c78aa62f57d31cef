package prodready.rules.spread_selector_mismatch_test

import data.prodready.rules.spread_selector_mismatch

labels := {"app": "api", "tier": "web"}

workload(kind, constraints) := {
	"apiVersion": "apps/v1",
	"kind": kind,
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": {"replicas": 3, "template": {
		"metadata": {"labels": labels},
		"spec": {"containers": [{"name": "api"}], "topologySpreadConstraints": constraints},
	}},
}

deployment(constraints) := workload("Deployment", constraints)

spread(key, selector) := {"maxSkew": 1, "topologyKey": key, "whenUnsatisfiable": "ScheduleAnyway", "labelSelector": selector}

zone(selector) := spread("topology.kubernetes.io/zone", selector)

tail := "it never counts the workload's own pods, so it does not keep them apart and the replicas may all land on one node or in one zone; make each labelSelector match the pod template's labels"

finding(kind, i, key, selector_json, labels_json) := {"msg": sprintf("%s \"api\" %s: %s", [kind, mismatch(i, key, selector_json, labels_json), tail])}

mismatch(i, key, selector_json, labels_json) := sprintf("topologySpreadConstraints[%d] (topologyKey %s) has labelSelector %s, which does not match the pod template's labels %s", [i, key, selector_json, labels_json])

no_selector(kind, i, key) := {"msg": sprintf("%s \"api\" topologySpreadConstraints[%d] (topologyKey %s) has no labelSelector: %s", [kind, i, key, tail])}

labels_json := `{"app":"api","tier":"web"}`

test_fires_for_other_app_label if {
	obj := deployment([zone({"matchLabels": {"app": "web"}})])
	spread_selector_mismatch.findings == {finding("Deployment", 0, "topology.kubernetes.io/zone", `{"matchLabels":{"app":"web"}}`, labels_json)} with input as obj
}

test_fires_for_label_the_pods_lack if {
	obj := deployment([zone({"matchLabels": {"app": "api", "version": "v2"}})])
	spread_selector_mismatch.findings == {finding("Deployment", 0, "topology.kubernetes.io/zone", `{"matchLabels":{"app":"api","version":"v2"}}`, labels_json)} with input as obj
}

test_fires_for_match_expressions_that_exclude_the_pods if {
	in_other := {"matchExpressions": [{"key": "tier", "operator": "In", "values": ["db"]}]}
	not_in := {"matchExpressions": [{"key": "app", "operator": "NotIn", "values": ["api"]}]}
	does_not_exist := {"matchExpressions": [{"key": "app", "operator": "DoesNotExist"}]}
	exists_missing := {"matchExpressions": [{"key": "component", "operator": "Exists"}]}
	every selector in [in_other, not_in, does_not_exist, exists_missing] {
		spread_selector_mismatch.findings == {finding("Deployment", 0, "topology.kubernetes.io/zone", json.marshal(selector), labels_json)} with input as deployment([zone(selector)])
	}
}

test_fires_without_label_selector if {
	# A constraint without labelSelector counts no pods.
	no_sel := {"maxSkew": 1, "topologyKey": "kubernetes.io/hostname", "whenUnsatisfiable": "DoNotSchedule"}
	spread_selector_mismatch.findings == {no_selector("Deployment", 0, "kubernetes.io/hostname")} with input as deployment([no_sel])
	null_sel := object.union(no_sel, {"labelSelector": null})
	spread_selector_mismatch.findings == {no_selector("Deployment", 0, "kubernetes.io/hostname")} with input as deployment([null_sel])
}

test_fires_once_for_several_constraints if {
	obj := deployment([
		spread("kubernetes.io/hostname", {"matchLabels": {"app": "api"}}),
		zone({"matchLabels": {"app": "checkout"}}),
		{"maxSkew": 1, "whenUnsatisfiable": "ScheduleAnyway"},
	])

	# One finding names every constraint that misses.
	msg := sprintf("Deployment \"api\" %s; topologySpreadConstraints[2] (topologyKey unset) has no labelSelector: they never count the workload's own pods, so they do not keep them apart and the replicas may all land on one node or in one zone; make each labelSelector match the pod template's labels", [mismatch(1, "topology.kubernetes.io/zone", `{"matchLabels":{"app":"checkout"}}`, labels_json)])
	spread_selector_mismatch.findings == {{"msg": msg}} with input as obj
}

test_fires_when_template_has_no_labels if {
	obj := json.remove(deployment([zone({"matchLabels": {"app": "api"}})]), ["spec/template/metadata/labels"])
	spread_selector_mismatch.findings == {finding("Deployment", 0, "topology.kubernetes.io/zone", `{"matchLabels":{"app":"api"}}`, "{}")} with input as obj
}

test_fires_for_pod_and_cronjob if {
	pod := {
		"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "api", "namespace": "shop", "labels": labels},
		"spec": {"containers": [{"name": "c"}], "topologySpreadConstraints": [zone({"matchLabels": {"app": "web"}})]},
	}
	spread_selector_mismatch.findings == {finding("Pod", 0, "topology.kubernetes.io/zone", `{"matchLabels":{"app":"web"}}`, labels_json)} with input as pod
	cronjob := {
		"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "api", "namespace": "shop"},
		"spec": {"jobTemplate": {"spec": {"template": {"metadata": {"labels": labels}, "spec": {"containers": [{"name": "c"}], "topologySpreadConstraints": [zone({"matchLabels": {"app": "web"}})]}}}}},
	}
	spread_selector_mismatch.findings == {finding("CronJob", 0, "topology.kubernetes.io/zone", `{"matchLabels":{"app":"web"}}`, labels_json)} with input as cronjob
}

test_fires_under_gatekeeper_review if {
	review := {"review": {"object": workload("StatefulSet", [zone({"matchLabels": {"app": "web"}})])}, "parameters": {"rules": {"spread-selector-mismatch": {}}}}
	spread_selector_mismatch.findings == {finding("StatefulSet", 0, "topology.kubernetes.io/zone", `{"matchLabels":{"app":"web"}}`, labels_json)} with input as review
}

test_passes_when_selector_matches if {
	count(spread_selector_mismatch.findings) == 0 with input as deployment([zone({"matchLabels": {"app": "api"}})])
	count(spread_selector_mismatch.findings) == 0 with input as deployment([zone({"matchLabels": labels})])
}

test_passes_with_matching_expressions if {
	selector := {
		"matchLabels": {"app": "api"},
		"matchExpressions": [
			{"key": "tier", "operator": "In", "values": ["web", "edge"]},
			{"key": "track", "operator": "NotIn", "values": ["canary"]},
			{"key": "app", "operator": "Exists"},
			{"key": "debug", "operator": "DoesNotExist"},
		],
	}
	count(spread_selector_mismatch.findings) == 0 with input as deployment([zone(selector)])
}

test_passes_with_empty_selector if {
	# {} matches every pod, the workload's own included.
	count(spread_selector_mismatch.findings) == 0 with input as deployment([zone({})])
}

test_passes_with_match_label_keys if {
	# matchLabelKeys only narrows to the pod's own values: still its own pods.
	constraint := object.union(zone({"matchLabels": {"app": "api"}}), {"matchLabelKeys": ["pod-template-hash"]})
	count(spread_selector_mismatch.findings) == 0 with input as deployment([constraint])
}

test_passes_without_constraints if {
	count(spread_selector_mismatch.findings) == 0 with input as deployment([])
	count(spread_selector_mismatch.findings) == 0 with input as json.remove(deployment([]), ["spec/template/spec/topologySpreadConstraints"])
}

test_ignores_anti_affinity_selectors if {
	# Anti-affinity against other apps' pods is legitimate; only spread constraints are checked.
	obj := json.patch(deployment([]), [{"op": "add", "path": "/spec/template/spec/affinity", "value": {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [{"topologyKey": "kubernetes.io/hostname", "labelSelector": {"matchLabels": {"app": "db"}}}]}}}])
	count(spread_selector_mismatch.findings) == 0 with input as obj
}

test_skips_non_workloads if {
	obj := json.patch(deployment([zone({"matchLabels": {"app": "web"}})]), [{"op": "replace", "path": "/kind", "value": "PodTemplate"}])
	count(spread_selector_mismatch.findings) == 0 with input as obj
}
