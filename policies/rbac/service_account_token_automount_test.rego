package prodready.rules.service_account_token_automount_test

import data.lib.prodready.fixtures
import data.prodready.rules.service_account_token_automount

deployment(pod_spec) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": {"template": {"spec": object.union({"containers": [{"name": "api", "image": "api:1"}]}, pod_spec)}},
}

service_account(ns, name, fields) := object.union(
	{
		"apiVersion": "v1",
		"kind": "ServiceAccount",
		"metadata": {"name": name, "namespace": ns},
	},
	fields,
)

opted_out(ns, name) := service_account(ns, name, {"automountServiceAccountToken": false})

suggestion := "every container gets an API token carrying that ServiceAccount's permissions, usable by whoever gets code execution in it; set automountServiceAccountToken: false on the pod template, or on the ServiceAccount"

absent(name) := {{"msg": sprintf("pods run as ServiceAccount %q and neither the pod template nor that ServiceAccount (not among the objects given) sets automountServiceAccountToken: false: %s", [name, suggestion])}}

present(name) := {{"msg": sprintf("pods run as ServiceAccount %q and neither the pod template nor that ServiceAccount (found in namespace \"shop\") sets automountServiceAccountToken: false: %s", [name, suggestion])}}

overridden(name) := {{"msg": sprintf("pods run as ServiceAccount %q and the pod template sets automountServiceAccountToken: true, which overrides the ServiceAccount's setting: %s", [name, suggestion])}}

test_fires_for_default_service_account_not_in_input if {
	service_account_token_automount.findings == absent("default") with input as deployment({})
}

test_fires_for_named_service_account_not_in_input if {
	service_account_token_automount.findings == absent("api") with input as deployment({"serviceAccountName": "api"})
}

test_fires_for_deprecated_service_account_field if {
	service_account_token_automount.findings == absent("legacy") with input as deployment({"serviceAccount": "legacy"})
}

test_fires_for_empty_service_account_name if {
	service_account_token_automount.findings == absent("default") with input as deployment({"serviceAccountName": ""})
}

test_fires_when_service_account_does_not_opt_out if {
	obj := deployment({"serviceAccountName": "api"})
	result := service_account_token_automount.findings with input as obj
		with data.inventory as fixtures.inventory([obj, service_account("shop", "api", {})])
	result == present("api")
}

test_fires_when_service_account_opts_in if {
	obj := deployment({"serviceAccountName": "api"})
	result := service_account_token_automount.findings with input as obj
		with data.inventory as fixtures.inventory([obj, service_account("shop", "api", {"automountServiceAccountToken": true})])
	result == present("api")
}

test_fires_when_pod_template_opts_in_over_service_account if {
	obj := deployment({"serviceAccountName": "api", "automountServiceAccountToken": true})
	result := service_account_token_automount.findings with input as obj
		with data.inventory as fixtures.inventory([obj, opted_out("shop", "api")])
	result == overridden("api")
}

test_fires_when_other_service_account_opts_out if {
	obj := deployment({"serviceAccountName": "api"})
	result := service_account_token_automount.findings with input as obj
		with data.inventory as fixtures.inventory([obj, opted_out("shop", "default"), opted_out("shop", "worker")])
	result == absent("api")
}

test_fires_when_service_account_of_another_namespace_opts_out if {
	obj := deployment({"serviceAccountName": "api"})
	result := service_account_token_automount.findings with input as obj
		with data.inventory as fixtures.inventory([obj, opted_out("payments", "api")])
	result == absent("api")
}

test_fires_when_another_kind_of_that_name_opts_out if {
	obj := deployment({"serviceAccountName": "api"})
	config_map := {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "api", "namespace": "shop"}, "automountServiceAccountToken": false}
	result := service_account_token_automount.findings with input as obj
		with data.inventory as fixtures.inventory([obj, config_map])
	result == absent("api")
}

test_fires_for_every_workload_kind if {
	spec := {"containers": [{"name": "app"}]}
	pod := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "debug", "namespace": "shop"}, "spec": spec}
	service_account_token_automount.findings == absent("default") with input as pod
	cronjob := {
		"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "report", "namespace": "shop"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": spec}}}},
	}
	service_account_token_automount.findings == absent("default") with input as cronjob
	rollout := {"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "metadata": {"name": "api", "namespace": "shop"}, "spec": {"template": {"spec": spec}}}
	service_account_token_automount.findings == absent("default") with input as rollout
}

test_fires_under_gatekeeper_review if {
	obj := deployment({"serviceAccountName": "api"})
	review := {"review": {"object": obj}, "parameters": {"rules": {"service-account-token-automount": {}}}}
	result := service_account_token_automount.findings with input as review
		with data.inventory as fixtures.inventory([service_account("shop", "api", {})])
	result == present("api")
}

test_passes_when_pod_template_opts_out if {
	count(service_account_token_automount.findings) == 0 with input as deployment({"automountServiceAccountToken": false})
	obj := deployment({"serviceAccountName": "api", "automountServiceAccountToken": false})
	result := service_account_token_automount.findings with input as obj
		with data.inventory as fixtures.inventory([obj, service_account("shop", "api", {"automountServiceAccountToken": true})])
	count(result) == 0
}

test_passes_when_service_account_opts_out if {
	obj := deployment({"serviceAccountName": "api"})
	result := service_account_token_automount.findings with input as obj
		with data.inventory as fixtures.inventory([obj, opted_out("shop", "api")])
	count(result) == 0
}

test_passes_when_default_service_account_opts_out if {
	obj := deployment({})
	result := service_account_token_automount.findings with input as obj
		with data.inventory as fixtures.inventory([obj, opted_out("shop", "default")])
	count(result) == 0
}

test_passes_when_service_account_opts_out_under_gatekeeper if {
	review := {"review": {"object": deployment({"serviceAccountName": "api"})}, "parameters": {"rules": {"service-account-token-automount": {}}}}
	result := service_account_token_automount.findings with input as review
		with data.inventory as fixtures.inventory([opted_out("shop", "api")])
	count(result) == 0
}

test_skips_non_workloads if {
	count(service_account_token_automount.findings) == 0 with input as service_account("shop", "api", {})
	helm_test := json.patch(deployment({}), [{"op": "add", "path": "/metadata/annotations", "value": {"helm.sh/hook": "test"}}])
	count(service_account_token_automount.findings) == 0 with input as helm_test
	other_rollout := {"apiVersion": "example.com/v1", "kind": "Rollout", "metadata": {"name": "api", "namespace": "shop"}, "spec": {"template": {"spec": {"containers": [{"name": "app"}]}}}}
	count(service_account_token_automount.findings) == 0 with input as other_rollout
}
