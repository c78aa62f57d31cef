package prodready.rules.liveness_equals_readiness_test

import data.prodready.rules.liveness_equals_readiness

workload(kind, containers) := {
	"apiVersion": "apps/v1",
	"kind": kind,
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": {"template": {"spec": {"containers": containers}}},
}

deployment(containers) := workload("Deployment", containers)

probed(liveness, readiness) := deployment([{"name": "api", "livenessProbe": liveness, "readinessProbe": readiness}])

finding(what, advice) := {
	"msg": sprintf("container \"api\" liveness and readiness probes both check %s: whatever makes it unready (load, a slow dependency) also restarts it, in every pod at once; %s", [what, advice]),
	"container": "api",
}

http_advice(path) := sprintf("point liveness at an endpoint that checks only the process itself (such as /livez) and keep %q for readiness", [path])

exec_advice := "give liveness a command that checks only the process itself and keep this one for readiness"

grpc_advice := "ask the gRPC health service about different services (grpc.service): liveness about one that reflects only the process itself, readiness about what serving needs"

test_fires_for_same_http_get if {
	probe := {"httpGet": {"path": "/healthz", "port": "http"}}
	liveness_equals_readiness.findings == {{
		"msg": "container \"api\" liveness and readiness probes both check httpGet /healthz on port http: whatever makes it unready (load, a slow dependency) also restarts it, in every pod at once; point liveness at an endpoint that checks only the process itself (such as /livez) and keep \"/healthz\" for readiness",
		"container": "api",
	}} with input as probed(probe, probe)
}

test_fires_for_same_http_get_with_different_timing if {
	liveness := {"httpGet": {"path": "/healthz", "port": 8080}, "periodSeconds": 10, "failureThreshold": 6}
	readiness := {"httpGet": {"path": "/healthz", "port": 8080, "scheme": "HTTP"}, "periodSeconds": 5}
	liveness_equals_readiness.findings == {finding("httpGet /healthz on port 8080", http_advice("/healthz"))} with input as probed(liveness, readiness)
}

test_fires_when_unset_path_equals_root if {
	liveness := {"httpGet": {"port": 8080}}
	readiness := {"httpGet": {"path": "/", "port": 8080}}
	liveness_equals_readiness.findings == {finding("httpGet / on port 8080", http_advice("/"))} with input as probed(liveness, readiness)
}

test_fires_for_same_exec_command if {
	probe := {"exec": {"command": ["pg_isready", "-h", "localhost"]}}
	liveness_equals_readiness.findings == {{
		"msg": "container \"api\" liveness and readiness probes both check exec \"pg_isready -h localhost\": whatever makes it unready (load, a slow dependency) also restarts it, in every pod at once; give liveness a command that checks only the process itself and keep this one for readiness",
		"container": "api",
	}} with input as probed(probe, probe)
}

test_fires_for_same_grpc if {
	liveness_equals_readiness.findings == {finding("grpc on port 9090", grpc_advice)} with input as probed({"grpc": {"port": 9090}}, {"grpc": {"port": 9090}})
	probe := {"grpc": {"port": 9090, "service": "checkout"}}
	liveness_equals_readiness.findings == {{
		"msg": "container \"api\" liveness and readiness probes both check grpc on port 9090, service \"checkout\": whatever makes it unready (load, a slow dependency) also restarts it, in every pod at once; ask the gRPC health service about different services (grpc.service): liveness about one that reflects only the process itself, readiness about what serving needs",
		"container": "api",
	}} with input as probed(probe, probe)
}

test_fires_on_bare_pod_without_other_pods if {
	probe := {"httpGet": {"path": "/healthz", "port": 8080}}
	pod := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "api"}, "spec": {"containers": [{"name": "api", "livenessProbe": probe, "readinessProbe": probe}]}}
	liveness_equals_readiness.findings == {{
		"msg": "container \"api\" liveness and readiness probes both check httpGet /healthz on port 8080: whatever makes it unready (load, a slow dependency) also restarts it; point liveness at an endpoint that checks only the process itself (such as /livez) and keep \"/healthz\" for readiness",
		"container": "api",
	}} with input as pod
}

