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

reads := "any user in the pod, not only the process the Secret is for, can read it"

set_default := "set defaultMode: 0400 (or 0440 with fsGroup)"

finding(what) := {"msg": sprintf("secret volume \"tls\" (Secret \"api-tls\") gives %s: %s; %s", [what, reads, set_default])}

projected_finding(what, advice) := {"msg": sprintf("projected volume \"creds\" gives %s: %s; %s", [what, reads, advice])}

# Fires

test_fires_for_unset_default_mode if {
	secret_volume_permissive.findings == {{"msg": "secret volume \"tls\" (Secret \"api-tls\") gives defaultMode 0644 (unset, the default): any user in the pod, not only the process the Secret is for, can read it; set defaultMode: 0400 (or 0440 with fsGroup)"}} with input as deployment(secret_volume({}))
}

test_fires_for_null_default_mode if {
	secret_volume_permissive.findings == {finding("defaultMode 0644 (unset, the default)")} with input as deployment(secret_volume({"defaultMode": null}))
}

test_fires_for_yaml_octal_0644 if {
	# YAML 0644 is octal: it arrives as 420.
	secret_volume_permissive.findings == {finding("defaultMode 0644")} with input as deployment(secret_volume({"defaultMode": 420}))
}

test_fires_for_other_modes_others_can_read if {
	# 0444 (others read), 0777.
	every mode in [292, 511] {
		result := secret_volume_permissive.findings with input as deployment(secret_volume({"defaultMode": mode}))
		result == {finding(sprintf("defaultMode 0%s", [format_int(mode, 8)]))}
	}
}

test_fires_for_write_or_execute_without_read_for_others if {
	# 0460 (group write), 0450 (group execute), 0401 (others execute): nobody
	# else reads, but more than read is granted.
	every mode in [304, 296, 257] {
		result := secret_volume_permissive.findings with input as deployment(secret_volume({"defaultMode": mode}))
		result == {{"msg": sprintf("secret volume \"tls\" (Secret \"api-tls\") gives defaultMode 0%s: the group or other users in the pod get write or execute permission on the files; set defaultMode: 0400 (or 0440 with fsGroup)", [format_int(mode, 8)])}}
	}
}

test_fires_for_permissive_item_mode if {
	items := [{"key": "tls.crt", "path": "tls.crt", "mode": 420}, {"key": "tls.key", "path": "tls.key", "mode": 256}]
	result := secret_volume_permissive.findings with input as deployment(secret_volume({"defaultMode": 256, "items": items}))
	result == {{"msg": "secret volume \"tls\" (Secret \"api-tls\") gives item \"tls.crt\" mode 0644: any user in the pod, not only the process the Secret is for, can read it; set items[].mode to 0400 (or 0440 with fsGroup)"}}
}

test_fires_for_default_mode_taken_by_an_item_without_mode if {
	items := [{"key": "tls.crt", "path": "tls.crt"}, {"key": "tls.key", "path": "tls.key", "mode": 256}]
	secret_volume_permissive.findings == {finding("defaultMode 0644 (unset, the default)")} with input as deployment(secret_volume({"items": items}))
}

test_fires_for_every_problem_of_a_volume_at_once if {
	items := [{"key": "tls.crt", "path": "tls.crt", "mode": 438}, {"key": "tls.key", "path": "tls.key"}]
	result := secret_volume_permissive.findings with input as deployment(secret_volume({"defaultMode": 292, "items": items}))
	result == {{"msg": "secret volume \"tls\" (Secret \"api-tls\") gives defaultMode 0444, item \"tls.crt\" mode 0666: any user in the pod, not only the process the Secret is for, can read it; set defaultMode and items[].mode to 0400 (or 0440 with fsGroup)"}}
}

test_names_a_volume_named_after_its_secret_once if {
	volumes := [{"name": "api-tls", "secret": {"secretName": "api-tls"}}]
	result := secret_volume_permissive.findings with input as deployment(volumes)
	result == {{"msg": "secret volume \"api-tls\" gives defaultMode 0644 (unset, the default): any user in the pod, not only the process the Secret is for, can read it; set defaultMode: 0400 (or 0440 with fsGroup)"}}
}

test_fires_for_projected_secret_source if {
	volumes := [{"name": "creds", "projected": {"sources": [
		{"secret": {"name": "db-creds"}},
		{"configMap": {"name": "settings"}},
		{"serviceAccountToken": {"path": "token"}},
	]}}]
	result := secret_volume_permissive.findings with input as deployment(volumes)
	result == {{"msg": "projected volume \"creds\" gives Secret \"db-creds\" defaultMode 0644 (unset, the default): any user in the pod, not only the process the Secret is for, can read it; set defaultMode: 0400 (or 0440 with fsGroup)"}}
}

