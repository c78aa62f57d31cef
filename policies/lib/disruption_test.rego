package lib.prodready.disruption_test

import data.lib.prodready.disruption
import data.lib.prodready.fixtures

deployment(name, replicas, labels) := {
	"apiVersion": "apps/v1", "kind": "Deployment",
	"metadata": {"name": name, "namespace": "shop"},
	"spec": {"replicas": replicas, "template": {"metadata": {"labels": labels}, "spec": {"containers": [{"name": "c"}]}}},
}

api := deployment("api", 3, {"app": "api", "tier": "web"})

pdb(api_version, selector) := {
	"apiVersion": api_version, "kind": "PodDisruptionBudget",
	"metadata": {"name": "pdb", "namespace": "shop"},
	"spec": {"selector": selector, "maxUnavailable": 1},
}

hpa(name, min, max) := {
	"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
	"metadata": {"name": name, "namespace": "shop"},
	"spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "api"}, "minReplicas": min, "maxReplicas": max},
}

scaled_object(spec) := {
	"apiVersion": "keda.sh/v1alpha1", "kind": "ScaledObject",
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": object.union({"scaleTargetRef": {"name": "api"}}, spec),
}

test_autoscalers_text if {
	inv := fixtures.inventory([api, hpa("api", 3, 10), scaled_object({})])
	disruption.autoscalers_text(api) == "HorizontalPodAutoscaler api (3-10 replicas) and ScaledObject api (0-100 replicas)" with data.inventory as inv
	disruption.autoscalers_text(api) == "" with data.inventory as {}
}

test_selects_v1_semantics if {
	disruption.selects(pdb("policy/v1", {"matchLabels": {"app": "api"}}), api.spec.template.metadata.labels)
	disruption.selects(pdb("policy/v1", {}), api.spec.template.metadata.labels)
	disruption.selects(pdb("policy/v1", {}), {})
	not disruption.selects(pdb("policy/v1", null), api.spec.template.metadata.labels)
	not disruption.selects(json.remove(pdb("policy/v1", {}), ["spec/selector"]), api.spec.template.metadata.labels)
	not disruption.selects(pdb("policy/v1", {"matchLabels": {"app": "web"}}), api.spec.template.metadata.labels)
}

test_selects_match_expressions if {
	in_expr := {"matchExpressions": [{"key": "app", "operator": "In", "values": ["api", "web"]}]}
	disruption.selects(pdb("policy/v1", in_expr), api.spec.template.metadata.labels)
	not_in := {"matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["web"]}]}
	not disruption.selects(pdb("policy/v1", not_in), api.spec.template.metadata.labels)
}

test_v1beta1_empty_selector_selects_nothing if {
	not disruption.selects(pdb("policy/v1beta1", {}), api.spec.template.metadata.labels)
	not disruption.selects(pdb("policy/v1beta1", {"matchLabels": {}, "matchExpressions": []}), api.spec.template.metadata.labels)
	disruption.selects(pdb("policy/v1beta1", {"matchLabels": {"app": "api"}}), api.spec.template.metadata.labels)
	disruption.selects(pdb("policy/v1beta1", {"matchExpressions": [{"key": "app", "operator": "Exists"}]}), api.spec.template.metadata.labels)
}

test_pdbs_and_selected_workloads if {
	p := pdb("policy/v1", {"matchLabels": {"app": "api"}})
	web := deployment("web", 2, {"app": "web"})
	other_ns := json.patch(p, [{"op": "replace", "path": "/metadata/namespace", "value": "other"}, {"op": "replace", "path": "/metadata/name", "value": "elsewhere"}])
	inv := fixtures.inventory([api, web, p, other_ns])
	disruption.pdbs(api) == {p} with data.inventory as inv
	disruption.pdbs(web) == set() with data.inventory as inv
	disruption.selected_workloads(p) == {api} with data.inventory as inv
	disruption.selected_replicated(p) == {api} with data.inventory as inv
	disruption.selected_workloads(other_ns) == set() with data.inventory as inv
}

test_selected_replicated_skips_daemon_sets if {
	p := pdb("policy/v1", {})
	ds := object.union(deployment("agent", 1, {"app": "agent"}), {"kind": "DaemonSet"})
	inv := fixtures.inventory([api, ds, p])
	disruption.selected_workloads(p) == {api, ds} with data.inventory as inv
	disruption.selected_replicated(p) == {api} with data.inventory as inv
}

test_kept if {
	disruption.kept(2, 5) == 2
	disruption.kept("80%", 5) == 4
	disruption.kept("50%", 3) == 2
	disruption.kept("100%", 3) == 3
	disruption.kept("1%", 3) == 1
	disruption.kept("0%", 3) == 0
	not disruption.kept("two", 3)
	not disruption.kept("x%", 3)
	not disruption.kept("2", 3)
}

test_texts if {
	disruption.label_text({"tier": "web", "app": "api"}) == "app=api, tier=web"
	disruption.label_text({}) == "none"
	disruption.selector_text(null) == "no selector"
	disruption.selector_text({}) == "{} (every pod)"
	sel := {"matchLabels": {"app": "api"}, "matchExpressions": [
		{"key": "track", "operator": "In", "values": ["stable", "canary"]},
		{"key": "legacy", "operator": "DoesNotExist"},
		{"key": "tier", "operator": "Exists"},
	]}
	disruption.selector_text(sel) == "app=api, track In (stable, canary), legacy does not exist, tier exists"
	disruption.describe_workload(api) == "Deployment api"
}

# operator_resource(kind, labels) is a custom resource of kind in namespace shop.
operator_resource(kind, labels) := {
	"apiVersion": "example.com/v1", "kind": kind,
	"metadata": {"name": lower(kind), "namespace": "shop", "labels": labels},
}

test_every_operator_kind_is_looked_up if {
	every kind in disruption.operator_kinds {
		cr := operator_resource(kind, {"app": "x"})
		disruption.operator_resources("shop") == {cr} with data.inventory as fixtures.inventory([cr])
	}
}

test_operator_resources_ignore_other_kinds_and_namespaces if {
	cm := operator_resource("ConfigMap", {"app": "x"})
	cr := json.patch(operator_resource("Prometheus", {"app": "x"}), [{"op": "replace", "path": "/metadata/namespace", "value": "other"}])
	disruption.operator_resources("shop") == set() with data.inventory as fixtures.inventory([cm, cr])
}

test_selects_operator_resource if {
	prom := operator_resource("Prometheus", {"app.kubernetes.io/name": "prometheus"})
	inv := fixtures.inventory([prom])
	disruption.selects_operator_resource(pdb("policy/v1", {"matchLabels": {"app.kubernetes.io/name": "prometheus"}})) with data.inventory as inv
	not disruption.selects_operator_resource(pdb("policy/v1", {"matchLabels": {"app": "prometheus"}})) with data.inventory as inv
}

test_selects_operator_pod_metadata_labels if {
	prom := object.union(operator_resource("Prometheus", {}), {"spec": {"podMetadata": {"labels": {"team": "sre"}}}})
	disruption.selects_operator_resource(pdb("policy/v1", {"matchLabels": {"team": "sre"}})) with data.inventory as fixtures.inventory([prom])
}
