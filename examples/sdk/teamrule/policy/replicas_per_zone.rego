# METADATA
# title: Fewer replicas than zones
# description: |
#   A Deployment or StatefulSet runs fewer replicas than the region has
#   zones. Acme's override of the built-in single-replica rule: a zone
#   outage must leave a replica serving, so every workload runs at least one
#   replica per zone (the zones parameter, set in .prodready.yaml).
# custom:
#   id: single-replica
#   severity: high
#   profile: baseline
#   kinds: [Deployment, StatefulSet]
#   version: 1.0.0-acme.1
#   parameters:
#     zones:
#       type: integer
#       default: 2
#       description: How many zones the region has.
#   remediation: |
#     Set spec.replicas to at least the number of zones, and spread the
#     replicas across zones with a topologySpreadConstraint.
package prodready.rules.replicas_per_zone

import data.lib.prodready.review

findings contains {"msg": msg} if {
	replicas := object.get(input, ["spec", "replicas"], 1)
	replicas > 0 # scaled to nothing on purpose
	zones := review.param("single-replica", "zones")
	replicas < zones
	msg := sprintf("%s %s runs %d replicas in a region of %d zones: a zone outage can take all of them; run at least %d", [review.kind, review.name, replicas, zones, zones])
}
