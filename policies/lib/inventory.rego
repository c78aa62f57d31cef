# METADATA
# title: Other objects of the input
# description: |
#   Cross-object rules read the other objects from data.inventory, in the
#   shape Gatekeeper syncs: data.inventory.namespace[ns][apiVersion][kind][name]
#   for namespaced objects and data.inventory.cluster[apiVersion][kind][name]
#   for cluster-scoped ones. The SDK builds the same document from every
#   object given in one run. Rules look objects up by namespace and kind,
#   never by scanning the whole inventory.
package lib.prodready.inventory

# namespaced(ns, kind) is the set of objects of kind in namespace ns, whatever their apiVersion.
namespaced(ns, kind) := {obj |
	some api_version, name
	obj := data.inventory.namespace[ns][api_version][kind][name]
}
