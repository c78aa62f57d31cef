# METADATA
# title: Label selectors
# description: >-
#   Kubernetes LabelSelector semantics: every matchLabels pair and every
#   matchExpressions term (In, NotIn, Exists, DoesNotExist) must hold. An
#   empty selector {} matches every set of labels (as a policy/v1
#   PodDisruptionBudget's does); a missing or null selector matches nothing.
package lib.prodready.selector

matches(selector, labels) if {
	is_object(selector)
	every key, value in object.get(selector, "matchLabels", {}) {
		labels[key] == value
	}
	every expression in object.get(selector, "matchExpressions", []) {
		holds(expression, labels)
	}
}

holds(expression, labels) if {
	expression.operator == "In"
	labels[expression.key] in expression.values
}

holds(expression, labels) if {
	expression.operator == "NotIn"
	not label_in(labels, expression.key, expression.values)
}

holds(expression, labels) if {
	expression.operator == "Exists"
	expression.key in object.keys(labels)
}

holds(expression, labels) if {
	expression.operator == "DoesNotExist"
	not expression.key in object.keys(labels)
}

label_in(labels, key, values) if labels[key] in values
