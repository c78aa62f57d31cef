# METADATA
# title: Workloads and their pod templates
# description: |
#   The pod template of every workload kind of the catalogue, its containers,
#   and the workload facts rules share. A Helm test pod (annotation
#   helm.sh/hook: test, test-success or test-failure) is not a workload.
package lib.prodready.workload

import data.lib.prodready.review

template_kinds := {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job"}

batch_kinds := {"Job", "CronJob"}

kind := review.kind

# is_workload is true for an object that runs pods from a pod template.
is_workload if {
	workload_kind
	not helm_test
}

workload_kind if review.kind == "Pod"

workload_kind if review.kind in template_kinds

workload_kind if review.kind == "CronJob"

# Argo Rollouts' Rollout; another group's "Rollout" is not a workload.
workload_kind if {
	review.kind == "Rollout"
	review.api_group == "argoproj.io"
}

helm_test if {
	some hook in split(review.annotations["helm.sh/hook"], ",")
	trim_space(hook) in {"test", "test-success", "test-failure"}
}

# long_running workloads are every workload but Job and CronJob.
long_running if {
	is_workload
	not review.kind in batch_kinds
}

pod_template := {"metadata": object.get(review.object, "metadata", {}), "spec": review.object.spec} if {
	is_workload
	review.kind == "Pod"
}

pod_template := review.object.spec.template if {
	is_workload
	review.kind != "Pod"
	review.kind != "CronJob"
}

pod_template := review.object.spec.jobTemplate.spec.template if {
	is_workload
	review.kind == "CronJob"
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
