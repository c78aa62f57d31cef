package lib.prodready.workload_test

import data.lib.prodready.workload

pod(meta) := {
	"apiVersion": "v1",
	"kind": "Pod",
	"metadata": object.union({"name": "api-7d9f-abcde", "namespace": "shop"}, meta),
	"spec": {"containers": [{"name": "api"}]},
}

owner(controller) := {"ownerReferences": [{
	"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "api-7d9f",
	"uid": "0b1c", "controller": controller,
}]}

test_a_bare_pod_is_a_workload if {
	workload.workload(pod({}))
}

test_a_pod_its_replicaset_made_is_not if {
	not workload.workload(pod(owner(true)))
}

test_an_owner_that_is_not_the_controller_leaves_it_a_workload if {
	workload.workload(pod(owner(false)))
}

test_a_cronjobs_job_is_not_a_workload if {
	job := {
		"apiVersion": "batch/v1", "kind": "Job",
		"metadata": {"name": "nightly-29000000", "namespace": "shop", "ownerReferences": [{"kind": "CronJob", "name": "nightly", "controller": true}]},
		"spec": {"template": {"spec": {"containers": [{"name": "c"}]}}},
	}
	not workload.workload(job)
}

test_helm_test_pods_are_not_workloads if {
	not workload.workload(pod({"annotations": {"helm.sh/hook": "test-success"}}))
}

test_controlled_pods_get_no_findings_from_rules if {
	count(data.prodready.rules.memory_request_missing.findings) == 0 with input as pod(owner(true))
	count(data.prodready.rules.memory_request_missing.findings) == 1 with input as pod({})
}

controller(args, ports) := {"spec": {"containers": [{"name": "manager", "args": args, "ports": ports}]}}

test_leader_elected if {
	workload.leader_elected(controller(["--leader-elect"], []))
	workload.leader_elected(controller(["--leader-elect=true"], []))
	workload.leader_elected(controller(["--leader-election=true"], []))
	workload.leader_elected(controller(["--enable-leader-election"], []))
	workload.leader_elected({"spec": {"containers": [{"name": "c", "command": ["sh", "-c", "exec /manager --leader-elect"]}]}})
	not workload.leader_elected(controller(["--leader-elect=false"], []))
	not workload.leader_elected(controller(["--leader-elect=0"], []))
	not workload.leader_elected(controller(["--v=2"], []))
	not workload.leader_elected({"spec": {"containers": [{"name": "c"}]}})
}

test_serves_webhook if {
	workload.serves_webhook(controller([], [{"name": "webhook-server", "containerPort": 9876}]))
	workload.serves_webhook(controller([], [{"name": "https-webhook", "containerPort": 8443}]))
	workload.serves_webhook(controller([], [{"containerPort": 9443}]))
	not workload.serves_webhook(controller([], [{"name": "metrics", "containerPort": 8080}]))
	not workload.serves_webhook(controller([], []))
}
