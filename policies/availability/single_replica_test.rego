package prodready.rules.single_replica_test

import data.lib.prodready.fixtures
import data.prodready.rules.single_replica

workload(kind, replicas) := {
	"apiVersion": "apps/v1",
	"kind": kind,
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": {"replicas": replicas, "template": {"metadata": {"labels": {"app": "api"}}, "spec": {"containers": [{"name": "api"}]}}},
}

deployment(replicas) := workload("Deployment", replicas)

unset_replicas := json.remove(deployment(1), ["spec/replicas"])

hpa(name, target, min) := {
	"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
	"metadata": {"name": name, "namespace": "shop"},
	"spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": target}, "minReplicas": min, "maxReplicas": 10},
}

scaled_object(spec) := {
	"apiVersion": "keda.sh/v1alpha1", "kind": "ScaledObject",
	"metadata": {"name": "queue", "namespace": "shop"},
	"spec": object.union({"scaleTargetRef": {"name": "api"}}, spec),
}

finding(kind, count_text, source, required) := message(kind, count_text, source, required, sprintf("set spec.replicas to %v or more, spread across zones, with a PodDisruptionBudget", [required]))

autoscaled(kind, count_text, source, required) := message(kind, count_text, source, required, sprintf("raise the autoscaler's minimum to %v or more", [required]))

message(kind, count_text, source, required, advice) := {"msg": sprintf("%s \"api\" runs as few as %s (%s), fewer than the %v required: every rollout, node drain, eviction or crash of that pod is downtime; %s", [kind, count_text, source, required, advice]), "field": ["spec", "replicas"]}

check(obj, objs) := result if {
	result := single_replica.findings with input as obj with data.inventory as fixtures.inventory(objs)
}

test_fires_for_one_replica if {
	check(deployment(1), [deployment(1)]) == {finding("Deployment", "1 replica", "spec.replicas 1", 2)}
}

test_fires_when_replicas_unset if {
	# Kubernetes defaults spec.replicas to 1.
	check(unset_replicas, [unset_replicas]) == {finding("Deployment", "1 replica", "spec.replicas unset, which defaults to 1", 2)}
}

test_passes_for_explicit_zero_replicas if {
	# Scaled to nothing on purpose: no replica rule fires.
	count(check(deployment(0), [deployment(0)])) == 0
}

test_fires_for_zero_minimum_of_an_hpa if {
	# An HPA's minReplicas 0 (alpha HPAScaleToZero) is not spec.replicas 0.
	objs := [deployment(3), hpa("api", "api", 0)]
	check(deployment(3), objs) == {autoscaled("Deployment", "0 replicas", "HorizontalPodAutoscaler \"api\" minReplicas 0", 2)}
}

test_fires_without_inventory if {
	# Admission of a lone object: nothing else is known, spec.replicas decides.
	single_replica.findings == {finding("Deployment", "1 replica", "spec.replicas 1", 2)} with input as deployment(1)
}

test_fires_for_statefulset_and_rollout if {
	sts := workload("StatefulSet", 1)
	check(sts, [sts]) == {finding("StatefulSet", "1 replica", "spec.replicas 1", 2)}
	rollout := json.patch(workload("Rollout", 1), [{"op": "replace", "path": "/apiVersion", "value": "argoproj.io/v1alpha1"}])
	check(rollout, [rollout]) == {finding("Rollout", "1 replica", "spec.replicas 1", 2)}
}

test_fires_for_hpa_min_one if {
	# spec.replicas 3, but the HPA may scale down to 1.
	objs := [deployment(3), hpa("api", "api", 1)]
	check(deployment(3), objs) == {autoscaled("Deployment", "1 replica", "HorizontalPodAutoscaler \"api\" minReplicas 1", 2)}
}

test_fires_for_hpa_min_unset if {
	h := json.remove(hpa("api", "api", 3), ["spec/minReplicas"])
	check(unset_replicas, [unset_replicas, h]) == {autoscaled("Deployment", "1 replica", "HorizontalPodAutoscaler \"api\" minReplicas unset, which defaults to 1", 2)}
}

