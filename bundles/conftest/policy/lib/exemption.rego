# METADATA
# title: Exemptions
# description: >-
#   Whether the object under review is exempt from a rule, decided here once
#   for every engine: the SDK, Conftest, the OPA bundle and Gatekeeper.
#   An exemption comes from the object itself (the annotation
#   prodready.dev/exempt: "rule-a,rule-b" or "*", with
#   prodready.dev/exempt-reason and prodready.dev/exempt-until) or from the
#   team's configuration: data.lib.exemptions (the SDK, the OPA bundle,
#   Conftest's data), or under Gatekeeper the constraint's reserved parameter
#   prodreadyExemptions. A configured exemption matches an object when every
#   field it sets matches: namespace and name are globs (* and ?, which also
#   match dots and slashes), selector a Kubernetes label selector on the
#   object's labels.
#   A date (YYYY-MM-DD) is the last day, in UTC, an exemption applies; after
#   it, by time.now_ns(), the exemption is expired and exempts nothing. A date
#   that is not a date exempts nothing either: a typo then fails the check
#   instead of exempting forever, and the audit names it.
package lib.prodready.exemption

import data.lib.prodready.review
import data.lib.prodready.selector

annotation := "prodready.dev/exempt"

reason_annotation := "prodready.dev/exempt-reason"

until_annotation := "prodready.dev/exempt-until"

# exempt(id) is true when an exemption that still applies covers rule id.
exempt(id) if {
	some entry in entries
	applies(entry)
	covers(entry, id)
}

# entries are the exemptions that match the object under review, whether or
# not they still apply: {"source": "annotation" or "config", "index" (a
# configured one's position in the list), "rules", "reason", "until" ("" when
# it does not expire), "expired", "invalid" (until is not a date)}.
# The SDK attaches them to findings and audits them.
entries contains entry if {
	listed := review.annotations[annotation]
	is_string(listed)
	entry := object.union(
		{
			"source": "annotation",
			"rules": sort({trim_space(id) | some id in split(listed, ","); trim_space(id) != ""}),
			"reason": as_text(object.get(review.annotations, reason_annotation, "")),
		},
		dated(object.get(review.annotations, until_annotation, "")),
	)
}

entries contains entry if {
	some i, exemption in configured
	matches(exemption)
	entry := object.union(
		{
			"source": "config",
			"index": i,
			"rules": object.get(exemption, "rules", []),
			"reason": as_text(object.get(exemption, "reason", "")),
		},
		dated(object.get(exemption, "expires", "")),
	)
}

# configured are the team's exemptions: a Gatekeeper constraint carries them
# as a parameter, every other engine as data.
configured := object.get(input, ["parameters", "prodreadyExemptions"], []) if review.gatekeeper

else := data.lib.exemptions

# applies(entry) is true when the exemption is neither expired nor dated
# with something that is not a date.
applies(entry) if {
	not entry.expired
	not entry.invalid
}

# covers(entry, id) is true when the exemption lists rule id, or "*".
covers(entry, id) if {
	some listed in entry.rules
	listed in {id, "*"}
}

matches(exemption) if {
	glob_matches(object.get(exemption, "namespace", ""), review.namespace)
	glob_matches(object.get(exemption, "name", ""), object.get(review.object, ["metadata", "name"], ""))
	selects(object.get(exemption, "selector", null))
}

# An unset pattern matches every value. No delimiters: "*" matches any
# name, dots included.
glob_matches("", _)

glob_matches(pattern, value) if {
	pattern != ""
	glob.match(pattern, null, value)
}

selects(null)

selects(labels_selector) if {
	labels_selector != null
	selector.matches(labels_selector, review.labels)
}

# dated(until) is the "until", "expired" and "invalid" fields of an entry.
dated(until) := {
	"until": as_text(until),
	"expired": expired(until),
	"invalid": invalid(until),
}

# date(until) is true when until is a date of the calendar, YYYY-MM-DD.
# Checked by hand, not with time.parse_ns: that raises an error on
# 2027-02-30 in a strict engine, and overflows after 2262 (9999-12-31 is a
# common "never").
date(until) if {
	is_string(until)
	[[_, year, month, day]] := regex.find_all_string_submatch_n(`^([0-9]{4})-([0-9]{2})-([0-9]{2})$`, until, 1)
	to_number(month) >= 1
	to_number(month) <= 12
	to_number(day) >= 1
	to_number(day) <= days_in_month(to_number(year), to_number(month))
}

days_in_month(year, month) := 29 if {
	month == 2
	leap(year)
} else := [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]

leap(year) if {
	year % 4 == 0
	year % 100 != 0
}

leap(year) if year % 400 == 0

# today is the date in UTC. YYYY-MM-DD dates sort as strings sort.
today := time.format([time.now_ns(), "UTC", "2006-01-02"])

expired(until) if {
	date(until)
	today > until
} else := false

invalid(until) if {
	until != ""
	not date(until)
} else := false

# as_text(value) is value as written: a string, anything else printed ("" for none).
as_text(value) := value if is_string(value)

else := sprintf("%v", [value]) if value != null

else := ""
