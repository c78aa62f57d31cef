# METADATA
# title: Test fixtures
# description: Helpers for the Rego tests of cross-object rules.
package lib.prodready.fixtures

# inventory(objs) files objs as data.inventory, as the SDK and Gatekeeper do:
# objects with metadata.namespace under namespace[ns], the others under cluster.
inventory(objs) := object.union_n([entry(obj) | some obj in objs])

entry(obj) := {"namespace": {obj.metadata.namespace: {obj.apiVersion: {obj.kind: {obj.metadata.name: obj}}}}} if {
	is_string(obj.metadata.namespace)
}

entry(obj) := {"cluster": {obj.apiVersion: {obj.kind: {obj.metadata.name: obj}}}} if {
	not namespaced(obj)
}

# namespaced(obj) is true when obj has a metadata.namespace. (Negating
# is_string(obj.metadata.namespace) directly is undefined, not true, when
# the namespace is missing: the reference is evaluated outside the not.)
namespaced(obj) if is_string(obj.metadata.namespace)