test_fires_for_scaled_object_min_one if {
	# A ScaledObject that keeps one replica does not scale to zero.
	so := scaled_object({"minReplicaCount": 1})
	check(unset_replicas, [unset_replicas, so]) == {autoscaled("Deployment", "1 replica", "ScaledObject \"queue\" minReplicaCount 1", 2)}
}

test_fires_with_hpa_in_other_namespace if {
	h := json.patch(hpa("api", "api", 3), [{"op": "replace", "path": "/metadata/namespace", "value": "other"}])
	check(deployment(1), [deployment(1), h]) == {finding("Deployment", "1 replica", "spec.replicas 1", 2)}
}

test_fires_with_scaled_object_of_other_target if {
	so := scaled_object({"scaleTargetRef": {"name": "web"}})
	check(deployment(1), [deployment(1), so]) == {finding("Deployment", "1 replica", "spec.replicas 1", 2)}
	so_sts := scaled_object({"scaleTargetRef": {"name": "api", "kind": "StatefulSet"}})
	check(deployment(1), [deployment(1), so_sts]) == {finding("Deployment", "1 replica", "spec.replicas 1", 2)}
}

test_fires_with_scaled_object_in_other_namespace if {
	so := json.patch(scaled_object({}), [{"op": "replace", "path": "/metadata/namespace", "value": "other"}])
	check(deployment(1), [deployment(1), so]) == {finding("Deployment", "1 replica", "spec.replicas 1", 2)}
}

test_fires_below_overridden_minimum if {
	result := single_replica.findings with input as deployment(2)
		with data.inventory as fixtures.inventory([deployment(2)])
		with data.lib.parameters as {"single-replica": {"minReplicas": 3}}
	result == {finding("Deployment", "2 replicas", "spec.replicas 2", 3)}
}

test_fires_under_gatekeeper_review if {
	review := {"review": {"object": deployment(2)}, "parameters": {"rules": {"single-replica": {"minReplicas": 3}}}}
	result := single_replica.findings with input as review with data.inventory as fixtures.inventory([deployment(2)])
	result == {finding("Deployment", "2 replicas", "spec.replicas 2", 3)}
}

test_passes_with_two_replicas if {
	count(check(deployment(2), [deployment(2)])) == 0
}

test_passes_at_overridden_minimum if {
	result := single_replica.findings with input as deployment(1)
		with data.lib.parameters as {"single-replica": {"minReplicas": 1}}
	count(result) == 0
	review := {"review": {"object": deployment(3)}, "parameters": {"rules": {"single-replica": {"minReplicas": 3}}}}
	count(single_replica.findings) == 0 with input as review
}

test_passes_with_hpa_min_two if {
	# spec.replicas 1 is only the starting point: the HPA keeps at least 2.
	count(check(deployment(1), [deployment(1), hpa("api", "api", 2)])) == 0
	count(check(unset_replicas, [unset_replicas, hpa("api", "api", 2)])) == 0
}

test_passes_when_scaled_object_may_scale_to_zero if {
	# minReplicaCount unset is 0 in KEDA: a deliberate scale-to-zero consumer.
	count(check(unset_replicas, [unset_replicas, scaled_object({})])) == 0
	count(check(deployment(1), [deployment(1), scaled_object({"minReplicaCount": 0})])) == 0

	# Also when an HPA targets it too (keda-hpa-conflict reports that).
	count(check(deployment(1), [deployment(1), scaled_object({}), hpa("api", "api", 1)])) == 0
}

test_passes_with_scaled_object_min_two if {
	count(check(unset_replicas, [unset_replicas, scaled_object({"minReplicaCount": 2})])) == 0
}

test_skips_other_kinds if {
	count(check(workload("ReplicaSet", 1), [workload("ReplicaSet", 1)])) == 0
	count(check(workload("DaemonSet", 1), [workload("DaemonSet", 1)])) == 0
	pod := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "shop"}, "spec": {"containers": [{"name": "c"}]}}
	count(check(pod, [pod])) == 0
	job := {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "j", "namespace": "shop"}, "spec": {"template": {"spec": {"containers": [{"name": "c"}]}}}}
	count(check(job, [job])) == 0
}

