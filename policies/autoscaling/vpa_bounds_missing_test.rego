package prodready.rules.vpa_bounds_missing_test

import data.lib.prodready.fixtures
import data.prodready.rules.vpa_bounds_missing

deployment := {
	"apiVersion": "apps/v1", "kind": "Deployment",
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": {"template": {"metadata": {"labels": {"app": "api"}}, "spec": {"containers": [{"name": "app"}, {"name": "proxy"}]}}},
}

vpa(spec) := {
	"apiVersion": "autoscaling.k8s.io/v1", "kind": "VerticalPodAutoscaler",
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": object.union({"targetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "api"}}, spec),
}

policies(list) := {"resourcePolicy": {"containerPolicies": list}}

bounds := {"minAllowed": {"cpu": "100m", "memory": "128Mi"}, "maxAllowed": {"cpu": "2", "memory": "4Gi"}}

bounded(name) := object.union({"containerName": name}, bounds)

check(obj, objs) := result if {
	result := vpa_bounds_missing.findings with input as obj with data.inventory as fixtures.inventory(array.concat([obj], objs))
}

risk := "a recommendation can grow past what a node holds (pods stay Pending) or shrink to almost nothing after a quiet spell (throttled or OOM-killed at the next peak)"

no_policies(mode) := {"msg": sprintf("VerticalPodAutoscaler (updateMode %s) sets no resourcePolicy.containerPolicies, so no minAllowed or maxAllowed bounds the requests it sets for Deployment \"api\": %s; add a containerPolicy (containerName \"*\") with minAllowed and maxAllowed", [mode, risk])}

wildcard(missing) := {"msg": sprintf("VerticalPodAutoscaler (updateMode Auto) sets no %s in its containerPolicy for every container (\"*\") of Deployment \"api\": %s; set both minAllowed and maxAllowed", [missing, risk])}

named(container, missing) := {
	"msg": sprintf("VerticalPodAutoscaler (updateMode Auto) sets no %s in the containerPolicy of container %q of Deployment \"api\": %s; set both minAllowed and maxAllowed", [missing, container, risk]),
	"container": container,
}

unnamed(container) := {
	"msg": sprintf("VerticalPodAutoscaler (updateMode Auto) sets the requests of container %q of Deployment \"api\" with no containerPolicy for it (none names it and there is no \"*\" policy), so no minAllowed or maxAllowed bounds them: %s; add a containerPolicy for it, or a \"*\" one, with minAllowed and maxAllowed", [container, risk]),
	"container": container,
}

test_fires_without_policies if {
	check(vpa({}), [deployment]) == {no_policies("Auto")}
	check(vpa(policies([])), []) == {no_policies("Auto")}
}

test_fires_for_every_mode_that_applies_changes if {
	check(vpa({"updatePolicy": {"updateMode": "Initial"}}), []) == {no_policies("Initial")}
	check(vpa({"updatePolicy": {"updateMode": "Recreate"}}), []) == {no_policies("Recreate")}
	check(vpa({"updatePolicy": {"updateMode": "InPlaceOrRecreate"}}), []) == {no_policies("InPlaceOrRecreate")}
}

test_fires_for_a_wildcard_policy_without_max if {
	v := vpa(policies([{"containerName": "*", "minAllowed": {"cpu": "100m"}, "controlledResources": ["cpu", "memory"]}]))
	check(v, [deployment]) == {wildcard("maxAllowed")}
}

test_fires_for_empty_bounds if {
	v := vpa(policies([{"containerName": "*", "minAllowed": {}, "maxAllowed": {"memory": "2Gi"}}]))
	check(v, []) == {wildcard("minAllowed")}
}

test_fires_for_a_named_policy_without_bounds if {
	v := vpa(policies([bounded("*"), {"containerName": "app", "controlledResources": ["memory"]}]))
	check(v, [deployment]) == {named("app", "minAllowed or maxAllowed")}
}

test_fires_for_containers_no_policy_names if {
	v := vpa(policies([bounded("app")]))
	check(v, [deployment]) == {unnamed("proxy")}
}

test_fires_under_gatekeeper_review if {
	review := {"review": {"object": vpa(policies([bounded("app")]))}, "parameters": {}}
	result := vpa_bounds_missing.findings with input as review with data.inventory as fixtures.inventory([deployment])
	result == {unnamed("proxy")}
}

test_passes_with_wildcard_bounds if {
	count(check(vpa(policies([bounded("*")])), [deployment])) == 0
}

test_passes_with_every_container_bounded if {
	count(check(vpa(policies([bounded("app"), bounded("proxy")])), [deployment])) == 0
}

test_passes_for_containers_in_mode_off if {
	v := vpa(policies([bounded("*"), {"containerName": "proxy", "mode": "Off"}]))
	count(check(v, [deployment])) == 0
	w := vpa(policies([bounded("app"), {"containerName": "proxy", "mode": "Off"}]))
	count(check(w, [deployment])) == 0
}

test_passes_when_unnamed_containers_cannot_be_seen if {
	# Without the target in the input, the containers no policy names are unknown.
	count(check(vpa(policies([bounded("app")])), [])) == 0
}

test_passes_in_mode_off if {
	count(check(vpa({"updatePolicy": {"updateMode": "Off"}}), [deployment])) == 0
}

test_skips_other_kinds if {
	count(check(deployment, [vpa({})])) == 0
	count(check(object.union(vpa({}), {"apiVersion": "example.com/v1"}), [])) == 0
}

test_two_policies_for_one_container_give_one_finding if {
	v := vpa(policies([bounded("*"), {"containerName": "app", "minAllowed": {"cpu": "100m"}}, {"containerName": "app", "maxAllowed": {}}]))
	check(v, [deployment]) == {named("app", "minAllowed or maxAllowed")}
}
