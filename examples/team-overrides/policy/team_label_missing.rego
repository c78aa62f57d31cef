# METADATA
# title: Team label missing
# description: |
#   A workload has no acme.dev/team label. The on-call rota, the cost
#   report and the alert routing all key on it: an unlabelled workload pages
#   nobody and is billed to nobody.
# custom:
#   id: team-label-missing
#   severity: medium
#   profile: baseline
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, Rollout]
#   version: 1.0.0
#   parameters:
#     label:
#       type: string
#       default: acme.dev/team
#       description: The label that names the owning team.
#   remediation: |
#     Add metadata.labels["acme.dev/team"] with the team's name as it
#     appears in the on-call rota.
package prodready.rules.team_label_missing

import data.lib.prodready.review
import data.lib.prodready.workload

findings contains {"msg": msg} if {
	workload.is_workload
	label := review.param("team-label-missing", "label")
	not review.labels[label]
	msg := sprintf("%s %s has no %s label: alerts for it route to nobody and its cost to no team; add the owning team's name", [review.kind, review.name, label])
}
