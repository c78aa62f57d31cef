# METADATA
# title: PodDisruptionBudget blocks node drains
# description: >-
#   A PodDisruptionBudget that allows no voluntary eviction at all:
#   maxUnavailable 0 or "0%", or minAvailable "100%", whatever it selects;
#   or (cross) a minAvailable that keeps at least as many pods as the
#   workloads it selects run at their effective minimum replicas (the
#   minReplicas of an HorizontalPodAutoscaler or the minReplicaCount of a
#   KEDA ScaledObject, else spec.replicas, unset = 1). A percentage counts
#   as that share of the replicas rounded up, as the disruption controller
#   does, and when the budget selects several workloads their replicas add
#   up, as the controller counts every pod it selects. Such a budget turns
#   every node drain into a stuck drain: kubectl drain and cluster upgrades
#   retry the eviction forever, the cluster autoscaler cannot remove the
#   node, and managed node-group upgrades time out or, after their timeout,
#   force-delete the pods anyway, so the budget protects nothing and still
#   stalls every maintenance. Only Deployments, StatefulSets, ReplicaSets,
#   ReplicationControllers and Argo Rollouts count toward the cross check;
#   a workload a ScaledObject scales to zero runs no pod at its minimum and
#   is not counted, nor is one with an explicit spec.replicas: 0, nor the
#   Deployment an Argo Rollout runs through spec.workloadRef (the Rollout's
#   replicas are its pods).
# custom:
#   id: pdb-blocks-drain
#   severity: high
#   profile: baseline
#   kinds: [PodDisruptionBudget]
#   version: 2.0.0
#   remediation: >-
#     Use maxUnavailable: 1 (or a percentage above 0%, such as "25%"), which
#     always lets one pod at a time be evicted while the others are healthy.
#     If you need minAvailable, keep it below the workload's minimum replicas
#     (at most replicas - 1), or raise the replicas (or the autoscaler's
#     minReplicas) above it.
package prodready.rules.pdb_blocks_drain

import data.lib.prodready.disruption
import data.lib.prodready.review
import data.lib.prodready.scaling

pdb := review.object if review.kind == "PodDisruptionBudget"

findings contains {"msg": msg, "field": ["spec", "maxUnavailable"]} if {
	pdb.spec.maxUnavailable == 0
	msg := "maxUnavailable is 0: no pod it selects may ever be evicted, so every node drain, cluster upgrade and autoscaler scale-down that meets one of them hangs until someone deletes the budget; use maxUnavailable: 1"
}

findings contains {"msg": msg, "field": ["spec", "maxUnavailable"]} if {
	value := pdb.spec.maxUnavailable
	disruption.percent(value) == 0
	msg := sprintf("maxUnavailable is %q: no pod it selects may ever be evicted, so every node drain, cluster upgrade and autoscaler scale-down that meets one of them hangs until someone deletes the budget; use maxUnavailable: 1", [value])
}

findings contains {"msg": msg, "field": ["spec", "minAvailable"]} if {
	not max_unavailable_blocks
	value := pdb.spec.minAvailable
	disruption.percent(value) >= 100
	msg := sprintf("minAvailable is %q: every pod it selects must stay available, so none may ever be evicted and every node drain, cluster upgrade and autoscaler scale-down that meets one of them hangs until someone deletes the budget; use maxUnavailable: 1", [value])
}

findings contains {"msg": msg, "field": ["spec", "minAvailable"]} if {
	not always_blocks
	value := pdb.spec.minAvailable
	workloads := disruption.selected_replicated(pdb)
	replicas := sum([scaling.min_replicas(obj) | some obj in workloads])
	replicas >= 1
	kept := disruption.kept(value, replicas)
	kept >= replicas
	msg := sprintf("minAvailable %s keeps %s available, and %s%s: at that count no pod may be evicted, so a node drain, cluster upgrade or autoscaler scale-down hangs on them until someone deletes the budget; %s", [json.marshal(value), pods_text(kept), workloads_text(workloads), total_text(workloads, replicas), advice(replicas)])
}

pods_text(1) := "1 pod"

pods_text(n) := sprintf("%v pods", [n]) if n != 1

advice(replicas) := sprintf("use maxUnavailable: 1, or set minAvailable to at most %v", [replicas - 1]) if {
	replicas >= 2
} else := "use maxUnavailable: 1, and run at least 2 replicas so that one keeps serving while another is evicted"

max_unavailable_blocks if pdb.spec.maxUnavailable == 0

max_unavailable_blocks if disruption.percent(pdb.spec.maxUnavailable) == 0

always_blocks if max_unavailable_blocks

always_blocks if disruption.percent(pdb.spec.minAvailable) >= 100

workloads_text(workloads) := concat(", ", sort([sprintf("%s runs as few as %s (%s)", [disruption.describe_workload(obj), scaling.replicas_text(scaling.min_replicas(obj)), scaling.min_replicas_source(obj)]) |
	some obj in workloads
]))

total_text(workloads, _) := "" if count(workloads) == 1

total_text(workloads, replicas) := sprintf(", %v in all", [replicas]) if count(workloads) > 1
