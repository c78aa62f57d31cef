# METADATA
# title: Spot capacity
# description: >-
#   Whether a pod spec can land on spot (preemptible) nodes, and whether it
#   can land nowhere else. The spot rules pass their own parameters in:
#   keys, the node label and taint keys that mark spot capacity (spotKeys),
#   and values, the label values that mean spot (spotValues, compared
#   case-insensitively, so EKS's SPOT matches spot).
#
#   A pod can land on spot when it tolerates a taint whose key is a spot key,
#   or when its nodeSelector or node affinity (required or preferred) asks
#   for a spot key with a spot value, unless its nodeSelector or every
#   required nodeSelectorTerm keeps it off spot (a spot key with only other
#   values, NotIn a spot value, or DoesNotExist). It is spot-only when its
#   nodeSelector, or every required nodeSelectorTerm, allows spot values only.
package lib.prodready.spot

# spot_value(value, values) is true when a label value is one of values,
# case-insensitively.
spot_value(value, values) if {
	some candidate in values
	lower(sprintf("%v", [candidate])) == lower(sprintf("%v", [value]))
}

spot_key(key, keys) if key in keys

# required_terms(spec) are the nodeSelectorTerms of the required node affinity.
required_terms(spec) := terms if {
	terms := spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms
	is_array(terms)
} else := []

# expressions(term) are a term's matchExpressions.
expressions(term) := exprs if {
	exprs := term.matchExpressions
	is_array(exprs)
} else := []

# asks_for_spot(expr, keys, values) is true for a node selector requirement
# that names a spot key, operator In, with a spot value among its values.
asks_for_spot(expr, keys, values) if {
	spot_key(expr.key, keys)
	expr.operator == "In"
	some value in expr.values
	spot_value(value, values)
}

# spot_only_expression(expr, keys, values) is true for a requirement that
# allows spot values only: a spot key, In, and every value a spot value.
spot_only_expression(expr, keys, values) if {
	spot_key(expr.key, keys)
	expr.operator == "In"
	count(expr.values) > 0
	every value in expr.values {
		spot_value(value, values)
	}
}

# excludes_spot_expression(expr, keys, values) is true for a requirement that
# keeps a pod off spot nodes.
excludes_spot_expression(expr, keys, values) if {
	spot_key(expr.key, keys)
	expr.operator == "In"
	not asks_for_spot(expr, keys, values)
}

excludes_spot_expression(expr, keys, values) if {
	spot_key(expr.key, keys)
	expr.operator == "NotIn"
	some value in expr.values
	spot_value(value, values)
}

excludes_spot_expression(expr, keys, _) if {
	spot_key(expr.key, keys)
	expr.operator == "DoesNotExist"
}

# landing_reasons(spec, keys, values) say why the pod spec can land on spot
# nodes: tolerations of a spot taint, a nodeSelector asking for a spot
# label, and required or preferred node affinity asking for one.
landing_reasons(spec, keys, values) := union({
	toleration_reasons(spec, keys),
	selector_reasons(spec, keys, values),
	affinity_reasons(spec, keys, values),
})

# toleration_reasons(spec, keys) are the tolerations of a spot taint. A
# toleration without a key (tolerate every taint) is not a request for spot.
toleration_reasons(spec, keys) := {sprintf("tolerates the taint %s", [toleration.key]) |
	some toleration in spec.tolerations
	spot_key(toleration.key, keys)
}

# affinity_reasons(spec, keys, values) are the required and preferred node
# affinity requirements asking for spot.
affinity_reasons(spec, keys, values) := {sprintf("requires node affinity %s", [describe(expr)]) |
	some term in required_terms(spec)
	some expr in expressions(term)
	asks_for_spot(expr, keys, values)
} | {sprintf("prefers node affinity %s", [describe(expr)]) |
	some preferred in spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution
	some expr in expressions(preferred.preference)
	asks_for_spot(expr, keys, values)
}

# selector_reasons(spec, keys, values) are the nodeSelector entries asking for spot.
selector_reasons(spec, keys, values) := {sprintf("nodeSelector %s=%v", [key, value]) |
	some key, value in spec.nodeSelector
	spot_key(key, keys)
	spot_value(value, values)
}

# keeps_off_spot(spec, keys, values) is true when the pod cannot be scheduled
# on spot nodes whatever it tolerates or prefers: its nodeSelector names a
# spot key with a value that is not spot, or every required term excludes spot.
keeps_off_spot(spec, keys, values) if {
	some key, value in spec.nodeSelector
	spot_key(key, keys)
	not spot_value(value, values)
}

keeps_off_spot(spec, keys, values) if {
	terms := required_terms(spec)
	count(terms) > 0
	every term in terms {
		term_excludes_spot(term, keys, values)
	}
}

term_excludes_spot(term, keys, values) if {
	some expr in expressions(term)
	excludes_spot_expression(expr, keys, values)
}

# can_land_on_spot(spec, keys, values) is true when the pod spec can be
# scheduled on spot nodes.
can_land_on_spot(spec, keys, values) if {
	count(landing_reasons(spec, keys, values)) > 0
	not keeps_off_spot(spec, keys, values)
}

# spot_only_reasons(spec, keys, values) say why the pod spec can run on spot
# nodes only: a nodeSelector asking for spot, or required node affinity
# whose every term allows spot only. Empty when it has an on-demand fallback.
spot_only_reasons(spec, keys, values) := selector_reasons(spec, keys, values) | {reason |
	terms := required_terms(spec)
	count(terms) > 0
	every term in terms {
		term_spot_only(term, keys, values)
	}
	reason := sprintf("every required node affinity term allows spot only: %s", [concat("; ", sort({describe_spot_only(term, keys, values) | some term in terms}))])
}

term_spot_only(term, keys, values) if {
	some expr in expressions(term)
	spot_only_expression(expr, keys, values)
}

describe_spot_only(term, keys, values) := concat(", ", sort({describe(expr) |
	some expr in expressions(term)
	spot_only_expression(expr, keys, values)
}))

# spot_only(spec, keys, values) is true when the pod spec can run on spot nodes only.
spot_only(spec, keys, values) if count(spot_only_reasons(spec, keys, values)) > 0

# describe(expr) is a node selector requirement in words: "key In [a, b]".
describe(expr) := sprintf("%s %s [%s]", [expr.key, expr.operator, concat(", ", [sprintf("%v", [v]) | some v in expr.values])]) if {
	is_array(expr.values)
} else := sprintf("%s %s", [expr.key, expr.operator])
