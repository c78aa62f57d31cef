package lib.prodready.selector_test

import data.lib.prodready.selector

labels := {"app": "api", "tier": "web"}

test_match_labels if {
	selector.matches({"matchLabels": {"app": "api"}}, labels)
	not selector.matches({"matchLabels": {"app": "api", "tier": "db"}}, labels)
	not selector.matches({"matchLabels": {"missing": "x"}}, labels)
}

test_empty_selector_matches_everything if {
	selector.matches({}, labels)
	selector.matches({}, {})
}

test_missing_or_null_selector_matches_nothing if {
	not selector.matches(null, labels)
	not selector.matches(["app"], labels)
}

test_in_and_not_in if {
	selector.matches({"matchExpressions": [{"key": "tier", "operator": "In", "values": ["web", "api"]}]}, labels)
	not selector.matches({"matchExpressions": [{"key": "tier", "operator": "In", "values": ["db"]}]}, labels)
	not selector.matches({"matchExpressions": [{"key": "zone", "operator": "In", "values": ["a"]}]}, labels)
	selector.matches({"matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["db"]}]}, labels)
	not selector.matches({"matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["web"]}]}, labels)

	# NotIn holds when the label is absent.
	selector.matches({"matchExpressions": [{"key": "zone", "operator": "NotIn", "values": ["a"]}]}, labels)
}

test_exists_and_does_not_exist if {
	selector.matches({"matchExpressions": [{"key": "app", "operator": "Exists"}]}, labels)
	selector.matches({"matchExpressions": [{"key": "empty", "operator": "Exists"}]}, {"empty": ""})
	not selector.matches({"matchExpressions": [{"key": "zone", "operator": "Exists"}]}, labels)
	selector.matches({"matchExpressions": [{"key": "zone", "operator": "DoesNotExist"}]}, labels)
	not selector.matches({"matchExpressions": [{"key": "app", "operator": "DoesNotExist"}]}, labels)
}

test_labels_and_expressions_together if {
	selector.matches({"matchLabels": {"app": "api"}, "matchExpressions": [{"key": "tier", "operator": "In", "values": ["web"]}]}, labels)
	not selector.matches({"matchLabels": {"app": "api"}, "matchExpressions": [{"key": "tier", "operator": "In", "values": ["db"]}]}, labels)
}

test_unknown_operator_matches_nothing if {
	not selector.matches({"matchExpressions": [{"key": "app", "operator": "Like", "values": ["api"]}]}, labels)
}
