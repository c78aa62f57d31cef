# METADATA
# title: Replicas not spread across zones
# description: >-
#   A pod template sets topologySpreadConstraints or podAntiAffinity, but no
#   constraint or term uses topologyKey topology.kubernetes.io/zone: the
#   pods are kept apart per node (kubernetes.io/hostname) or per some other
#   domain, yet nothing stops every replica from landing in the same zone,
#   and a zone outage then takes them all down together, the node drain
#   outage of incident 3 at the scale of a zone. Only the well-known label counts, not the deprecated
#   failure-domain.beta.kubernetes.io/zone.
#   Strict profile: a workload that is deliberately kept in one zone (to
#   avoid cross-zone traffic costs, say) is a legitimate exception.
# custom:
#   id: zone-spread-missing
#   severity: low
#   profile: strict
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, Rollout]
#   version: 1.0.0
#   remediation: >-
#     Add a topologySpreadConstraint on topology.kubernetes.io/zone, next to
#     the per-node one, with a labelSelector matching the pod template's own
#     labels (maxSkew: 1, whenUnsatisfiable: ScheduleAnyway to keep
#     scheduling when a zone is full or down), or a preferred podAntiAffinity
#     term with topologyKey topology.kubernetes.io/zone. Exempt the workload
#     when it must stay in one zone on purpose.
package prodready.rules.zone_spread_missing

import data.lib.prodready.availability
import data.lib.prodready.review
import data.lib.prodready.workload

findings contains {"msg": msg} if {
	template := workload.pod_template
	availability.spreads(template)
	keys := availability.topology_keys(template)
	not availability.zone_key in keys
	msg := sprintf("%s %q spreads its pods over %s but never over %s: every replica may still land in one zone, and a zone outage takes them all down; add a topologySpreadConstraint on %s with a labelSelector matching the pod labels", [review.kind, review.name, keys_text(keys), availability.zone_key, availability.zone_key])
}

keys_text(keys) := concat(", ", sort(keys)) if {
	count(keys) > 0
} else := "no topology key"
