# METADATA
# title: Workloads and their pod templates
# description: >-
#   The pod template of every workload kind of the catalogue, its containers,
#   and the workload facts rules share. A Helm test pod (annotation
#   helm.sh/hook: test, test-success or test-failure) is not a workload, nor
#   is an object a controller made from its own template (a Pod of a
#   ReplicaSet, the ReplicaSet of a Deployment, the Job of a CronJob): its
#   findings belong to the controller, and Gatekeeper's audit would
#   otherwise repeat them on every copy. (The template an Argo Rollout with
#   spec.workloadRef runs is another object's: lib.prodready.pods.)
package lib.prodready.workload

import data.lib.prodready.review

template_kinds := {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job"}

batch_kinds := {"Job", "CronJob"}

kind := review.kind

# is_workload is true for the object under review when it runs pods from a pod template.
is_workload if workload(review.object)

# workload(obj) is true for any object that runs pods from a pod template:
# the object under review, or another object of the input.
workload(obj) if {
	workload_kind(obj)
	not helm_test(obj)
	not controlled(obj)
}

# controlled(obj) is true when a controller owns obj (ownerReferences with
# controller: true), as Kubernetes marks what it creates from a template.
controlled(obj) if {
	some owner in obj.metadata.ownerReferences
	owner.controller == true
}

workload_kind(obj) if obj.kind in {"Pod", "CronJob"}

workload_kind(obj) if obj.kind in template_kinds

# Argo Rollouts' Rollout; another group's "Rollout" is not a workload.
workload_kind(obj) if {
	obj.kind == "Rollout"
	startswith(obj.apiVersion, "argoproj.io/")
}

helm_test(obj) if {
	some hook in split(obj.metadata.annotations["helm.sh/hook"], ",")
	trim_space(hook) in {"test", "test-success", "test-failure"}
}

# long_running workloads are every workload but Job and CronJob.
long_running if {
	is_workload
	not review.kind in batch_kinds
}

pod_template := template_of(review.object) if is_workload

# template_of(obj) is the pod template written in a workload object.
template_of(obj) := {"metadata": object.get(obj, "metadata", {}), "spec": obj.spec} if {
	obj.kind == "Pod"
}

template_of(obj) := obj.spec.template if {
	not obj.kind in {"Pod", "CronJob"}
}

template_of(obj) := obj.spec.jobTemplate.spec.template if {
	obj.kind == "CronJob"
}

pod_spec := pod_template.spec

# containers are the app containers of the pod template.
containers contains container if {
	some container in pod_spec.containers
}

init_containers contains container if {
	some container in pod_spec.initContainers
}

# all_containers are containers and initContainers.
all_containers := containers | init_containers

template_annotations := pod_template.metadata.annotations if is_object(pod_template.metadata.annotations)

else := {}

# annotation(key) is the workload's annotation, else its pod template's.
annotation(key) := review.annotations[key]

annotation(key) := template_annotations[key] if not review.annotations[key]

# declares_port(container) is true when the container declares a port.
declares_port(container) if count(object.get(container, "ports", [])) > 0

# leader_elected(template) is true for a controller that elects a leader:
# an argument or command word of a container contains leader-elect or
# leader-election, not set to false. One replica works; the others stand by.
leader_elected(template) if {
	some container in template.spec.containers
	some arg in array.concat(object.get(container, "command", []), object.get(container, "args", []))
	is_string(arg)
	some word in split(arg, " ")
	leader_election_flag(word)
}

leader_election_flag(word) if {
	regex.match(`leader-elect(ion)?`, word)
	not regex.match(`=\s*(false|0)$`, lower(word))
}

# serves_webhook(template) is true when a container declares a port named
# like an admission webhook's (its name contains "webhook") or 9443, the
# webhook port of controller-runtime.
serves_webhook(template) if {
	some container in template.spec.containers
	some port in object.get(container, "ports", [])
	webhook_port(port)
}

webhook_port(port) if contains(lower(object.get(port, "name", "")), "webhook")

webhook_port(port) if port.containerPort == 9443
