package lib.prodready.resources_test

import data.lib.prodready.resources

container(requests, limits) := {"name": "api", "resources": {"requests": requests, "limits": limits}}

test_exceeds_limit_compares_quantities if {
	resources.exceeds_limit(container({"memory": "1Gi"}, {"memory": "1000Mi"}), "memory")
	resources.exceeds_limit(container({"cpu": "1001m"}, {"cpu": "1"}), "cpu")
	resources.exceeds_limit(container({"cpu": 2}, {"cpu": "1.5"}), "cpu")
	not resources.exceeds_limit(container({"memory": "1000Mi"}, {"memory": "1Gi"}), "memory")
	not resources.exceeds_limit(container({"memory": "1024Mi"}, {"memory": "1Gi"}), "memory")
	not resources.exceeds_limit(container({"cpu": "100m"}, {"cpu": "0.1"}), "cpu")
}

test_exceeds_limit_needs_both_written if {
	# Only a limit: Kubernetes copies it into the request.
	not resources.exceeds_limit({"name": "api", "resources": {"limits": {"memory": "1Gi"}}}, "memory")
	not resources.exceeds_limit(container({"memory": "2Gi"}, {}), "memory")
	not resources.exceeds_limit(container({"memory": "2Gi"}, {"memory": null}), "memory")
	not resources.exceeds_limit(container({"memory": "2Gi"}, {"cpu": "1"}), "memory")
	not resources.exceeds_limit(container({"memory": "2Gi"}, {"memory": "one gig"}), "memory")
}

deployment := {
	"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "api"},
	"spec": {"template": {"spec": {
		"initContainers": [{"name": "migrate"}, {"name": "proxy", "restartPolicy": "Always"}],
		"containers": [{"name": "api"}],
	}}},
}

test_label_names_init_containers if {
	resources.label({"name": "api"}) == "container \"api\"" with input as deployment
	resources.label({"name": "migrate"}) == "initContainer \"migrate\"" with input as deployment
	resources.label({"name": "proxy", "restartPolicy": "Always"}) == "initContainer \"proxy\"" with input as deployment
}