test_fires_for_projected_item_mode if {
	volumes := [{"name": "creds", "projected": {"defaultMode": 256, "sources": [
		{"secret": {"name": "db-creds", "items": [{"key": "password", "path": "password", "mode": 420}]}},
		{"secret": {"name": "api-key"}},
	]}}]
	result := secret_volume_permissive.findings with input as deployment(volumes)
	result == {projected_finding("Secret \"db-creds\" item \"password\" mode 0644", "set items[].mode to 0400 (or 0440 with fsGroup)")}
}

test_fires_for_projected_secrets_of_one_volume_together if {
	volumes := [{"name": "creds", "projected": {"sources": [{"secret": {"name": "db-creds"}}, {"secret": {"name": "api-key"}}]}}]
	result := secret_volume_permissive.findings with input as deployment(volumes)
	result == {{"msg": "projected volume \"creds\" gives Secret \"api-key\" defaultMode 0644 (unset, the default), Secret \"db-creds\" defaultMode 0644 (unset, the default): any user in the pod, not only the process the Secrets are for, can read them; set defaultMode: 0400 (or 0440 with fsGroup)"}}
}

test_fires_once_per_workload_naming_every_volume if {
	volumes := [
		{"name": "tls", "secret": {"secretName": "api-tls"}},
		{"name": "ok", "secret": {"secretName": "ok", "defaultMode": 256}},
		{"name": "repo-tls", "secret": {"secretName": "repo-tls", "defaultMode": 420, "items": [{"key": "ca.crt", "path": "ca.crt", "mode": 436}]}},
		{"name": "creds", "projected": {"sources": [{"secret": {"name": "db-creds"}}]}},
		{"name": "api-mtls", "secret": {"secretName": "api-mtls"}},
	]
	result := secret_volume_permissive.findings with input as deployment(volumes)
	result == {{"msg": concat("", [
		"projected volume \"creds\" gives Secret \"db-creds\" defaultMode 0644 (unset, the default); ",
		"secret volumes \"tls\" (Secret \"api-tls\") and \"api-mtls\" give defaultMode 0644 (unset, the default); ",
		"secret volume \"repo-tls\" gives item \"ca.crt\" mode 0664: ",
		"any user in the pod, not only the process the Secrets are for, can read them; ",
		"set defaultMode and items[].mode to 0400 (or 0440 with fsGroup) on each volume",
	])}}
}

test_fires_once_for_two_default_modes if {
	volumes := [{"name": "tls", "secret": {"secretName": "api-tls"}}, {"name": "mtls", "secret": {"secretName": "api-mtls", "defaultMode": 292}}]
	result := secret_volume_permissive.findings with input as deployment(volumes)
	result == {{"msg": "secret volume \"mtls\" (Secret \"api-mtls\") gives defaultMode 0444; secret volume \"tls\" (Secret \"api-tls\") gives defaultMode 0644 (unset, the default): any user in the pod, not only the process the Secrets are for, can read them; set defaultMode: 0400 (or 0440 with fsGroup) on each volume"}}
}

test_groups_three_volumes_with_the_same_modes if {
	volumes := [{"name": "a", "secret": {"secretName": "a"}}, {"name": "b", "secret": {"secretName": "b"}}, {"name": "c", "secret": {"secretName": "c"}}]
	result := secret_volume_permissive.findings with input as deployment(volumes)
	result == {{"msg": "secret volumes \"a\", \"b\" and \"c\" give defaultMode 0644 (unset, the default): any user in the pod, not only the process the Secrets are for, can read them; set defaultMode: 0400 (or 0440 with fsGroup) on each volume"}}
}

test_fires_on_every_workload_kind if {
	cronjob := {
		"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "report", "namespace": "shop"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "report"}], "volumes": secret_volume({})}}}}},
	}
	secret_volume_permissive.findings == {finding("defaultMode 0644 (unset, the default)")} with input as cronjob
	pod := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "api", "namespace": "shop"}, "spec": {"containers": [{"name": "app"}], "volumes": secret_volume({})}}
	secret_volume_permissive.findings == {finding("defaultMode 0644 (unset, the default)")} with input as pod
}

test_fires_under_gatekeeper_review if {
	review := {"review": {"object": deployment(secret_volume({}))}, "parameters": {"rules": {"secret-volume-permissive": {}}}}
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
