package prodready.rules.secret_env_not_reloadable_test

import data.lib.prodready.fixtures
import data.prodready.rules.secret_env_not_reloadable

workload(kind, annotations, template_annotations, containers) := {
	"apiVersion": "apps/v1",
	"kind": kind,
	"metadata": {"name": "api", "namespace": "shop", "annotations": annotations},
	"spec": {"template": {
		"metadata": {"labels": {"app": "api"}, "annotations": template_annotations},
		"spec": {"containers": containers},
	}},
}

deployment(annotations, containers) := workload("Deployment", annotations, {}, containers)

secret_env(name, secret) := {"name": name, "image": "api:1", "env": [
	{"name": "LOG_LEVEL", "value": "info"},
	{"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": secret, "key": "password"}}},
]}

secret_env_from(name, secret) := {"name": name, "image": "api:1", "envFrom": [{"secretRef": {"name": secret}}]}

app := secret_env("app", "db-creds")

finding(container, secrets_text, it) := {
	"msg": sprintf("container %q takes %s through env, and Deployment \"api\" has no Reloader annotation covering %s: env is read only at start, so after a rotation the pods keep %s until they restart, and fail once %s revoked; annotate the Deployment reloader.stakater.com/auto: \"true\" or list %s in secret.reloader.stakater.com/reload", [container, secrets_text, it, old_values[it], revoked[it], it]),
	"container": container,
}

old_values := {"it": "the old value", "them": "the old values"}

revoked := {"it": "it is", "them": "those are"}

db_finding := finding("app", "Secret \"db-creds\"", "it")

secret(name, ns, annotations) := {
	"apiVersion": "v1", "kind": "Secret",
	"metadata": {"name": name, "namespace": ns, "annotations": annotations},
	"type": "Opaque",
}

# Fires

test_fires_for_secret_key_ref if {
	secret_env_not_reloadable.findings == {db_finding} with input as deployment({}, [app])
}

test_fires_for_env_from_secret_ref if {
	secret_env_not_reloadable.findings == {finding("app", "Secret \"api-env\"", "it")} with input as deployment({}, [secret_env_from("app", "api-env")])
}

test_fires_once_per_container_with_every_secret if {
	container := json.patch(secret_env("app", "db-creds"), [{"op": "add", "path": "/envFrom", "value": [{"secretRef": {"name": "api-env"}}]}])
	obj := deployment({}, [container, secret_env_from("proxy", "proxy-token"), {"name": "plain", "env": [{"name": "A", "value": "b"}]}])
	secret_env_not_reloadable.findings == {
		{
			"msg": "container \"app\" takes Secrets \"api-env\", \"db-creds\" through env, and Deployment \"api\" has no Reloader annotation covering them: env is read only at start, so after a rotation the pods keep the old values until they restart, and fail once those are revoked; annotate the Deployment reloader.stakater.com/auto: \"true\" or list them in secret.reloader.stakater.com/reload",
			"container": "app",
		},
		finding("proxy", "Secret \"proxy-token\"", "it"),
	} with input as obj
}

test_fires_without_annotations_at_all if {
	obj := json.remove(deployment({}, [app]), ["metadata/annotations", "spec/template/metadata/annotations"])
	secret_env_not_reloadable.findings == {db_finding} with input as obj
}

test_fires_for_native_sidecar if {
	obj := json.patch(deployment({}, [{"name": "app"}]), [{"op": "add", "path": "/spec/template/spec/initContainers", "value": [
		object.union(secret_env_from("vault-agent", "vault-token"), {"restartPolicy": "Always"}),
	]}])
	secret_env_not_reloadable.findings == {finding("vault-agent", "Secret \"vault-token\"", "it")} with input as obj
}

test_fires_for_statefulset_and_daemonset if {
	every kind in ["StatefulSet", "DaemonSet"] {
		result := secret_env_not_reloadable.findings with input as workload(kind, {}, {}, [app])
		{f.container | some f in result} == {"app"}
	}
}

test_fires_for_argo_rollout if {
	rollout := json.patch(workload("Rollout", {}, {}, [app]), [{"op": "replace", "path": "/apiVersion", "value": "argoproj.io/v1alpha1"}])
	result := secret_env_not_reloadable.findings with input as rollout
	{f.container | some f in result} == {"app"}
}

test_fires_when_auto_is_false if {
	secret_env_not_reloadable.findings == {db_finding} with input as deployment({"reloader.stakater.com/auto": "false"}, [app])
}

test_fires_when_auto_is_not_a_boolean if {
	secret_env_not_reloadable.findings == {db_finding} with input as deployment({"reloader.stakater.com/auto": "yes"}, [app])
}

test_fires_when_only_configmaps_are_auto_reloaded if {
	secret_env_not_reloadable.findings == {db_finding} with input as deployment({"configmap.reloader.stakater.com/auto": "true"}, [app])
}

test_fires_when_reload_lists_other_secrets if {
	annotations := {"secret.reloader.stakater.com/reload": "api-env, db-creds-old,db"}
	secret_env_not_reloadable.findings == {db_finding} with input as deployment(annotations, [app])
}

test_fires_when_configmap_reload_lists_the_name if {
	annotations := {"configmap.reloader.stakater.com/reload": "db-creds"}
	secret_env_not_reloadable.findings == {db_finding} with input as deployment(annotations, [app])
}

test_fires_when_excluded_from_auto if {
	annotations := {"reloader.stakater.com/auto": "true", "secrets.exclude.reloader.stakater.com/reload": "other, db-creds"}
	secret_env_not_reloadable.findings == {db_finding} with input as deployment(annotations, [app])
}

