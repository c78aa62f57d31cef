package prodready.rules.liveness_checks_dependencies_test

import data.prodready.rules.liveness_checks_dependencies

workload(kind, containers) := {
	"apiVersion": "apps/v1",
	"kind": kind,
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": {"template": {"spec": {"containers": containers}}},
}

deployment(containers) := workload("Deployment", containers)

http(path) := {"httpGet": {"path": path, "port": 8080}}

exec(command) := {"exec": {"command": command}}

api(liveness) := deployment([{"name": "api", "image": "registry.example.com/checkout-api:1.4.2", "livenessProbe": liveness}])

# finding(container, where, words, dependencies, one) is the finding for
# dependency words: dependencies is "a dependency" or "dependencies", one
# "it" or "one of them".
finding(container, where, words, dependencies, one) := {
	"msg": sprintf("container %q has a liveness probe whose %s contains %s: liveness checks %s, so when %s is slow or down the container fails liveness and is restarted, in every pod at once, which fixes nothing; check only the process itself in liveness and move dependency checks to readiness", [container, where, words, dependencies, one]),
	"container": container, "field": ["livenessProbe"],
}

one_dependency(container, where, word) := finding(container, where, sprintf("the word %q", [word]), "a dependency", "it")

test_fires_for_dependency_in_http_path if {
	result := liveness_checks_dependencies.findings with input as api(http("/healthz/db"))
	result == {{
		"msg": "container \"api\" has a liveness probe whose httpGet path \"/healthz/db\" contains the word \"db\": liveness checks a dependency, so when it is slow or down the container fails liveness and is restarted, in every pod at once, which fixes nothing; check only the process itself in liveness and move dependency checks to readiness",
		"container": "api", "field": ["livenessProbe"],
	}}
}

test_fires_for_every_dependency_word_once if {
	result := liveness_checks_dependencies.findings with input as api(http("/health/Redis?deps=true&db=1"))
	result == {finding("api", "httpGet path \"/health/Redis?deps=true&db=1\"", "the words \"db\", \"deps\", \"redis\"", "dependencies", "one of them")}
}

test_fires_for_readiness_endpoint_used_as_liveness if {
	result := liveness_checks_dependencies.findings with input as api(http("/ready"))
	result == {{
		"msg": "container \"api\" has a liveness probe whose httpGet path \"/ready\" contains the word \"ready\": liveness runs a readiness check, so whatever makes the container unready (load, a slow dependency) also restarts it, in every pod at once, which fixes nothing; point liveness at a check of the process itself (such as /livez) and leave this one to readiness",
		"container": "api", "field": ["livenessProbe"],
	}}
}

test_readiness_words_with_a_dependency_read_as_dependencies if {
	result := liveness_checks_dependencies.findings with input as api(http("/readiness/db"))
	result == {finding("api", "httpGet path \"/readiness/db\"", "the words \"db\", \"readiness\"", "a dependency", "it")}
}

test_readiness_command_has_no_endpoint_example if {
	result := liveness_checks_dependencies.findings with input as api(exec(["/bin/check", "--readiness"]))
	result == {{
		"msg": "container \"api\" has a liveness probe whose exec command \"/bin/check --readiness\" contains the word \"readiness\": liveness runs a readiness check, so whatever makes the container unready (load, a slow dependency) also restarts it, in every pod at once, which fixes nothing; point liveness at a check of the process itself and leave this one to readiness",
		"container": "api", "field": ["livenessProbe"],
	}}
}

test_bare_pod_has_no_other_pods if {
	pod := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "api"}, "spec": {"containers": [{"name": "api", "image": "api:1", "livenessProbe": http("/healthz/db")}]}}
	result := liveness_checks_dependencies.findings with input as pod
	result == {{
		"msg": "container \"api\" has a liveness probe whose httpGet path \"/healthz/db\" contains the word \"db\": liveness checks a dependency, so when it is slow or down the container fails liveness and is restarted, which fixes nothing; check only the process itself in liveness and move dependency checks to readiness",
		"container": "api", "field": ["livenessProbe"],
	}}
}

test_fires_for_dependency_in_exec_command if {
	liveness := exec(["/bin/sh", "-c", "redis-cli -h cache ping"])
	result := liveness_checks_dependencies.findings with input as api(liveness)
	result == {finding("api", "exec command \"/bin/sh -c redis-cli -h cache ping\"", "the words \"cache\", \"redis\"", "dependencies", "one of them")}
}

test_fires_for_dependency_in_any_command_element if {
	liveness := exec(["curl", "-f", "http://localhost:8080/health", "--header", "X-Check: upstream"])
	{f.container | some f in liveness_checks_dependencies.findings} == {"api"} with input as api(liveness)
}

test_fires_per_container if {
	obj := deployment([
		{"name": "api", "image": "api:1", "livenessProbe": http("/livez/database")},
		{"name": "worker", "image": "worker:1", "livenessProbe": exec(["check", "--downstream"])},
		{"name": "proxy", "image": "envoy:1", "livenessProbe": http("/server_info")},
	])
	{f.container | some f in liveness_checks_dependencies.findings} == {"api", "worker"} with input as obj
}

