# METADATA
# title: ServiceAccount token mounted by default
# description: >-
#   A workload's pod template does not set automountServiceAccountToken:
#   false, and neither does its ServiceAccount (spec.serviceAccountName,
#   unset = "default") when that ServiceAccount is among the objects given.
#   Kubernetes then mounts an API token into every container of every pod.
#   Most apps never call the Kubernetes API, but whoever gets code execution
#   in one (a vulnerable dependency, an SSRF reading local files) finds a
#   credential at /var/run/secrets/kubernetes.io/serviceaccount/token and
#   uses it against the API server with every permission bound to that
#   ServiceAccount, including those granted to "default" by someone else
#   later. The pod template's own setting wins over the ServiceAccount's:
#   automountServiceAccountToken: true on the pod template mounts the token
#   even when the ServiceAccount says false.
# custom:
#   id: service-account-token-automount
#   severity: low
#   profile: strict
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, Rollout]
#   version: 1.0.0
#   remediation: >-
#     Set automountServiceAccountToken: false on the pod template, or on the
#     ServiceAccount the workload runs as (a ServiceAccount of its own, not
#     "default"). For the containers that do call the API, keep the mount
#     and bind that ServiceAccount only the permissions it needs, or mount a
#     projected serviceAccountToken volume with a short expiry and audience.
package prodready.rules.service_account_token_automount

import data.lib.prodready.inventory
import data.lib.prodready.review
import data.lib.prodready.workload

findings contains {"msg": msg} if {
	workload.is_workload
	not workload.pod_spec.automountServiceAccountToken == false
	name := service_account_name
	not service_account_opts_out(name)
	msg := sprintf("pods run as ServiceAccount %q and %s: every container gets an API token carrying that ServiceAccount's permissions, usable by whoever gets code execution in it; set automountServiceAccountToken: false on the pod template, or on the ServiceAccount", [name, reason(name)])
}

# service_account_name is the ServiceAccount the pods run as: serviceAccountName,
# else the deprecated serviceAccount, else "default".
service_account_name := workload.pod_spec.serviceAccountName if {
	is_string(workload.pod_spec.serviceAccountName)
	workload.pod_spec.serviceAccountName != ""
} else := workload.pod_spec.serviceAccount if {
	is_string(workload.pod_spec.serviceAccount)
	workload.pod_spec.serviceAccount != ""
} else := "default"

pod_opts_in if workload.pod_spec.automountServiceAccountToken == true

# service_accounts(name) are the ServiceAccounts called name in the workload's namespace.
service_accounts(name) := inventory.named(review.namespace, "ServiceAccount", name)

# service_account_opts_out(name) is true when the ServiceAccount, among the
# objects given, sets automountServiceAccountToken: false and the pod
# template does not override it with true.
service_account_opts_out(name) if {
	not pod_opts_in
	some sa in service_accounts(name)
	sa.automountServiceAccountToken == false
}

reason(_) := "the pod template sets automountServiceAccountToken: true, which overrides the ServiceAccount's setting" if pod_opts_in

reason(name) := "neither the pod template nor that ServiceAccount (not among the objects given) sets automountServiceAccountToken: false" if {
	not pod_opts_in
	count(service_accounts(name)) == 0
}

reason(name) := sprintf("neither the pod template nor that ServiceAccount (found in namespace %q) sets automountServiceAccountToken: false", [review.namespace]) if {
	not pod_opts_in
	count(service_accounts(name)) > 0
}
