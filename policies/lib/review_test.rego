package lib.prodready.review_test

import data.lib.prodready.review

pod := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "ns"}}

test_object_is_input if {
	review.object == pod with input as pod
	not review.gatekeeper with input as pod
}

test_object_from_gatekeeper_review if {
	review.object == pod with input as {"review": {"object": pod}, "parameters": {"x": 1}}
	review.param("any-rule", "x") == 1 with input as {"review": {"object": pod}, "parameters": {"rules": {"any-rule": {"x": 1}}}}
	not review.param("other-rule", "x") with input as {"review": {"object": pod}, "parameters": {"rules": {"any-rule": {"x": 1}}}}
}

test_parameters_from_data if {
	review.param("rule-a", "x") == 2 with input as pod with data.lib.parameters as {"rule-a": {"x": 2}}
}

test_metadata_defaults if {
	obj := {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"}}
	review.namespace == "" with input as obj
	review.labels == {} with input as obj
	review.api_group == "apps" with input as obj
	review.api_group == "" with input as pod
}
