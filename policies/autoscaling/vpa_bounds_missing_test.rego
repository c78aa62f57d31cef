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

# risk_and_fix(missing) is the end of a message on a policy missing bounds.
risk_and_fix("maxAllowed") := "a recommendation can grow past what a node holds (pods stay Pending); set maxAllowed"

risk_and_fix("minAllowed") := "a recommendation can shrink to almost nothing after a quiet spell (throttled or OOM-killed at the next peak); set minAllowed"

risk_and_fix("minAllowed or maxAllowed") := sprintf("%s; set both minAllowed and maxAllowed", [risk])

no_policies(mode) := {"msg": sprintf("VerticalPodAutoscaler (updateMode %s) sets no resourcePolicy.containerPolicies, so no minAllowed or maxAllowed bounds the requests it sets for Deployment \"api\": %s; add a containerPolicy (containerName \"*\") with minAllowed and maxAllowed", [mode, risk])}

wildcard(missing) := {"msg": sprintf("VerticalPodAutoscaler (updateMode Auto) sets no %s in its containerPolicy for every container (\"*\") of Deployment \"api\": %s", [missing, risk_and_fix(missing)])}

named(container, missing) := {
	"msg": sprintf("VerticalPodAutoscaler (updateMode Auto) sets no %s in the containerPolicy of container %q of Deployment \"api\": %s", [missing, container, risk_and_fix(missing)]),
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
	review := {"review": {"object": vpa(policies([bounded("app")]))}, "parameters": {"rules": {"vpa-bounds-missing": {}}}}
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

test_the_first_policy_naming_a_container_is_the_one_judged if {
	# The VPA applies the first policy naming a container: one finding, on its bounds.
	v := vpa(policies([bounded("*"), {"containerName": "app", "minAllowed": {"cpu": "100m"}}, {"containerName": "app", "maxAllowed": {}}]))
	check(v, [deployment]) == {named("app", "maxAllowed")}
	w := vpa(policies([bounded("*"), bounded("app"), {"containerName": "app"}]))
	count(check(w, [deployment])) == 0
	x := vpa(policies([{"containerName": "*", "minAllowed": {"cpu": "100m"}}, {"containerName": "*", "maxAllowed": {"cpu": "2"}}]))
	check(x, [deployment]) == {wildcard("maxAllowed")}
}

test_passes_for_a_policy_of_a_container_the_target_lacks if {
	v := vpa(policies([bounded("*"), {"containerName": "istio-proxy", "controlledResources": ["memory"]}]))
	count(check(v, [deployment])) == 0

	# Without the target in the input, its containers are unknown: reported.
	check(v, []) == {named("istio-proxy", "minAllowed or maxAllowed")}

	# An init container is one of its containers.
	with_init := json.patch(deployment, [{"op": "add", "path": "/spec/template/spec/initContainers", "value": [{"name": "istio-proxy"}]}])
	check(v, [with_init]) == {named("istio-proxy", "minAllowed or maxAllowed")}
}

test_one_finding_per_container_and_one_without if {
	# Every clause at once: a "*" policy missing a bound, a named policy missing one.
	v := vpa(policies([{"containerName": "*", "minAllowed": {"cpu": "100m"}}, {"containerName": "app", "maxAllowed": {"cpu": "2"}}, {"containerName": "proxy"}]))
	check(v, [deployment]) == {wildcard("maxAllowed"), named("app", "minAllowed"), named("proxy", "minAllowed or maxAllowed")}
}

test_reads_the_containers_of_a_rollouts_deployment if {
	rollout := {
		"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout",
		"metadata": {"name": "api", "namespace": "shop"},
		"spec": {"replicas": 3, "workloadRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "api-template"}},
	}
	template := json.patch(deployment, [{"op": "replace", "path": "/metadata/name", "value": "api-template"}])
	v := json.patch(vpa(policies([bounded("app")])), [{"op": "replace", "path": "/spec/targetRef", "value": {"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "name": "api"}}])
	check(v, [rollout, template]) == {{
		"msg": sprintf("VerticalPodAutoscaler (updateMode Auto) sets the requests of container \"proxy\" of Rollout \"api\" with no containerPolicy for it (none names it and there is no \"*\" policy), so no minAllowed or maxAllowed bounds them: %s; add a containerPolicy for it, or a \"*\" one, with minAllowed and maxAllowed", [risk]),
		"container": "proxy",
	}}
	count(check(v, [rollout])) == 0
}
