# METADATA
# title: Disruption budgets and the workloads they protect
# description: >-
#   What the PodDisruptionBudget rules share: which workloads run
#   interchangeable replicas, which PDBs select a workload's pods and which
#   workloads a PDB selects (with the policy/v1beta1 quirk that an empty
#   selector selects nothing), the number of pods a minAvailable keeps, the
#   autoscalers of a workload in words, and the custom resources of known
#   operators whose pods carry the resource's labels. Every other object is
#   looked up through lib.prodready.inventory by namespace and kind.
package lib.prodready.disruption

import data.lib.prodready.inventory
import data.lib.prodready.pods
import data.lib.prodready.scaling
import data.lib.prodready.selector

# describe_workload(obj) is "Deployment api".
describe_workload(obj) := sprintf("%s %s", [obj.kind, obj.metadata.name])

# autoscalers(obj) describes the HPAs and ScaledObjects that target obj, with
# the range they scale it in (HPA minReplicas unset = 1; ScaledObject
# minReplicaCount unset = 0, maxReplicaCount unset = 100).
autoscalers(obj) := sort(array.concat(
	[s |
		some hpa in scaling.hpas(obj)
		s := sprintf("HorizontalPodAutoscaler %s (%v-%v replicas)", [
			hpa.metadata.name,
			object.get(hpa, ["spec", "minReplicas"], 1),
			object.get(hpa, ["spec", "maxReplicas"], "?"),
		])
	],
	[s |
		some so in scaling.scaled_objects(obj)
		s := sprintf("ScaledObject %s (%v-%v replicas)", [
			so.metadata.name,
			object.get(so, ["spec", "minReplicaCount"], 0),
			object.get(so, ["spec", "maxReplicaCount"], 100),
		])
	],
))

# autoscalers_text(obj) is autoscalers(obj) in one phrase.
autoscalers_text(obj) := concat(" and ", autoscalers(obj))

# selects(pdb, labels) is true when the PDB's selector matches a pod's labels.
# policy/v1: {} selects every pod of the namespace, a missing selector none.
# policy/v1beta1 (removed in Kubernetes 1.25, still found in old charts): an
# empty selector selects no pod.
selects(pdb, labels) if {
	selector.matches(pdb.spec.selector, labels)
	not empty_v1beta1_selector(pdb)
}

empty_v1beta1_selector(pdb) if {
	pdb.apiVersion == "policy/v1beta1"
	is_object(pdb.spec.selector)
	not has_terms(pdb.spec.selector)
}

has_terms(sel) if {
	is_object(sel.matchLabels)
	count(sel.matchLabels) > 0
}

has_terms(sel) if {
	is_array(sel.matchExpressions)
	count(sel.matchExpressions) > 0
}

# pdbs(obj) are the PodDisruptionBudgets of obj's namespace that select its pods.
pdbs(obj) := {pdb |
	some pdb in inventory.namespaced(inventory.namespace_of(obj), "PodDisruptionBudget")
	selects(pdb, pods.labels(obj))
}

# selected_workloads(pdb) are the workloads of any kind in the PDB's namespace whose pods it selects.
selected_workloads(pdb) := {obj |
	some obj in inventory.workloads(inventory.namespace_of(pdb))
	selects(pdb, pods.labels(obj))
}

# selected_replicated(pdb) are the replicated workloads whose pods the PDB selects.
selected_replicated(pdb) := {obj |
	some obj in selected_workloads(pdb)
	scaling.replicated(obj)
}

# percent(value) is the number of a percentage string such as "80%".
percent(value) := to_number(trim_suffix(value, "%")) if {
	is_string(value)
	regex.match(`^[0-9]+%$`, value)
}

# kept(value, replicas) is how many pods a minAvailable of value keeps out of
# replicas: an integer as is, a percentage of replicas rounded up, as the
# disruption controller does. Undefined for a malformed value.
kept(value, _) := value if is_number(value)

kept(value, replicas) := ceil((percent(value) * replicas) / 100)

# label_text(labels) is "app=api, tier=web" (sorted), or "none".
label_text(labels) := concat(", ", sort([sprintf("%s=%v", [k, v]) | some k, v in labels])) if {
	count(labels) > 0
} else := "none"

# selector_text(sel) describes a label selector in words.
selector_text(sel) := "no selector" if {
	not is_object(sel)
} else := "{} (every pod)" if {
	not has_terms(sel)
} else := concat(", ", array.concat(
	sort([sprintf("%s=%v", [k, v]) | some k, v in object.get(sel, "matchLabels", {})]),
	[expression_text(e) | some e in object.get(sel, "matchExpressions", [])],
))

expression_text(e) := sprintf("%s %s (%s)", [e.key, e.operator, concat(", ", [sprintf("%v", [v]) | some v in e.values])]) if {
	e.operator in {"In", "NotIn"}
} else := sprintf("%s exists", [e.key]) if {
	e.operator == "Exists"
} else := sprintf("%s does not exist", [e.key]) if {
	e.operator == "DoesNotExist"
} else := sprintf("%s %v", [e.key, e.operator])

# operator_kinds are the custom resource kinds whose operators run pods that
# carry the resource's own labels (metadata.labels, and spec.podMetadata.labels
# where the operator has one), so a PDB may rightly select them although no
# workload of the input has those labels: prometheus-operator (Prometheus,
# PrometheusAgent, Alertmanager, ThanosRuler), Strimzi (Kafka, KafkaNodePool,
# KafkaConnect, KafkaMirrorMaker2, KafkaBridge) and the RabbitMQ cluster
# operator (RabbitmqCluster). The inventory is looked up by kind, and the SDK
# indexes only the kinds named literally in a lookup, so each kind has its own
# literal inventory.namespaced call in operator_resources below; to support
# another operator, add its kind to both (a test checks they agree).
operator_kinds := {
	"Prometheus", "PrometheusAgent", "Alertmanager", "ThanosRuler",
	"Kafka", "KafkaNodePool", "KafkaConnect", "KafkaMirrorMaker2", "KafkaBridge",
	"RabbitmqCluster",
}

# operator_resources(ns) are the custom resources of operator_kinds in namespace ns.
operator_resources(ns) := union({
	inventory.namespaced(ns, "Prometheus"),
	inventory.namespaced(ns, "PrometheusAgent"),
	inventory.namespaced(ns, "Alertmanager"),
	inventory.namespaced(ns, "ThanosRuler"),
	inventory.namespaced(ns, "Kafka"),
	inventory.namespaced(ns, "KafkaNodePool"),
	inventory.namespaced(ns, "KafkaConnect"),
	inventory.namespaced(ns, "KafkaMirrorMaker2"),
	inventory.namespaced(ns, "KafkaBridge"),
	inventory.namespaced(ns, "RabbitmqCluster"),
})

# resource_labels(cr) are the label sets an operator's pods get from its resource.
resource_labels(cr) := {labels |
	some labels in [object.get(cr, ["metadata", "labels"], {}), object.get(cr, ["spec", "podMetadata", "labels"], {})]
	is_object(labels)
}

# selects_operator_resource(pdb) is true when the PDB's selector matches the
# labels of an operator's custom resource in its namespace.
selects_operator_resource(pdb) if {
	some cr in operator_resources(inventory.namespace_of(pdb))
	some labels in resource_labels(cr)
	selects(pdb, labels)
}
