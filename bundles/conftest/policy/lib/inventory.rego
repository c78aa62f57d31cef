# METADATA
# title: Other objects of the input
# description: >-
#   Cross-object rules read the other objects from data.inventory, in the
#   shape Gatekeeper syncs: data.inventory.namespace[ns][apiVersion][kind][name]
#   for namespaced objects and data.inventory.cluster[apiVersion][kind][name]
#   for cluster-scoped ones. The SDK builds the same document from every
#   object given in one run. Rules look objects up by namespace and kind,
#   never by scanning the whole inventory.
package lib.prodready.inventory

import data.lib.prodready.workload

# namespaced(ns, kind) is the set of objects of kind in namespace ns, whatever their apiVersion.
namespaced(ns, kind) := {obj |
	some api_version, name
	obj := data.inventory.namespace[ns][api_version][kind][name]
}

# named(ns, kind, name) is the set of objects of kind called name in
# namespace ns, whatever their apiVersion: looked up by key, not found by
# going through every object of the kind.
named(ns, kind, name) := {obj |
	some api_version
	obj := data.inventory.namespace[ns][api_version][kind][name]
}

# cluster(kind) is the set of cluster-scoped objects of kind.
cluster(kind) := {obj |
	some api_version, name
	obj := data.inventory.cluster[api_version][kind][name]
}

# cluster_named(kind, name) is the set of cluster-scoped objects of kind
# called name, whatever their apiVersion: looked up by key, so that a
# review costs the same however many objects of the kind the cluster has.
cluster_named(kind, name) := {obj |
	some api_version
	obj := data.inventory.cluster[api_version][kind][name]
}

# namespace_of(obj) is the namespace an object of the input is filed under.
namespace_of(obj) := obj.metadata.namespace if is_string(obj.metadata.namespace)

else := ""

# workload_kinds are the kinds that run pods from a template.
workload_kinds := {"Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob", "Rollout"}

# looked_up_kinds are the kinds helpers look up with a kind held in a
# variable; the SDK indexes these besides every kind a rule names literally
# in namespaced(ns, "Kind") or cluster("Kind").
looked_up_kinds := workload_kinds

# workloads(ns) are the workload objects of namespace ns (Helm test pods and
# other groups' Rollouts excluded).
workloads(ns) := {obj |
	some kind in workload_kinds
	some obj in namespaced(ns, kind)
	workload.workload(obj)
}
