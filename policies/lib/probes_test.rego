package lib.prodready.probes_test

import data.lib.prodready.probes

deployment(containers) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": {"template": {"spec": {
		"initContainers": [{"name": "migrate"}],
		"containers": containers,
	}}},
}

test_containers_of_long_running_workloads if {
	probes.containers == {{"name": "app"}} with input as deployment([{"name": "app"}])
}

test_containers_skip_init_containers if {
	names := {c.name | some c in probes.containers} with input as deployment([{"name": "app"}, {"name": "sidecar"}])
	names == {"app", "sidecar"}
}

test_containers_skip_batch_workloads if {
	job := json.patch(deployment([{"name": "app"}]), [
		{"op": "replace", "path": "/kind", "value": "Job"},
		{"op": "replace", "path": "/apiVersion", "value": "batch/v1"},
	])
	probes.containers == set() with input as job
	cronjob := {
		"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "c"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "app"}]}}}}},
	}
	probes.containers == set() with input as cronjob
}

test_containers_of_pod_and_statefulset if {
	pod := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"name": "app"}]}}
	probes.containers == {{"name": "app"}} with input as pod
	sts := json.patch(deployment([{"name": "db"}]), [{"op": "replace", "path": "/kind", "value": "StatefulSet"}])
	probes.containers == {{"name": "db"}} with input as sts
}

test_has if {
	probes.has({"livenessProbe": {"tcpSocket": {"port": 80}}}, "livenessProbe")
	not probes.has({"livenessProbe": null}, "livenessProbe")
	not probes.has({}, "readinessProbe")
}

test_setting_as_set if {
	probe := {"initialDelaySeconds": 30, "timeoutSeconds": 5, "periodSeconds": 2, "successThreshold": 2, "failureThreshold": 6}
	probes.setting(probe, "initialDelaySeconds") == 30
	probes.setting(probe, "timeoutSeconds") == 5
	probes.setting(probe, "periodSeconds") == 2
	probes.setting(probe, "successThreshold") == 2
	probes.setting(probe, "failureThreshold") == 6
}

test_setting_defaults_when_unset if {
	probes.setting({}, "initialDelaySeconds") == 0
	probes.setting({}, "timeoutSeconds") == 1
	probes.setting({}, "periodSeconds") == 10
	probes.setting({}, "successThreshold") == 1
	probes.setting({}, "failureThreshold") == 3
}

test_setting_defaults_when_null_or_zero if {
	probes.setting({"timeoutSeconds": null}, "timeoutSeconds") == 1
	probes.setting({"periodSeconds": 0}, "periodSeconds") == 10
	probes.setting({"failureThreshold": 0}, "failureThreshold") == 3
	probes.setting({"initialDelaySeconds": 0}, "initialDelaySeconds") == 0
}

test_setting_undefined_for_non_numbers if {
	not probes.setting({"periodSeconds": "10"}, "periodSeconds")
}

test_handler_http_get if {
	probes.handler({"httpGet": {"path": "/healthz", "port": 8080}}) == {"type": "httpGet", "path": "/healthz", "port": 8080}
	probes.handler({"httpGet": {"path": "/healthz", "port": "http", "scheme": "HTTPS"}}) == {"type": "httpGet", "path": "/healthz", "port": "http"}
}

test_handler_http_get_path_defaults_to_root if {
	probes.handler({"httpGet": {"port": 8080}}) == probes.handler({"httpGet": {"path": "/", "port": 8080}})
	probes.handler({"httpGet": {"path": "", "port": 8080}}).path == "/"
}

test_handler_tcp_exec_grpc if {
	probes.handler({"tcpSocket": {"port": 5432}}) == {"type": "tcpSocket", "port": 5432}
	probes.handler({"exec": {"command": ["redis-cli", "ping"]}}) == {"type": "exec", "command": ["redis-cli", "ping"]}
	probes.handler({"grpc": {"port": 9090}}) == {"type": "grpc", "port": 9090, "service": ""}
	probes.handler({"grpc": {"port": 9090, "service": "liveness"}}) == {"type": "grpc", "port": 9090, "service": "liveness"}
}

test_handler_identity if {
	# Named port and number are compared as given.
	probes.handler({"httpGet": {"path": "/healthz", "port": "http"}}) != probes.handler({"httpGet": {"path": "/healthz", "port": 8080}})
	probes.handler({"tcpSocket": {"port": 8080}}) != probes.handler({"httpGet": {"path": "/", "port": 8080}})
	probes.handler({"grpc": {"port": 9090}}) != probes.handler({"grpc": {"port": 9090, "service": "readiness"}})
	probes.handler({"exec": {"command": ["cat", "/tmp/a"]}}) != probes.handler({"exec": {"command": ["cat", "/tmp/b"]}})

	# Timing settings are no part of the handler.
	probes.handler({"tcpSocket": {"port": 80}, "periodSeconds": 5}) == probes.handler({"tcpSocket": {"port": 80}, "periodSeconds": 20})
}

test_handler_undefined_without_one if {
	not probes.handler({"periodSeconds": 10})
	not probes.handler({"httpGet": {"path": "/healthz"}})
	not probes.handler({"exec": {}})
}

test_describe if {
	probes.describe(probes.handler({"httpGet": {"port": "http"}})) == "httpGet / on port http"
	probes.describe(probes.handler({"tcpSocket": {"port": 5432}})) == "tcpSocket on port 5432"
	probes.describe(probes.handler({"exec": {"command": ["redis-cli", "ping"]}})) == "exec \"redis-cli ping\""
	probes.describe(probes.handler({"grpc": {"port": 9090}})) == "grpc on port 9090"
	probes.describe(probes.handler({"grpc": {"port": 9090, "service": "live"}})) == "grpc on port 9090, service \"live\""
}

test_words if {
	probes.words("/healthz/DB-check?x=1") == {"healthz", "db", "check", "x", "1"}
	probes.words("registry.example.com/redis:7") == {"registry", "example", "com", "redis", "7"}
	probes.words("") == set()
	probes.words("--") == set()
}

test_words_are_whole_runs if {
	# A word that merely contains another is not that word.
	not "ready" in probes.words("/healthcheck-already")
	probes.words("/healthcheck-already") == {"healthcheck", "already"}
}

test_words_of_all if {
	probes.words_of_all(["/bin/sh", "-c", "redis-cli ping"]) == {"bin", "sh", "c", "redis", "cli", "ping"}
	probes.words_of_all(["ok", 3, null]) == {"ok"}
	probes.words_of_all([]) == set()
}

test_at_once_text if {
	probes.at_once_text == ", in every pod at once" with input as deployment([{"name": "app"}])
	pod := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"name": "app"}]}}
	probes.at_once_text == "" with input as pod
}
