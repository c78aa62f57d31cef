package lib.prodready.spot_test

import data.lib.prodready.spot

keys := ["karpenter.sh/capacity-type", "cloud.google.com/gke-spot"]

values := ["spot", "true"]

required(terms) := {"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": terms}}}}

term(expressions) := {"matchExpressions": expressions}

expr(key, operator, vals) := {"key": key, "operator": operator, "values": vals}

capacity(operator, vals) := expr("karpenter.sh/capacity-type", operator, vals)

test_spot_value_is_case_insensitive if {
	spot.spot_value("SPOT", values)
	spot.spot_value(true, values)
	not spot.spot_value("on-demand", values)
}

test_landing_reasons if {
	spec := object.union_n([
		{"tolerations": [{"key": "cloud.google.com/gke-spot", "operator": "Exists"}, {"operator": "Exists"}, {"key": "dedicated"}]},
		{"nodeSelector": {"karpenter.sh/capacity-type": "Spot", "zone": "a"}},
		required([term([capacity("In", ["spot", "on-demand"])])]),
		{"affinity": {"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 1, "preference": term([expr("cloud.google.com/gke-spot", "In", ["true"])])}]}}},
	])
	spot.landing_reasons(spec, keys, values) == {
		"tolerates the taint cloud.google.com/gke-spot",
		"nodeSelector karpenter.sh/capacity-type=Spot",
		"requires node affinity karpenter.sh/capacity-type In [spot, on-demand]",
		"prefers node affinity cloud.google.com/gke-spot In [true]",
	}
	spot.landing_reasons({}, keys, values) == set()
}

test_can_land_on_spot if {
	spot.can_land_on_spot({"tolerations": [{"key": "karpenter.sh/capacity-type", "operator": "Exists"}]}, keys, values)
	not spot.can_land_on_spot({"tolerations": [{"operator": "Exists"}]}, keys, values)
	not spot.can_land_on_spot({}, keys, values)
}

test_keeps_off_spot if {
	toleration := {"tolerations": [{"key": "karpenter.sh/capacity-type", "operator": "Exists"}]}
	not spot.can_land_on_spot(object.union(toleration, {"nodeSelector": {"karpenter.sh/capacity-type": "on-demand"}}), keys, values)
	every expression in [capacity("In", ["on-demand"]), capacity("NotIn", ["Spot"]), {"key": "cloud.google.com/gke-spot", "operator": "DoesNotExist"}] {
		not spot.can_land_on_spot(object.union(toleration, required([term([expression])])), keys, values)
	}

	# One term that allows spot is enough to land there.
	spot.can_land_on_spot(object.union(toleration, required([term([capacity("In", ["on-demand"])]), term([])])), keys, values)
	spot.can_land_on_spot(object.union(toleration, required([term([capacity("NotIn", ["on-demand"])])])), keys, values)
}

test_spot_only if {
	spot.spot_only({"nodeSelector": {"cloud.google.com/gke-spot": "true"}}, keys, values)
	spot.spot_only(required([term([capacity("In", ["spot"])]), term([expr("cloud.google.com/gke-spot", "In", ["TRUE"])])]), keys, values)
	not spot.spot_only(required([term([capacity("In", ["spot"])]), term([])]), keys, values)
	not spot.spot_only(required([term([capacity("In", ["spot", "on-demand"])])]), keys, values)
	not spot.spot_only(required([term([capacity("In", [])])]), keys, values)
	not spot.spot_only(required([]), keys, values)
	not spot.spot_only({"nodeSelector": {"karpenter.sh/capacity-type": "on-demand"}}, keys, values)
	not spot.spot_only({"tolerations": [{"key": "karpenter.sh/capacity-type", "operator": "Exists"}]}, keys, values)
}

test_spot_only_reasons if {
	spec := object.union({"nodeSelector": {"cloud.google.com/gke-spot": "true"}}, required([term([capacity("In", ["spot"]), expr("zone", "In", ["a"])])]))
	spot.spot_only_reasons(spec, keys, values) == {
		"nodeSelector cloud.google.com/gke-spot=true",
		"every required node affinity term allows spot only: karpenter.sh/capacity-type In [spot]",
	}
}

test_describe if {
	spot.describe(capacity("In", ["spot", "on-demand"])) == "karpenter.sh/capacity-type In [spot, on-demand]"
	spot.describe({"key": "cloud.google.com/gke-spot", "operator": "Exists"}) == "cloud.google.com/gke-spot Exists"
}
