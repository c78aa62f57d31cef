# METADATA
# title: PodDisruptionBudget selects nothing
# description: >-
#   A PodDisruptionBudget whose selector matches the pod template labels of
#   no workload of its namespace among the objects given (any workload kind:
#   Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController,
#   Job, CronJob, Pod, Argo Rollout), while that namespace does have
#   workloads in the input, and that matches no custom resource of a known
#   operator in the namespace either. Such a budget usually outlived a
#   relabelling (app: api became app.kubernetes.io/name: api) or was copied
#   from another service: it looks like protection in review, yet a node
#   drain may evict every replica of the service it was meant for at once
#   (incident 3). A missing selector selects no pod, and so does an empty
#   selector in policy/v1beta1 (in policy/v1, {} selects every pod of the
#   namespace). Operators create pods that no workload of the input
#   describes: the budget is not reported when its selector matches the
#   metadata.labels, or spec.podMetadata.labels, of a Prometheus,
#   PrometheusAgent, Alertmanager or ThanosRuler (prometheus-operator), a
#   Kafka, KafkaNodePool, KafkaConnect, KafkaMirrorMaker2 or KafkaBridge
#   (Strimzi), or a RabbitmqCluster of its namespace. A namespace with no
#   workload in the input is not judged: its workloads are deployed from
#   elsewhere.
# custom:
#   id: pdb-selector-matches-nothing
#   severity: medium
#   profile: baseline
#   kinds: [PodDisruptionBudget]
#   version: 1.1.0
#   remediation: >-
#     Make spec.selector match the labels of the pod template it is meant to
#     protect (compare with the workload's spec.template.metadata.labels,
#     or run kubectl get pods -l '<selector>' -n <namespace>), or delete the
#     budget if its workload is gone.
package prodready.rules.pdb_selector_matches_nothing

import data.lib.prodready.disruption
import data.lib.prodready.inventory
import data.lib.prodready.pods
import data.lib.prodready.review

findings contains {"msg": msg} if {
	review.kind == "PodDisruptionBudget"
	pdb := review.object
	workloads := inventory.workloads(review.namespace)
	count(workloads) > 0
	not selects_a_workload(pdb, workloads)
	not disruption.selects_operator_resource(pdb)
	msg := sprintf("its selector (%s) matches the pod labels of no workload in %s (%s) and the labels of no operator's resource: it protects nothing, and a node drain may evict every replica of the service it was meant for at once; make spec.selector match the pod template labels of that workload", [selector_text(pdb), review.namespace_text, workloads_text(workloads)])
}

selects_a_workload(pdb, workloads) if {
	some obj in workloads
	disruption.selects(pdb, pods.labels(obj))
}

selector_text(pdb) := "an empty selector, which in policy/v1beta1 selects no pod" if {
	disruption.empty_v1beta1_selector(pdb)
} else := disruption.selector_text(object.get(pdb, ["spec", "selector"], null))

# workloads_text lists the first five workloads with their pod labels.
workloads_text(workloads) := concat("; ", array.concat(array.slice(listed, 0, 5), more)) if {
	listed := sort([sprintf("%s/%s: %s", [obj.kind, obj.metadata.name, disruption.label_text(pods.labels(obj))]) | some obj in workloads])
	more := [sprintf("and %v more", [count(listed) - 5]) | count(listed) > 5]
}