test_skips_other_groups_rollout if {
	rollout := json.patch(workload("Rollout", 1), [{"op": "replace", "path": "/apiVersion", "value": "example.com/v1"}])
	count(check(rollout, [rollout])) == 0
}

test_skips_helm_test_pods_and_non_workloads if {
	helm_test := json.patch(deployment(1), [{"op": "add", "path": "/metadata/annotations", "value": {"helm.sh/hook": "test"}}])
	count(check(helm_test, [helm_test])) == 0
	h := hpa("api", "api", 1)
	count(check(h, [h])) == 0
}

leader(args, ports) := json.patch(deployment(1), [
	{"op": "add", "path": "/spec/template/spec/containers/0/args", "value": args},
	{"op": "add", "path": "/spec/template/spec/containers/0/ports", "value": ports},
])

test_passes_for_leader_elected_controller if {
	# One replica is active by design; a second would only stand by.
	every args in [["--leader-elect"], ["--leader-elect=true"], ["--enable-leader-election"], ["--leader-election-namespace=kube-system", "--v=2"]] {
		c := leader(args, [{"name": "metrics", "containerPort": 8080}])
		count(check(c, [c])) == 0
	}
	in_command := json.patch(deployment(1), [{"op": "add", "path": "/spec/template/spec/containers/0/command", "value": ["/bin/sh", "-c", "exec /manager --leader-elect --metrics-bind-address=:8080"]}])
	count(check(in_command, [in_command])) == 0
}

test_fires_for_leader_election_turned_off if {
	every args in [["--leader-elect=false"], ["--leader-elect=False"], ["--enable-leader-election=false"]] {
		c := leader(args, [])
		check(c, [c]) == {finding("Deployment", "1 replica", "spec.replicas 1", 2)}
	}
}

test_fires_for_leader_elected_controller_serving_a_webhook if {
	# While its only pod restarts, every API write the webhook intercepts fails.
	every ports in [[{"name": "webhook-server", "containerPort": 9876}], [{"name": "https-webhook", "containerPort": 8443}], [{"containerPort": 9443}]] {
		c := leader(["--leader-elect"], ports)
		check(c, [c]) == {{"field": ["spec", "replicas"], "msg": "Deployment \"api\" runs as few as 1 replica (spec.replicas 1), fewer than the 2 required: it elects a leader, but every replica serves its admission webhook: while its only pod restarts or moves, every API request the webhook intercepts fails; set spec.replicas to 2 or more, spread across zones, with a PodDisruptionBudget"}}
	}
}

rollout_ref(replicas) := {
	"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout",
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": {"replicas": replicas, "workloadRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "api"}},
}

test_passes_for_deployment_a_rollout_runs if {
	# Argo scales the referenced Deployment (often to 0): the Rollout is the workload.
	objs := [deployment(1), rollout_ref(3)]
	count(check(deployment(1), objs)) == 0
	count(check(rollout_ref(3), objs)) == 0
}

test_fires_for_a_rollout_with_workload_ref if {
	objs := [deployment(0), rollout_ref(1)]
	check(rollout_ref(1), objs) == {finding("Rollout", "1 replica", "spec.replicas 1", 2)}
}

test_advice_for_a_deployment_with_a_volume_claim if {
	# Two replicas of it would share the claim: a StatefulSet is the fix.
	db := json.patch(deployment(1), [{"op": "add", "path": "/spec/template/spec/volumes", "value": [{"name": "data", "persistentVolumeClaim": {"claimName": "mysql-data"}}, {"name": "tmp", "emptyDir": {}}]}])
	check(db, [db]) == {message("Deployment", "1 replica", "spec.replicas 1", 2, "its pods mount PersistentVolumeClaim \"mysql-data\", which more replicas of a Deployment would share (a ReadWriteOnce volume attaches to one node only): run it as a StatefulSet with volumeClaimTemplates, or as a replicated setup of its software, or exempt it with a reason if the downtime is accepted")}
}
