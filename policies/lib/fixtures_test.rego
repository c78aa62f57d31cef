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
	not is_string(obj.metadata.namespace)
}
