package prodready.rules.readiness_probe_missing_test

import data.prodready.rules.readiness_probe_missing

pod(name) := {
	"apiVersion": "v1",
	"kind": "Pod",
	"metadata": {"name": "p", "namespace": "shop"},
	"spec": {"containers": [{"name": name, "ports": [{"containerPort": 9090}]}]},
}

test_fires_on_an_app_container if {
	count(readiness_probe_missing.findings) == 1 with input as pod("api")
}

test_sidecars_are_left_out if {
	count(readiness_probe_missing.findings) == 0 with input as pod("metrics-sidecar")
}
