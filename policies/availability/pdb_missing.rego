# METADATA
# title: PodDisruptionBudget missing
# description: >-
#   A Deployment, StatefulSet, ReplicaSet, ReplicationController or Argo
#   Rollout runs at least two replicas at its effective minimum (the
#   minReplicas of an HorizontalPodAutoscaler or the minReplicaCount of a
#   KEDA ScaledObject targeting it, else spec.replicas, unset = 1), and no
#   PodDisruptionBudget of its namespace among the objects given selects its
#   pod template's labels. Without a budget the eviction API lets a node
#   drain take every replica at once: a routine node upgrade, a cluster
#   autoscaler scale-down or a spot reclaim that happens to hit the nodes
#   holding all the replicas is an outage, however many replicas there are
#   (incident 3). A ReplicaSet a Deployment or Rollout owns is left to its
#   owner; DaemonSets, Jobs, CronJobs and bare Pods are not replicated
#   workloads. A policy/v1beta1 PDB with an empty selector selects nothing.
#   An Argo Rollout with spec.workloadRef runs the pods of the Deployment it
#   references, whose labels a budget must select (it is not reported when
#   that Deployment is not in the input: its labels are unknown); the
#   Deployment itself is not reported (Argo scales it), nor is a workload
#   with an explicit spec.replicas: 0.
# custom:
#   id: pdb-missing
#   severity: high
#   profile: baseline
#   kinds: [Deployment, StatefulSet, ReplicaSet, ReplicationController, Rollout]
#   version: 1.1.0
#   remediation: >-
#     Add a PodDisruptionBudget in the workload's namespace whose
#     spec.selector matches the pod template's labels, with maxUnavailable: 1
#     (or a percentage such as "25%" for large workloads). Prefer
#     maxUnavailable to minAvailable: it never blocks a drain as long as the
#     pods are healthy, and it follows the replica count when an autoscaler
#     changes it.
package prodready.rules.pdb_missing

import data.lib.prodready.disruption
import data.lib.prodready.pods
import data.lib.prodready.review
import data.lib.prodready.scaling

findings contains {"msg": msg} if {
	obj := review.object
	scaling.replicated(obj)
	template := pods.template(obj)
	replicas := scaling.min_replicas(obj)
	replicas >= 2
	count(disruption.pdbs(obj)) == 0
	msg := sprintf("%s runs at least %v replicas (%s) but no PodDisruptionBudget in %s selects its pods (%s): a node drain, cluster upgrade or autoscaler scale-down may evict all of them at once; %s", [disruption.describe_workload(obj), replicas, scaling.min_replicas_source(obj), review.namespace_text, labels_text(obj, template), advice(template)])
}

labels_text(obj, template) := sprintf("labels %s, from Deployment %s", [disruption.label_text(template.metadata.labels), obj.spec.workloadRef.name]) if {
	obj.spec.workloadRef
	count(object.get(template, ["metadata", "labels"], {})) > 0
} else := sprintf("labels %s", [disruption.label_text(template.metadata.labels)]) if {
	count(object.get(template, ["metadata", "labels"], {})) > 0
} else := "its pod template has no labels"

advice(template) := "add a PodDisruptionBudget with maxUnavailable: 1 whose selector matches those labels" if {
	count(object.get(template, ["metadata", "labels"], {})) > 0
} else := "give the pod template labels (such as app: <name>) and add a PodDisruptionBudget with maxUnavailable: 1 whose selector matches them"
