package prodready.rules.team_label_missing_test

import data.prodready.rules.team_label_missing

parameters := {"team-label-missing": {"label": "acme.dev/team"}}

deployment(labels) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "api", "namespace": "shop", "labels": labels},
	"spec": {"template": {"spec": {"containers": [{"name": "api"}]}}},
}

test_fires_without_the_label if {
	count(team_label_missing.findings) == 1 with input as deployment({"app": "api"})
		with data.lib.parameters as parameters
}

test_quiet_with_the_label if {
	count(team_label_missing.findings) == 0 with input as deployment({"acme.dev/team": "payments"})
		with data.lib.parameters as parameters
}

test_quiet_on_other_kinds if {
	count(team_label_missing.findings) == 0 with input as {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}
		with data.lib.parameters as parameters
}
