package prodready.rules.hpa_scale_down_unstable_test

import data.prodready.rules.hpa_scale_down_unstable

hpa(behavior) := {
	"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "api"}, "minReplicas": 3, "maxReplicas": 10, "behavior": behavior},
}

finding(window, minimum) := {"msg": sprintf("HorizontalPodAutoscaler scales Deployment \"api\" in after a scale-down stabilization window of %vs, shorter than %vs: it removes pods as soon as load dips between bursts and adds them back at the next one, so replicas flap and every cycle pays a cold start; set behavior.scaleDown.stabilizationWindowSeconds to at least %v (the Kubernetes default is 300)", [window, minimum, minimum]), "field": ["spec", "behavior", "scaleDown", "stabilizationWindowSeconds"]}

test_fires_for_short_window if {
	h := hpa({"scaleDown": {"stabilizationWindowSeconds": 60, "policies": [{"type": "Percent", "value": 100, "periodSeconds": 15}]}})
	hpa_scale_down_unstable.findings == {finding(60, 300)} with input as h
}

test_fires_for_zero_window if {
	h := hpa({"scaleDown": {"stabilizationWindowSeconds": 0}, "scaleUp": {"stabilizationWindowSeconds": 0}})
	hpa_scale_down_unstable.findings == {finding(0, 300)} with input as h
}

test_fires_with_select_policy_max if {
	h := hpa({"scaleDown": {"stabilizationWindowSeconds": 120, "selectPolicy": "Max"}})
	hpa_scale_down_unstable.findings == {finding(120, 300)} with input as h
}

test_fires_with_overridden_minimum if {
	h := hpa({"scaleDown": {"stabilizationWindowSeconds": 300}})
	hpa_scale_down_unstable.findings == {finding(300, 600)} with input as h
		with data.lib.parameters as {"hpa-scale-down-unstable": {"minSeconds": 600}}
}

test_fires_under_gatekeeper_review if {
	review := {"review": {"object": hpa({"scaleDown": {"stabilizationWindowSeconds": 200}})}, "parameters": {"rules": {"hpa-scale-down-unstable": {"minSeconds": 240}}}}
	hpa_scale_down_unstable.findings == {finding(200, 240)} with input as review
}

test_passes_at_minimum if {
	count(hpa_scale_down_unstable.findings) == 0 with input as hpa({"scaleDown": {"stabilizationWindowSeconds": 300}})
	count(hpa_scale_down_unstable.findings) == 0 with input as hpa({"scaleDown": {"stabilizationWindowSeconds": 900}})
}

test_passes_when_window_unset if {
	# Unset, the scale-down window is the Kubernetes default of 300 seconds.
	count(hpa_scale_down_unstable.findings) == 0 with input as hpa({"scaleDown": {"policies": [{"type": "Pods", "value": 1, "periodSeconds": 60}]}})
	count(hpa_scale_down_unstable.findings) == 0 with input as hpa({"scaleUp": {"stabilizationWindowSeconds": 0}})
	count(hpa_scale_down_unstable.findings) == 0 with input as json.remove(hpa({}), ["spec/behavior"])
}

test_passes_for_short_scale_up_window if {
	count(hpa_scale_down_unstable.findings) == 0 with input as hpa({"scaleUp": {"stabilizationWindowSeconds": 0}, "scaleDown": {"stabilizationWindowSeconds": 600}})
}

test_passes_when_scale_down_disabled if {
	count(hpa_scale_down_unstable.findings) == 0 with input as hpa({"scaleDown": {"stabilizationWindowSeconds": 0, "selectPolicy": "Disabled"}})
}

test_passes_with_raised_window_under_gatekeeper if {
	review := {"review": {"object": hpa({"scaleDown": {"stabilizationWindowSeconds": 120}})}, "parameters": {"rules": {"hpa-scale-down-unstable": {"minSeconds": 120}}}}
	count(hpa_scale_down_unstable.findings) == 0 with input as review
}

test_skips_keda_owned_hpa if {
	keda := object.union(hpa({"scaleDown": {"stabilizationWindowSeconds": 30}}), {"metadata": {"ownerReferences": [{"kind": "ScaledObject", "name": "api"}]}})
	count(hpa_scale_down_unstable.findings) == 0 with input as keda
}

test_skips_other_kinds if {
	deployment := {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "api", "namespace": "shop"}, "spec": {"behavior": {"scaleDown": {"stabilizationWindowSeconds": 30}}}}
	count(hpa_scale_down_unstable.findings) == 0 with input as deployment
}
