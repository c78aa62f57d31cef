package prodready.rules.pdb_selector_matches_nothing_test

import data.lib.prodready.fixtures
import data.prodready.rules.pdb_selector_matches_nothing

pdb(selector) := {
	"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": {"maxUnavailable": 1, "selector": selector},
}

workload(kind, name, labels) := {
	"apiVersion": "apps/v1", "kind": kind,
	"metadata": {"name": name, "namespace": "shop"},
	"spec": {"replicas": 3, "template": {"metadata": {"labels": labels}, "spec": {"containers": [{"name": "c"}]}}},
}

api := workload("Deployment", "api", {"app.kubernetes.io/name": "api"})

check(p, objs) := result if {
	result := pdb_selector_matches_nothing.findings with input as p with data.inventory as fixtures.inventory(array.concat([p], objs))
}

finding(selector, workloads) := {"msg": sprintf("its selector (%s) matches the pod labels of no workload in namespace \"shop\" (%s) and the labels of no operator's resource: it protects nothing, and a node drain may evict every replica of the service it was meant for at once; make spec.selector match the pod template labels of that workload", [selector, workloads])}

api_text := "Deployment/api: app.kubernetes.io/name=api"

test_fires_after_a_relabelling if {
	check(pdb({"matchLabels": {"app": "api"}}), [api]) == {finding("app=api", api_text)}
}

test_fires_when_one_label_of_several_differs if {
	p := pdb({"matchLabels": {"app.kubernetes.io/name": "api", "tier": "web"}})
	check(p, [api]) == {finding("app.kubernetes.io/name=api, tier=web", api_text)}
}

test_fires_for_match_expressions if {
	sel := {"matchExpressions": [{"key": "app.kubernetes.io/name", "operator": "NotIn", "values": ["api"]}]}
	check(pdb(sel), [api]) == {finding("app.kubernetes.io/name NotIn (api)", api_text)}
}

test_fires_without_selector if {
	p := json.remove(pdb({}), ["spec/selector"])
	check(p, [api]) == {finding("no selector", api_text)}
}

test_fires_for_v1beta1_empty_selector if {
	p := object.union(pdb({}), {"apiVersion": "policy/v1beta1"})
	check(p, [api]) == {finding("an empty selector, which in policy/v1beta1 selects no pod", api_text)}
}

test_fires_listing_five_workloads_and_more if {
	objs := [workload("Deployment", sprintf("w%v", [i]), {"app": sprintf("w%v", [i])}) | some i in numbers.range(1, 7)]
	listed := "Deployment/w1: app=w1; Deployment/w2: app=w2; Deployment/w3: app=w3; Deployment/w4: app=w4; Deployment/w5: app=w5; and 2 more"
	check(pdb({"matchLabels": {"app": "api"}}), objs) == {finding("app=api", listed)}
}

test_fires_when_operator_resource_labels_differ if {
	prom := {"apiVersion": "monitoring.coreos.com/v1", "kind": "Prometheus", "metadata": {"name": "k8s", "namespace": "shop", "labels": {"prometheus": "k8s"}}}
	check(pdb({"matchLabels": {"app": "api"}}), [api, prom]) == {finding("app=api", api_text)}
}

test_fires_when_operator_resource_is_in_another_namespace if {
	prom := {"apiVersion": "monitoring.coreos.com/v1", "kind": "Prometheus", "metadata": {"name": "k8s", "namespace": "monitoring", "labels": {"app": "api"}}}
	check(pdb({"matchLabels": {"app": "api"}}), [api, prom]) == {finding("app=api", api_text)}
}

test_fires_when_unknown_kind_has_the_labels if {
	# Only the kinds of known operators count: a ConfigMap's labels are not a pod's.
	cm := {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "api", "namespace": "shop", "labels": {"app": "api"}}}
	check(pdb({"matchLabels": {"app": "api"}}), [api, cm]) == {finding("app=api", api_text)}
}

test_fires_under_gatekeeper_review if {
	review := {"review": {"object": pdb({"matchLabels": {"app": "api"}})}, "parameters": {"rules": {"pdb-selector-matches-nothing": {}}}}
	result := pdb_selector_matches_nothing.findings with input as review with data.inventory as fixtures.inventory([api])
	result == {finding("app=api", api_text)}
}

test_passes_when_it_selects_a_workload if {
	count(check(pdb({"matchLabels": {"app.kubernetes.io/name": "api"}}), [api])) == 0
}

test_passes_when_match_expressions_select_a_workload if {
	sel := {"matchExpressions": [{"key": "app.kubernetes.io/name", "operator": "In", "values": ["api", "web"]}]}
	count(check(pdb(sel), [api])) == 0
}

test_passes_for_empty_v1_selector if {
	count(check(pdb({}), [api])) == 0
}

test_passes_when_it_selects_any_workload_kind if {
	ds := workload("DaemonSet", "agent", {"app": "agent"})
	count(check(pdb({"matchLabels": {"app": "agent"}}), [api, ds])) == 0
	pod := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "debug", "namespace": "shop", "labels": {"app": "debug"}}, "spec": {"containers": []}}
	count(check(pdb({"matchLabels": {"app": "debug"}}), [api, pod])) == 0
}

test_passes_when_namespace_has_no_workload if {
	# The workloads are deployed from elsewhere: nothing to judge by.
	count(check(pdb({"matchLabels": {"app": "api"}}), [])) == 0
	elsewhere := json.patch(api, [{"op": "replace", "path": "/metadata/namespace", "value": "other"}])
	count(check(pdb({"matchLabels": {"app": "api"}}), [elsewhere])) == 0
}

test_passes_for_prometheus_operator_resource if {
	prom := {"apiVersion": "monitoring.coreos.com/v1", "kind": "Prometheus", "metadata": {"name": "k8s", "namespace": "shop", "labels": {"app.kubernetes.io/name": "prometheus", "prometheus": "k8s"}}}
	count(check(pdb({"matchLabels": {"prometheus": "k8s"}}), [api, prom])) == 0
}

test_passes_for_operator_pod_metadata_labels if {
	am := {"apiVersion": "monitoring.coreos.com/v1", "kind": "Alertmanager", "metadata": {"name": "main", "namespace": "shop"}, "spec": {"podMetadata": {"labels": {"alertmanager": "main"}}}}
	count(check(pdb({"matchLabels": {"alertmanager": "main"}}), [api, am])) == 0
}

test_passes_for_other_operator_kinds if {
	kafka := {"apiVersion": "kafka.strimzi.io/v1beta2", "kind": "Kafka", "metadata": {"name": "events", "namespace": "shop", "labels": {"team": "data"}}}
	count(check(pdb({"matchLabels": {"team": "data"}}), [api, kafka])) == 0
	rabbit := {"apiVersion": "rabbitmq.com/v1beta1", "kind": "RabbitmqCluster", "metadata": {"name": "queue", "namespace": "shop", "labels": {"team": "queues"}}}
	count(check(pdb({"matchLabels": {"team": "queues"}}), [api, rabbit])) == 0
}

test_skips_non_pdbs if {
	count(check(api, [])) == 0
}
