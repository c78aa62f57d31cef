package lib.prodready.config_test

import data.lib.prodready.config
import data.lib.prodready.fixtures

deployment(annotations, template_annotations, spec) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "api", "namespace": "shop", "annotations": annotations},
	"spec": {"template": {"metadata": {"annotations": template_annotations}, "spec": spec}},
}

plain(annotations) := deployment(annotations, {}, {"containers": [{"name": "app"}]})

test_reloadable_kinds if {
	config.reloadable with input as plain({})
	every kind in ["StatefulSet", "DaemonSet"] {
		config.reloadable with input as json.patch(plain({}), [{"op": "replace", "path": "/kind", "value": kind}])
	}
	config.reloadable with input as json.patch(plain({}), [{"op": "replace", "path": "/kind", "value": "Rollout"}, {"op": "replace", "path": "/apiVersion", "value": "argoproj.io/v1alpha1"}])
	every kind in ["ReplicaSet", "Job", "Rollout"] {
		not config.reloadable with input as json.patch(plain({}), [{"op": "replace", "path": "/kind", "value": kind}])
	}
	not config.reloadable with input as {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": []}}
	not config.reloadable with input as {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}}
}

test_containers_are_app_containers_and_native_sidecars if {
	spec := {
		"containers": [{"name": "app"}],
		"initContainers": [{"name": "migrate"}, {"name": "proxy", "restartPolicy": "Always"}, {"name": "other", "restartPolicy": "OnFailure"}],
	}
	{c.name | some c in config.containers} == {"app", "proxy"} with input as deployment({}, {}, spec)
}

test_env_secrets if {
	container := {
		"name": "app",
		"env": [
			{"name": "A", "valueFrom": {"secretKeyRef": {"name": "one", "key": "a"}}},
			{"name": "B", "valueFrom": {"configMapKeyRef": {"name": "settings", "key": "b"}}},
			{"name": "C", "value": "c"},
			{"name": "D", "valueFrom": {"secretKeyRef": {"name": "", "key": "d"}}},
		],
		"envFrom": [{"secretRef": {"name": "two"}}, {"configMapRef": {"name": "settings"}}, {"prefix": "X_", "secretRef": {"name": "one"}}],
	}
	config.env_secrets(container) == {"one", "two"}
	config.env_secrets({"name": "bare"}) == set()
}

test_volume_secrets if {
	config.volume_secrets({"name": "v", "secret": {"secretName": "tls"}}) == {"tls"}
	config.volume_secrets({"name": "v", "projected": {"sources": [{"secret": {"name": "a"}}, {"configMap": {"name": "c"}}, {"secret": {"name": "b"}}]}}) == {"a", "b"}
	config.volume_secrets({"name": "v", "configMap": {"name": "c"}}) == set()
}

test_subpath_secrets if {
	spec := {
		"containers": [{"name": "app"}],
		"volumes": [
			{"name": "tls", "secret": {"secretName": "api-tls"}},
			{"name": "creds", "projected": {"sources": [{"secret": {"name": "db"}}]}},
			{"name": "settings", "configMap": {"name": "settings"}},
		],
	}
	container := {"name": "app", "volumeMounts": [
		{"name": "tls", "mountPath": "/a", "subPath": "tls.crt"},
		{"name": "creds", "mountPath": "/b"},
		{"name": "settings", "mountPath": "/c", "subPath": "c"},
	]}
	config.subpath_secrets(container) == {"api-tls"} with input as deployment({}, {}, spec)
	expr := {"name": "app", "volumeMounts": [{"name": "creds", "mountPath": "/b", "subPathExpr": "$(POD)"}]}
	config.subpath_secrets(expr) == {"db"} with input as deployment({}, {}, spec)
}

test_reloads_with_auto_annotations if {
	config.reloads("db") with input as plain({"reloader.stakater.com/auto": "true"})
	config.reloads("db") with input as plain({"secret.reloader.stakater.com/auto": "True"})
	not config.reloads("db") with input as plain({"reloader.stakater.com/auto": "false"})
	not config.reloads("db") with input as plain({"configmap.reloader.stakater.com/auto": "true"})
	not config.reloads("db") with input as plain({})
}

test_reloads_with_reload_list if {
	annotations := {"secret.reloader.stakater.com/reload": " api-tls , db-.* "}
	config.reloads("api-tls") with input as plain(annotations)
	config.reloads("db-creds") with input as plain(annotations)
	not config.reloads("api-tls-old") with input as plain(annotations)
	not config.reloads("my-db-creds") with input as plain(annotations)
}

test_reloads_reads_pod_template_only_without_workload_keys if {
	config.reloads("db") with input as deployment({"owner": "shop"}, {"reloader.stakater.com/auto": "true"}, {})
	not config.reloads("db") with input as deployment({"secret.reloader.stakater.com/reload": "other"}, {"reloader.stakater.com/auto": "true"}, {})
}

test_reloads_respects_exclusions if {
	annotations := {"reloader.stakater.com/auto": "true", "secrets.exclude.reloader.stakater.com/reload": "db, cache"}
	not config.reloads("db") with input as plain(annotations)
	config.reloads("api-tls") with input as plain(annotations)
}

test_reloads_with_search_and_match if {
	obj := plain({"reloader.stakater.com/search": "true"})
	matched := {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db", "namespace": "shop", "annotations": {"reloader.stakater.com/match": "true"}}}
	unmatched := {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db", "namespace": "shop"}}
	config.reloads("db") with input as obj
	config.reloads("db") with input as obj with data.inventory as fixtures.inventory([matched])
	not config.reloads("db") with input as obj with data.inventory as fixtures.inventory([unmatched])
	not config.reloads("db") with input as plain({"reloader.stakater.com/search": "True"}) with data.inventory as fixtures.inventory([unmatched])
}

test_texts if {
	config.secrets_text({"b", "a"}) == "Secrets \"a\", \"b\""
	config.secrets_text({"a"}) == "Secret \"a\""
	config.it({"a"}) == "it"
	config.it({"a", "b"}) == "them"
}
