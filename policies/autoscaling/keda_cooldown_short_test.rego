package prodready.rules.keda_cooldown_short_test

import data.prodready.rules.keda_cooldown_short

scaled_object(spec) := {
	"apiVersion": "keda.sh/v1alpha1", "kind": "ScaledObject",
	"metadata": {"name": "mailer", "namespace": "shop"},
	"spec": object.union({"scaleTargetRef": {"name": "mailer"}, "maxReplicaCount": 20, "triggers": [{"type": "rabbitmq", "metadata": {"queueName": "mail", "value": "20"}}]}, spec),
}

finding(zero, cooldown, minimum) := {"msg": sprintf("ScaledObject scales Deployment \"mailer\" to zero (%s) %vs after its triggers go quiet (cooldownPeriod %v), sooner than %vs: every pause between bursts removes the last pod and the next burst waits for a cold start; set cooldownPeriod to at least %v", [zero, cooldown, cooldown, minimum, minimum])}

test_fires_with_min_replica_count_zero if {
	keda_cooldown_short.findings == {finding("minReplicaCount 0", 30, 300)} with input as scaled_object({"minReplicaCount": 0, "cooldownPeriod": 30})
}

test_fires_with_min_replica_count_unset if {
	keda_cooldown_short.findings == {finding("minReplicaCount unset, which defaults to 0", 60, 300)} with input as scaled_object({"cooldownPeriod": 60})
}

test_fires_with_idle_replica_count_zero if {
	so := scaled_object({"minReplicaCount": 1, "idleReplicaCount": 0, "cooldownPeriod": 0})
	keda_cooldown_short.findings == {finding("idleReplicaCount 0", 0, 300)} with input as so
}

test_fires_for_a_statefulset_target if {
	so := scaled_object({"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "mailer"}, "cooldownPeriod": 120})
	msg := "ScaledObject scales StatefulSet \"mailer\" to zero (minReplicaCount unset, which defaults to 0) 120s after its triggers go quiet (cooldownPeriod 120), sooner than 300s: every pause between bursts removes the last pod and the next burst waits for a cold start; set cooldownPeriod to at least 300"
	keda_cooldown_short.findings == {{"msg": msg}} with input as so
}

test_fires_with_overridden_minimum if {
	keda_cooldown_short.findings == {finding("minReplicaCount 0", 300, 600)} with input as scaled_object({"minReplicaCount": 0, "cooldownPeriod": 300})
		with data.lib.parameters as {"keda-cooldown-short": {"minSeconds": 600}}
}

test_fires_under_gatekeeper_review if {
	review := {"review": {"object": scaled_object({"cooldownPeriod": 100})}, "parameters": {"rules": {"keda-cooldown-short": {"minSeconds": 120}}}}
	keda_cooldown_short.findings == {finding("minReplicaCount unset, which defaults to 0", 100, 120)} with input as review
}

test_passes_at_minimum if {
	count(keda_cooldown_short.findings) == 0 with input as scaled_object({"minReplicaCount": 0, "cooldownPeriod": 300})
	count(keda_cooldown_short.findings) == 0 with input as scaled_object({"cooldownPeriod": 900})
}

test_passes_when_cooldown_unset if {
	# Unset, cooldownPeriod is KEDA's default of 300 seconds.
	count(keda_cooldown_short.findings) == 0 with input as scaled_object({"minReplicaCount": 0})
}

test_passes_when_it_keeps_a_replica if {
	# cooldownPeriod only governs the scale to zero; above it the HPA's behavior rules.
	count(keda_cooldown_short.findings) == 0 with input as scaled_object({"minReplicaCount": 1, "cooldownPeriod": 30})
	count(keda_cooldown_short.findings) == 0 with input as scaled_object({"minReplicaCount": 2, "idleReplicaCount": 1, "cooldownPeriod": 30})
}

test_passes_with_lowered_minimum if {
	review := {"review": {"object": scaled_object({"cooldownPeriod": 60})}, "parameters": {"rules": {"keda-cooldown-short": {"minSeconds": 60}}}}
	count(keda_cooldown_short.findings) == 0 with input as review
	count(keda_cooldown_short.findings) == 0 with input as scaled_object({"cooldownPeriod": 60})
		with data.lib.parameters as {"keda-cooldown-short": {"minSeconds": 30}}
}

test_skips_other_kinds if {
	scaled_job := object.union(scaled_object({"cooldownPeriod": 30}), {"kind": "ScaledJob"})
	count(keda_cooldown_short.findings) == 0 with input as scaled_job
	hpa := {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "mailer", "namespace": "shop"}, "spec": {"cooldownPeriod": 30, "minReplicas": 0}}
	count(keda_cooldown_short.findings) == 0 with input as hpa
}
