package lib.prodready.exemption_test

import data.lib.prodready.exemption

# 2027-03-31T12:00:00Z, 2027-03-31T23:59:59Z and 2027-04-01T00:00:00Z.
noon_of_31 := time.parse_rfc3339_ns("2027-03-31T12:00:00Z")

last_second_of_31 := time.parse_rfc3339_ns("2027-03-31T23:59:59.999999999Z")

midnight_after_31 := time.parse_rfc3339_ns("2027-04-01T00:00:00Z")

deployment(annotations, labels) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "api.v2", "namespace": "shop-eu", "annotations": annotations, "labels": labels},
}

annotated(annotations) := deployment(annotations, {"app": "api"})

plain := deployment({}, {"app": "api", "tier": "web"})

cluster_role := {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "reader"}}

configured(exemption) := [object.union({"rules": ["rule-a"], "reason": "why"}, exemption)]

# The annotation.

test_annotation_lists_rules if {
	obj := annotated({"prodready.dev/exempt": " rule-a,rule-b , "})
	exemption.exempt("rule-a") with input as obj
	exemption.exempt("rule-b") with input as obj
	not exemption.exempt("rule-c") with input as obj
	exemption.entries == {{
		"source": "annotation", "rules": ["rule-a", "rule-b"], "reason": "",
		"until": "", "expired": false, "invalid": false,
	}} with input as obj
}

test_annotation_star_covers_every_rule if {
	exemption.exempt("anything") with input as annotated({"prodready.dev/exempt": "*"})
}

test_annotation_carries_reason_and_until if {
	obj := annotated({
		"prodready.dev/exempt": "rule-a",
		"prodready.dev/exempt-reason": "migrating in Q1",
		"prodready.dev/exempt-until": "2027-03-31",
	})
	exemption.entries == {{
		"source": "annotation", "rules": ["rule-a"], "reason": "migrating in Q1",
		"until": "2027-03-31", "expired": false, "invalid": false,
	}} with input as obj with time.now_ns as noon_of_31
}

test_no_annotation_no_configuration_no_entries if {
	count(exemption.entries) == 0 with input as plain
	not exemption.exempt("rule-a") with input as plain
}

test_annotation_that_is_not_a_string_is_ignored if {
	count(exemption.entries) == 0 with input as annotated({"prodready.dev/exempt": ["rule-a"]})
}

test_annotation_listing_nothing_exempts_nothing if {
	not exemption.exempt("rule-a") with input as annotated({"prodready.dev/exempt": " , "})
}

# Expiry: the date is the last day the exemption applies, in UTC.

until(date) := annotated({"prodready.dev/exempt": "rule-a", "prodready.dev/exempt-until": date})

test_applies_on_its_last_day if {
	exemption.exempt("rule-a") with input as until("2027-03-31") with time.now_ns as noon_of_31
	exemption.exempt("rule-a") with input as until("2027-03-31") with time.now_ns as last_second_of_31
}

test_expired_the_day_after if {
	not exemption.exempt("rule-a") with input as until("2027-03-31") with time.now_ns as midnight_after_31
	some entry in exemption.entries with input as until("2027-03-31") with time.now_ns as midnight_after_31
	entry.expired
	not entry.invalid
}

test_expired_yesterday if {
	not exemption.exempt("rule-a") with input as until("2027-03-30") with time.now_ns as noon_of_31
}

test_applies_before_its_date if {
	exemption.exempt("rule-a") with input as until("2028-01-01") with time.now_ns as noon_of_31
}

test_a_date_that_is_not_a_date_exempts_nothing if {
	every date in ["31.03.2027", "2027-3-31", "2027-02-30", "2027-04-31", "2027-13-01", "2027-00-10", "2027-03-00", " 2027-03-31", "tomorrow"] {
		not exemption.exempt("rule-a") with input as until(date) with time.now_ns as noon_of_31
		exemption.entries == {{
			"source": "annotation", "rules": ["rule-a"], "reason": "",
			"until": date, "expired": false, "invalid": true,
		}} with input as until(date) with time.now_ns as noon_of_31
	}
}

test_leap_days if {
	every date in ["2028-02-29", "2000-02-29"] {
		exemption.exempt("rule-a") with input as until(date) with time.now_ns as time.parse_rfc3339_ns("1999-01-01T00:00:00Z")
	}
	every date in ["2027-02-29", "2100-02-29"] {
		not exemption.exempt("rule-a") with input as until(date) with time.now_ns as time.parse_rfc3339_ns("1999-01-01T00:00:00Z")
	}
}

test_far_dates_apply if {
	exemption.exempt("rule-a") with input as until("9999-12-31") with time.now_ns as noon_of_31
}

# Configured exemptions (data.lib.exemptions).

test_configured_by_namespace if {
	exemption.exempt("rule-a") with input as plain with data.lib.exemptions as configured({"namespace": "shop-eu"})
	not exemption.exempt("rule-a") with input as plain with data.lib.exemptions as configured({"namespace": "shop"})
}