test_fires_under_gatekeeper_review if {
	probe := {"exec": {"command": ["pg_isready"]}}
	review := {"review": {"object": probed(probe, probe)}, "parameters": {"rules": {"liveness-equals-readiness": {}}}}
	{f.container | some f in liveness_equals_readiness.findings} == {"api"} with input as review
}

test_passes_for_different_http_paths if {
	liveness := {"httpGet": {"path": "/livez", "port": "http"}}
	readiness := {"httpGet": {"path": "/ready", "port": "http"}}
	count(liveness_equals_readiness.findings) == 0 with input as probed(liveness, readiness)
}

test_passes_for_named_port_and_number if {
	# Ports compare as given, without resolving the name.
	liveness := {"httpGet": {"path": "/healthz", "port": "http"}}
	readiness := {"httpGet": {"path": "/healthz", "port": 8080}}
	count(liveness_equals_readiness.findings) == 0 with input as probed(liveness, readiness)
}

test_passes_for_different_handler_types if {
	count(liveness_equals_readiness.findings) == 0 with input as probed({"tcpSocket": {"port": 8080}}, {"httpGet": {"path": "/", "port": 8080}})
	count(liveness_equals_readiness.findings) == 0 with input as probed({"grpc": {"port": 8080}}, {"tcpSocket": {"port": 8080}})
}

test_passes_for_same_tcp_socket if {
	# A port check only tests that the process listens: a fair liveness
	# check, which neither load nor a dependency makes fail.
	probe := {"tcpSocket": {"port": 5432}}
	count(liveness_equals_readiness.findings) == 0 with input as probed(probe, object.union(probe, {"periodSeconds": 5}))
	count(liveness_equals_readiness.findings) == 0 with input as probed({"tcpSocket": {"port": "redis"}}, {"tcpSocket": {"port": "redis"}})
}

test_passes_for_different_tcp_ports if {
	count(liveness_equals_readiness.findings) == 0 with input as probed({"tcpSocket": {"port": 8080}}, {"tcpSocket": {"port": 8081}})
}

test_passes_for_different_exec_commands if {
	liveness := {"exec": {"command": ["cat", "/tmp/alive"]}}
	readiness := {"exec": {"command": ["cat", "/tmp/ready"]}}
	count(liveness_equals_readiness.findings) == 0 with input as probed(liveness, readiness)
}

test_passes_for_different_grpc_services if {
	liveness := {"grpc": {"port": 9090, "service": "liveness"}}
	readiness := {"grpc": {"port": 9090}}
	count(liveness_equals_readiness.findings) == 0 with input as probed(liveness, readiness)
}

test_passes_with_one_probe_missing if {
	probe := {"httpGet": {"path": "/healthz", "port": "http"}}
	count(liveness_equals_readiness.findings) == 0 with input as deployment([{"name": "api", "livenessProbe": probe}])
	count(liveness_equals_readiness.findings) == 0 with input as deployment([{"name": "api", "readinessProbe": probe}])
}

test_passes_when_only_startup_matches_liveness if {
	# A startup probe on the liveness endpoint is the recommended pattern.
	liveness := {"httpGet": {"path": "/livez", "port": "http"}}
	obj := deployment([{"name": "api", "startupProbe": liveness, "livenessProbe": liveness, "readinessProbe": {"httpGet": {"path": "/ready", "port": "http"}}}])
	count(liveness_equals_readiness.findings) == 0 with input as obj
}

same_probes := [{"name": "api", "livenessProbe": {"httpGet": {"path": "/healthz", "port": 80}}, "readinessProbe": {"httpGet": {"path": "/healthz", "port": 80}}}]

test_skips_init_containers if {
	obj := json.patch(deployment([{"name": "app"}]), [{
		"op": "add", "path": "/spec/template/spec/initContainers",
		"value": same_probes,
	}])
	count(liveness_equals_readiness.findings) == 0 with input as obj
}

test_skips_job_and_cronjob if {
	containers := same_probes
	job := json.patch(workload("Job", containers), [{"op": "replace", "path": "/apiVersion", "value": "batch/v1"}])
	count(liveness_equals_readiness.findings) == 0 with input as job
	cronjob := {
		"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "report", "namespace": "shop"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": containers}}}}},
	}
	count(liveness_equals_readiness.findings) == 0 with input as cronjob
}
