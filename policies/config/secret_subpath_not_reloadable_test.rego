package prodready.rules.secret_subpath_not_reloadable_test

import data.lib.prodready.fixtures
import data.prodready.rules.secret_subpath_not_reloadable

workload(kind, annotations, containers, volumes) := {
	"apiVersion": "apps/v1",
	"kind": kind,
	"metadata": {"name": "api", "namespace": "shop", "annotations": annotations},
	"spec": {"template": {
		"metadata": {"labels": {"app": "api"}},
		"spec": {"containers": containers, "volumes": volumes},
	}},
}

deployment(annotations, containers) := workload("Deployment", annotations, containers, volumes)

volumes := [
	{"name": "tls", "secret": {"secretName": "api-tls", "defaultMode": 256}},
	{"name": "creds", "projected": {"sources": [
		{"secret": {"name": "db-creds"}},
		{"configMap": {"name": "db-settings"}},
	]}},
	{"name": "settings", "configMap": {"name": "settings"}},
	{"name": "scratch", "emptyDir": {}},
]

mounting(name, mounts) := {"name": name, "image": "api:1", "volumeMounts": mounts}

tls_subpath := {"name": "tls", "mountPath": "/etc/api/tls.crt", "subPath": "tls.crt"}

app := mounting("app", [tls_subpath])

finding(container, secrets_text, it) := {
	"msg": sprintf("container %q mounts %s with subPath, and Deployment \"api\" has no Reloader annotation covering %s: a subPath mount never receives a rotated value, so the container keeps the old one until it restarts; mount %s without subPath, or annotate the Deployment reloader.stakater.com/auto: \"true\"", [container, secrets_text, it, it]),
	"container": container,
}

tls_finding := finding("app", "Secret \"api-tls\"", "it")

# Fires

test_fires_for_secret_volume_with_sub_path if {
	secret_subpath_not_reloadable.findings == {tls_finding} with input as deployment({}, [app])
}

test_fires_for_sub_path_expr if {
	mount := {"name": "tls", "mountPath": "/etc/api/tls.crt", "subPathExpr": "$(POD_NAME).crt"}
	secret_subpath_not_reloadable.findings == {tls_finding} with input as deployment({}, [mounting("app", [mount])])
}

test_fires_for_projected_secret_source if {
	mount := {"name": "creds", "mountPath": "/etc/api/password", "subPath": "password"}
	secret_subpath_not_reloadable.findings == {finding("app", "Secret \"db-creds\"", "it")} with input as deployment({}, [mounting("app", [mount])])
}

test_fires_once_per_container_with_every_secret if {
	creds := {"name": "creds", "mountPath": "/etc/api/password", "subPath": "password"}
	obj := deployment({}, [mounting("app", [tls_subpath, creds]), mounting("proxy", [tls_subpath])])
	secret_subpath_not_reloadable.findings == {
		finding("app", "Secrets \"api-tls\", \"db-creds\"", "them"),
		finding("proxy", "Secret \"api-tls\"", "it"),
	} with input as obj
}

test_fires_for_native_sidecar if {
	obj := json.patch(deployment({}, [{"name": "app"}]), [{"op": "add", "path": "/spec/template/spec/initContainers", "value": [
		object.union(mounting("envoy", [tls_subpath]), {"restartPolicy": "Always"}),
	]}])
	secret_subpath_not_reloadable.findings == {finding("envoy", "Secret \"api-tls\"", "it")} with input as obj
}

test_fires_for_statefulset_and_daemonset if {
	every kind in ["StatefulSet", "DaemonSet"] {
		result := secret_subpath_not_reloadable.findings with input as workload(kind, {}, [app], volumes)
		{f.container | some f in result} == {"app"}
	}
}

test_fires_when_reload_lists_other_secrets if {
	obj := deployment({"secret.reloader.stakater.com/reload": "db-creds, api-tls-old"}, [app])
	secret_subpath_not_reloadable.findings == {tls_finding} with input as obj
}

test_fires_when_excluded_from_auto if {
	obj := deployment({"reloader.stakater.com/auto": "true", "secrets.exclude.reloader.stakater.com/reload": "api-tls"}, [app])
	secret_subpath_not_reloadable.findings == {tls_finding} with input as obj
}

test_fires_for_search_when_secret_in_input_is_not_matched if {
	obj := deployment({"reloader.stakater.com/search": "true"}, [app])
	tls := {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "api-tls", "namespace": "shop"}, "type": "kubernetes.io/tls"}
	secret_subpath_not_reloadable.findings == {tls_finding} with input as obj
		with data.inventory as fixtures.inventory([obj, tls])
}

test_fires_under_gatekeeper_review if {
	review := {"review": {"object": deployment({}, [app])}, "parameters": {"rules": {"secret-subpath-not-reloadable": {}}}}
	secret_subpath_not_reloadable.findings == {tls_finding} with input as review
}

# Near misses

test_passes_without_sub_path if {
	mount := {"name": "tls", "mountPath": "/etc/api/tls", "readOnly": true}
	count(secret_subpath_not_reloadable.findings) == 0 with input as deployment({}, [mounting("app", [mount])])
}

test_passes_with_empty_sub_path if {
	mount := {"name": "tls", "mountPath": "/etc/api/tls", "subPath": ""}
	count(secret_subpath_not_reloadable.findings) == 0 with input as deployment({}, [mounting("app", [mount])])
}

test_passes_for_sub_path_of_other_volumes if {
	mounts := [
		{"name": "settings", "mountPath": "/etc/api/settings.yaml", "subPath": "settings.yaml"},
		{"name": "scratch", "mountPath": "/tmp/cache", "subPath": "cache"},
	]
	count(secret_subpath_not_reloadable.findings) == 0 with input as deployment({}, [mounting("app", mounts)])
}

test_passes_for_mount_of_unknown_volume if {
	mount := {"name": "missing", "mountPath": "/etc/x", "subPath": "x"}
	count(secret_subpath_not_reloadable.findings) == 0 with input as deployment({}, [mounting("app", [mount])])
}

test_passes_with_auto if {
	count(secret_subpath_not_reloadable.findings) == 0 with input as deployment({"reloader.stakater.com/auto": "true"}, [app])
	count(secret_subpath_not_reloadable.findings) == 0 with input as deployment({"secret.reloader.stakater.com/auto": "true"}, [app])
}

test_passes_when_reload_names_the_secret if {
	count(secret_subpath_not_reloadable.findings) == 0 with input as deployment({"secret.reloader.stakater.com/reload": "db-creds,api-tls"}, [app])
}

test_passes_with_annotation_on_pod_template if {
	obj := json.patch(deployment({}, [app]), [{"op": "add", "path": "/spec/template/metadata/annotations", "value": {"reloader.stakater.com/auto": "true"}}])
	count(secret_subpath_not_reloadable.findings) == 0 with input as obj
}

test_skips_regular_init_containers if {
	obj := json.patch(deployment({}, [{"name": "app"}]), [{"op": "add", "path": "/spec/template/spec/initContainers", "value": [mounting("copy-cert", [tls_subpath])]}])
	count(secret_subpath_not_reloadable.findings) == 0 with input as obj
}

test_skips_jobs_and_pods if {
	job := json.patch(workload("Job", {}, [app], volumes), [{"op": "replace", "path": "/apiVersion", "value": "batch/v1"}])
	count(secret_subpath_not_reloadable.findings) == 0 with input as job
	pod := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "api", "namespace": "shop"}, "spec": {"containers": [app], "volumes": volumes}}
	count(secret_subpath_not_reloadable.findings) == 0 with input as pod
}