test_fires_when_workload_annotation_hides_template_one if {
	# Reloader reads the pod template only when the workload sets none of its keys.
	obj := workload("Deployment", {"reloader.stakater.com/auto": "false"}, {"reloader.stakater.com/auto": "true"}, [app])
	secret_env_not_reloadable.findings == {db_finding} with input as obj
}

test_fires_for_search_when_secret_in_input_is_not_matched if {
	obj := deployment({"reloader.stakater.com/search": "true"}, [app])
	secret_env_not_reloadable.findings == {db_finding} with input as obj
		with data.inventory as fixtures.inventory([obj, secret("db-creds", "shop", {})])
}

test_fires_under_gatekeeper_review if {
	review := {"review": {"object": deployment({"reloader.stakater.com/auto": "false"}, [app])}, "parameters": {"rules": {"secret-env-not-reloadable": {}}}}
	secret_env_not_reloadable.findings == {db_finding} with input as review
}

# Near misses

test_passes_with_auto if {
	count(secret_env_not_reloadable.findings) == 0 with input as deployment({"reloader.stakater.com/auto": "true"}, [app])
}

test_passes_with_parse_bool_spellings if {
	every value in ["True", "TRUE", "1", "t"] {
		count(secret_env_not_reloadable.findings) == 0 with input as deployment({"reloader.stakater.com/auto": value}, [app])
	}
}

test_passes_with_secret_auto if {
	count(secret_env_not_reloadable.findings) == 0 with input as deployment({"secret.reloader.stakater.com/auto": "true"}, [app])
}

test_passes_when_reload_names_the_secret if {
	count(secret_env_not_reloadable.findings) == 0 with input as deployment({"secret.reloader.stakater.com/reload": "api-env, db-creds"}, [app])
}

test_passes_when_reload_pattern_matches_the_secret if {
	count(secret_env_not_reloadable.findings) == 0 with input as deployment({"secret.reloader.stakater.com/reload": "db-.*"}, [app])
}

test_passes_with_invalid_pattern_and_exact_name if {
	annotations := {"secret.reloader.stakater.com/reload": "db-creds,[oops"}
	count(secret_env_not_reloadable.findings) == 0 with input as deployment(annotations, [app])
}

test_passes_with_annotation_on_pod_template if {
	obj := workload("Deployment", {"team": "shop"}, {"reloader.stakater.com/auto": "true"}, [app])
	count(secret_env_not_reloadable.findings) == 0 with input as obj
}

test_passes_when_other_secret_is_excluded if {
	annotations := {"reloader.stakater.com/auto": "true", "secrets.exclude.reloader.stakater.com/reload": "db-creds-old"}
	count(secret_env_not_reloadable.findings) == 0 with input as deployment(annotations, [app])
}

test_passes_for_search_when_secret_is_not_in_input if {
	obj := deployment({"reloader.stakater.com/search": "true"}, [app])
	count(secret_env_not_reloadable.findings) == 0 with input as obj
	count(secret_env_not_reloadable.findings) == 0 with input as obj
		with data.inventory as fixtures.inventory([obj, secret("db-creds", "other", {})])
}

test_passes_for_search_when_secret_is_matched if {
	obj := deployment({"reloader.stakater.com/search": "true"}, [app])
	count(secret_env_not_reloadable.findings) == 0 with input as obj
		with data.inventory as fixtures.inventory([obj, secret("db-creds", "shop", {"reloader.stakater.com/match": "true"})])
}

test_passes_for_configmaps_and_plain_env if {
	container := {
		"name": "app", "env": [
			{"name": "A", "value": "b"},
			{"name": "C", "valueFrom": {"configMapKeyRef": {"name": "settings", "key": "c"}}},
			{"name": "POD", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
		],
		"envFrom": [{"configMapRef": {"name": "settings"}}],
	}
	count(secret_env_not_reloadable.findings) == 0 with input as deployment({}, [container])
}

test_passes_for_secret_volume_without_env if {
	obj := json.patch(deployment({}, [{"name": "app", "volumeMounts": [{"name": "creds", "mountPath": "/etc/creds"}]}]), [{
		"op": "add", "path": "/spec/template/spec/volumes",
		"value": [{"name": "creds", "secret": {"secretName": "db-creds"}}],
	}])
	count(secret_env_not_reloadable.findings) == 0 with input as obj
}

test_skips_regular_init_containers if {
	obj := json.patch(deployment({}, [{"name": "app"}]), [{"op": "add", "path": "/spec/template/spec/initContainers", "value": [secret_env("migrate", "db-creds")]}])
	count(secret_env_not_reloadable.findings) == 0 with input as obj
}

test_skips_kinds_reloader_does_not_restart if {
	job := json.patch(workload("Job", {}, {}, [app]), [{"op": "replace", "path": "/apiVersion", "value": "batch/v1"}])
	count(secret_env_not_reloadable.findings) == 0 with input as job
	cronjob := {
		"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "report", "namespace": "shop"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [app]}}}}},
	}
	count(secret_env_not_reloadable.findings) == 0 with input as cronjob
	pod := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "api", "namespace": "shop"}, "spec": {"containers": [app]}}
	count(secret_env_not_reloadable.findings) == 0 with input as pod
	count(secret_env_not_reloadable.findings) == 0 with input as workload("ReplicaSet", {}, {}, [app])
}

test_skips_rollout_of_another_group if {
	rollout := json.patch(workload("Rollout", {}, {}, [app]), [{"op": "replace", "path": "/apiVersion", "value": "example.com/v1"}])
	count(secret_env_not_reloadable.findings) == 0 with input as rollout
}