test_fires_under_gatekeeper_review if {
	review := {"review": {"object": api(http("/healthz/db"))}, "parameters": {"rules": {"liveness-checks-dependencies": {"patterns": ["db"]}}}}
	{f.container | some f in liveness_checks_dependencies.findings} == {"api"} with input as review
}

test_passes_for_process_only_checks if {
	count(liveness_checks_dependencies.findings) == 0 with input as api(http("/livez"))
	count(liveness_checks_dependencies.findings) == 0 with input as api(http("/healthz"))
	count(liveness_checks_dependencies.findings) == 0 with input as api(exec(["/bin/sh", "-c", "test -f /tmp/heartbeat"]))
}

test_passes_for_word_that_merely_contains_a_pattern if {
	count(liveness_checks_dependencies.findings) == 0 with input as api(http("/healthcheck-already"))
	count(liveness_checks_dependencies.findings) == 0 with input as api(http("/dbx/readyz/caches"))
	count(liveness_checks_dependencies.findings) == 0 with input as api(exec(["mongodb-check", "--redisson"]))
}

test_passes_when_word_is_in_image if {
	# A Redis container's liveness may run redis-cli.
	obj := deployment([{"name": "server", "image": "redis:7", "livenessProbe": exec(["redis-cli", "ping"])}])
	count(liveness_checks_dependencies.findings) == 0 with input as obj
	registry := deployment([{"name": "server", "image": "registry.example.com/cache/redis:7.2", "livenessProbe": exec(["redis-cli", "-h", "localhost", "ping"])}])
	count(liveness_checks_dependencies.findings) == 0 with input as registry
}

test_passes_when_word_is_in_container_name if {
	obj := deployment([{"name": "db", "image": "postgres:16", "livenessProbe": exec(["pg_isready", "-d", "db"])}])
	count(liveness_checks_dependencies.findings) == 0 with input as obj
}

test_own_words_exempt_only_themselves if {
	obj := deployment([{"name": "cache", "image": "redis:7", "livenessProbe": exec(["sh", "-c", "redis-cli ping && psql -c 'select 1' db"])}])
	result := liveness_checks_dependencies.findings with input as obj
	result == {one_dependency("cache", "exec command \"sh -c redis-cli ping && psql -c 'select 1' db\"", "db")}
}

test_passes_for_tcp_and_grpc_liveness if {
	count(liveness_checks_dependencies.findings) == 0 with input as api({"tcpSocket": {"port": 8080}})
	count(liveness_checks_dependencies.findings) == 0 with input as api({"grpc": {"port": 9090, "service": "db"}})
}

test_ignores_readiness_and_startup if {
	obj := deployment([{
		"name": "api",
		"image": "api:1",
		"readinessProbe": http("/ready/db"),
		"startupProbe": http("/startup/deps"),
		"livenessProbe": http("/livez"),
	}])
	count(liveness_checks_dependencies.findings) == 0 with input as obj
}

test_passes_without_liveness if {
	count(liveness_checks_dependencies.findings) == 0 with input as deployment([{"name": "api", "image": "api:1"}])
}

test_skips_init_containers if {
	obj := json.patch(api(http("/livez")), [{
		"op": "add", "path": "/spec/template/spec/initContainers",
		"value": [{"name": "wait", "image": "busybox", "livenessProbe": http("/db")}],
	}])
	count(liveness_checks_dependencies.findings) == 0 with input as obj
}

test_skips_job_and_cronjob if {
	containers := [{"name": "report", "image": "report:1", "livenessProbe": http("/healthz/db")}]
	job := json.patch(workload("Job", containers), [{"op": "replace", "path": "/apiVersion", "value": "batch/v1"}])
	count(liveness_checks_dependencies.findings) == 0 with input as job
	cronjob := {
		"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "report", "namespace": "shop"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": containers}}}}},
	}
	count(liveness_checks_dependencies.findings) == 0 with input as cronjob
}

test_patterns_from_data_parameters if {
	params := {"liveness-checks-dependencies": {"patterns": ["Kafka", "s3"]}}
	result := liveness_checks_dependencies.findings with input as api(http("/healthz/kafka/db")) with data.lib.parameters as params
	result == {one_dependency("api", "httpGet path \"/healthz/kafka/db\"", "kafka")}
	count(liveness_checks_dependencies.findings) == 0 with input as api(http("/healthz/db")) with data.lib.parameters as params
}

test_patterns_from_gatekeeper_parameters if {
	obj := api(exec(["check", "--elasticsearch"]))
	{f.container | some f in liveness_checks_dependencies.findings} == {"api"} with input as {"review": {"object": obj}, "parameters": {"rules": {"liveness-checks-dependencies": {"patterns": ["elasticsearch"]}}}}
	count(liveness_checks_dependencies.findings) == 0 with input as {"review": {"object": api(http("/healthz/db"))}, "parameters": {"rules": {"liveness-checks-dependencies": {"patterns": []}}}}
}