test_configured_namespace_glob if {
	exemption.exempt("rule-a") with input as plain with data.lib.exemptions as configured({"namespace": "shop-*"})
	exemption.exempt("rule-a") with input as plain with data.lib.exemptions as configured({"namespace": "shop-e?"})
	not exemption.exempt("rule-a") with input as plain with data.lib.exemptions as configured({"namespace": "billing-*"})
}

test_configured_name_glob_matches_dots if {
	exemption.exempt("rule-a") with input as plain with data.lib.exemptions as configured({"name": "*"})
	exemption.exempt("rule-a") with input as plain with data.lib.exemptions as configured({"name": "api*"})
	not exemption.exempt("rule-a") with input as plain with data.lib.exemptions as configured({"name": "web*"})
}

test_configured_selector if {
	exemption.exempt("rule-a") with input as plain with data.lib.exemptions as configured({"selector": {"matchLabels": {"tier": "web"}}})
	exemption.exempt("rule-a") with input as plain
		with data.lib.exemptions as configured({"selector": {"matchExpressions": [{"key": "tier", "operator": "In", "values": ["web", "db"]}]}})
	not exemption.exempt("rule-a") with input as plain with data.lib.exemptions as configured({"selector": {"matchLabels": {"tier": "db"}}})
}

test_configured_fields_must_all_match if {
	exemption.exempt("rule-a") with input as plain
		with data.lib.exemptions as configured({"namespace": "shop-*", "name": "api*", "selector": {"matchLabels": {"app": "api"}}})
	not exemption.exempt("rule-a") with input as plain
		with data.lib.exemptions as configured({"namespace": "shop-*", "name": "web", "selector": {"matchLabels": {"app": "api"}}})
	not exemption.exempt("rule-a") with input as plain
		with data.lib.exemptions as configured({"namespace": "shop-*", "name": "api*", "selector": {"matchLabels": {"app": "web"}}})
}

test_configured_rule_not_listed if {
	not exemption.exempt("rule-b") with input as plain with data.lib.exemptions as configured({})
}

test_configured_star_covers_every_rule if {
	exemption.exempt("rule-b") with input as plain with data.lib.exemptions as configured({"rules": ["*"]})
}

test_configured_namespace_misses_cluster_scoped_objects if {
	not exemption.exempt("rule-a") with input as cluster_role with data.lib.exemptions as configured({"namespace": "shop"})
	exemption.exempt("rule-a") with input as cluster_role with data.lib.exemptions as configured({"name": "reader"})
}

test_configured_expires if {
	exemptions := configured({"namespace": "shop-eu", "expires": "2027-03-31"})
	exemption.exempt("rule-a") with input as plain with data.lib.exemptions as exemptions with time.now_ns as last_second_of_31
	not exemption.exempt("rule-a") with input as plain with data.lib.exemptions as exemptions with time.now_ns as midnight_after_31
}

test_configured_entries_carry_their_index if {
	exemptions := [
		{"rules": ["rule-a"], "namespace": "billing", "reason": "not this one"},
		{"rules": ["rule-a", "rule-b"], "namespace": "shop-*", "reason": "legacy", "expires": "2027-03-30"},
	]
	exemption.entries == {{
		"source": "config", "index": 1, "rules": ["rule-a", "rule-b"], "reason": "legacy",
		"until": "2027-03-30", "expired": true, "invalid": false,
	}} with input as plain with data.lib.exemptions as exemptions with time.now_ns as noon_of_31
}

test_annotation_and_configuration_together if {
	obj := annotated({"prodready.dev/exempt": "rule-a", "prodready.dev/exempt-until": "2027-03-30"})
	entries := exemption.entries with input as obj with data.lib.exemptions as configured({"rules": ["rule-a"]}) with time.now_ns as noon_of_31
	{entry.source | some entry in entries} == {"annotation", "config"}

	# The expired annotation does not take the configured exemption away.
	exemption.exempt("rule-a") with input as obj with data.lib.exemptions as configured({"rules": ["rule-a"]}) with time.now_ns as noon_of_31
}

# Gatekeeper: the exemptions come with the constraint's parameters.

test_gatekeeper_reads_the_reserved_parameter if {
	review := {"review": {"object": plain}, "parameters": {"prodreadyExemptions": configured({"namespace": "shop-eu"})}}
	exemption.exempt("rule-a") with input as review
	not exemption.exempt("rule-b") with input as review
}

test_gatekeeper_ignores_data_exemptions if {
	review := {"review": {"object": plain}, "parameters": {}}
	not exemption.exempt("rule-a") with input as review with data.lib.exemptions as configured({})
}

test_gatekeeper_honours_the_annotation if {
	exemption.exempt("rule-a") with input as {"review": {"object": annotated({"prodready.dev/exempt": "rule-a"})}}
}
