package prodready.rules.secret_volume_permissive_test

import data.prodready.rules.secret_volume_permissive

workload(kind, volumes) := {
	"apiVersion": "apps/v1",
	"kind": kind,
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": {"template": {
		"metadata": {"labels": {"app": "api"}},
		"spec": {"containers": [{"name": "app", "image": "api:1"}], "volumes": volumes},
	}},
}

deployment(volumes) := workload("Deployment", volumes)

secret_volume(secret) := [{"name": "tls", "secret": object.union({"secretName": "api-tls"}, secret)}]

finding(what) := {"msg": sprintf("secret volume \"tls\" (Secret \"api-tls\") gives %s: other users in the pod can read the Secret (mode & 0037 != 0); set defaultMode: 0400 (or 0440 with fsGroup) and restrict items[].mode", [what])}

projected_finding(secrets_text, what) := {"msg": sprintf("projected volume \"creds\" (%s) gives %s: other users in the pod can read the Secret (mode & 0037 != 0); set defaultMode: 0400 (or 0440 with fsGroup) and restrict items[].mode", [secrets_text, what])}

# Fires

test_fires_for_unset_default_mode if {
	secret_volume_permissive.findings == {finding("defaultMode 0644 (unset, the default)")} with input as deployment(secret_volume({}))
}

test_fires_for_null_default_mode if {
	secret_volume_permissive.findings == {finding("defaultMode 0644 (unset, the default)")} with input as deployment(secret_volume({"defaultMode": null}))
}

test_fires_for_yaml_octal_0644 if {
	# YAML 0644 is octal: it arrives as 420.
	secret_volume_permissive.findings == {finding("defaultMode 0644")} with input as deployment(secret_volume({"defaultMode": 420}))
}

test_fires_for_other_permissive_modes if {
	# 0444 (others read), 0460 (group write), 0450 (group execute), 0401 (others execute), 0777.
	every mode in [292, 304, 296, 257, 511] {
		result := secret_volume_permissive.findings with input as deployment(secret_volume({"defaultMode": mode}))
		result == {finding(sprintf("defaultMode 0%s", [format_int(mode, 8)]))}
	}
}

test_fires_for_permissive_item_mode if {
	items := [{"key": "tls.crt", "path": "tls.crt", "mode": 420}, {"key": "tls.key", "path": "tls.key", "mode": 256}]
	secret_volume_permissive.findings == {finding("item \"tls.crt\" mode 0644")} with input as deployment(secret_volume({"defaultMode": 256, "items": items}))
}

test_fires_for_default_mode_taken_by_an_item_without_mode if {
	items := [{"key": "tls.crt", "path": "tls.crt"}, {"key": "tls.key", "path": "tls.key", "mode": 256}]
	secret_volume_permissive.findings == {finding("defaultMode 0644 (unset, the default)")} with input as deployment(secret_volume({"items": items}))
}

test_fires_for_every_problem_of_a_volume_at_once if {
	items := [{"key": "tls.crt", "path": "tls.crt", "mode": 438}, {"key": "tls.key", "path": "tls.key"}]
	result := secret_volume_permissive.findings with input as deployment(secret_volume({"defaultMode": 292, "items": items}))
	result == {finding("defaultMode 0444, item \"tls.crt\" mode 0666")}
}

test_fires_for_projected_secret_source if {
	volumes := [{"name": "creds", "projected": {"sources": [
		{"secret": {"name": "db-creds"}},
		{"configMap": {"name": "settings"}},
		{"serviceAccountToken": {"path": "token"}},
	]}}]
	result := secret_volume_permissive.findings with input as deployment(volumes)
	result == {projected_finding("Secret \"db-creds\"", "Secret \"db-creds\" defaultMode 0644 (unset, the default)")}
}

test_fires_for_projected_item_mode if {
	volumes := [{"name": "creds", "projected": {"defaultMode": 256, "sources": [
		{"secret": {"name": "db-creds", "items": [{"key": "password", "path": "password", "mode": 420}]}},
		{"secret": {"name": "api-key"}},
	]}}]
	result := secret_volume_permissive.findings with input as deployment(volumes)
	result == {projected_finding("Secrets \"api-key\", \"db-creds\"", "Secret \"db-creds\" item \"password\" mode 0644")}
}

test_fires_for_each_volume_and_every_workload_kind if {
	volumes := array.concat(secret_volume({"defaultMode": 420}), [{"name": "other", "secret": {"secretName": "other", "defaultMode": 256}}])
	secret_volume_permissive.findings == {finding("defaultMode 0644")} with input as deployment(volumes)
	cronjob := {
		"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "report", "namespace": "shop"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "report"}], "volumes": secret_volume({})}}}}},
	}
	secret_volume_permissive.findings == {finding("defaultMode 0644 (unset, the default)")} with input as cronjob
	pod := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "api", "namespace": "shop"}, "spec": {"containers": [{"name": "app"}], "volumes": secret_volume({})}}
	secret_volume_permissive.findings == {finding("defaultMode 0644 (unset, the default)")} with input as pod
}

test_fires_under_gatekeeper_review if {
	review := {"review": {"object": deployment(secret_volume({}))}, "parameters": {}}
	secret_volume_permissive.findings == {finding("defaultMode 0644 (unset, the default)")} with input as review
}

# Near misses

test_passes_for_0400_and_0440 if {
	every mode in [256, 288, 384, 416] {
		# 0400, 0440, 0600, 0640
		count(secret_volume_permissive.findings) == 0 with input as deployment(secret_volume({"defaultMode": mode}))
	}
}

test_passes_when_every_item_sets_a_strict_mode if {
	# The permissive (unset) defaultMode applies to no file.
	items := [{"key": "tls.crt", "path": "tls.crt", "mode": 288}, {"key": "tls.key", "path": "tls.key", "mode": 256}]
	count(secret_volume_permissive.findings) == 0 with input as deployment(secret_volume({"items": items}))
}

test_passes_for_projected_volume_with_strict_default_mode if {
	volumes := [{"name": "creds", "projected": {"defaultMode": 256, "sources": [{"secret": {"name": "db-creds"}}]}}]
	count(secret_volume_permissive.findings) == 0 with input as deployment(volumes)
}

test_passes_for_projected_volume_without_secret if {
	volumes := [{"name": "creds", "projected": {"sources": [{"configMap": {"name": "settings"}}, {"serviceAccountToken": {"path": "token"}}]}}]
	count(secret_volume_permissive.findings) == 0 with input as deployment(volumes)
}

test_passes_for_other_volume_kinds if {
	volumes := [{"name": "settings", "configMap": {"name": "settings"}}, {"name": "scratch", "emptyDir": {}}]
	count(secret_volume_permissive.findings) == 0 with input as deployment(volumes)
}

test_passes_for_mode_that_is_not_a_number if {
	# The API server rejects it; this rule does not guess.
	count(secret_volume_permissive.findings) == 0 with input as deployment(secret_volume({"defaultMode": "0644"}))
}

test_skips_non_workloads if {
	secret := {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "api-tls", "namespace": "shop"}, "spec": {"volumes": secret_volume({})}}
	count(secret_volume_permissive.findings) == 0 with input as secret
}
