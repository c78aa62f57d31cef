# METADATA
# title: Autoscalers and what they scale
# description: >-
#   What the autoscaling rules share: which objects are
#   HorizontalPodAutoscalers, VerticalPodAutoscalers and KEDA ScaledObjects;
#   the workloads of the input an autoscaler targets (by kind, name and
#   namespace, through lib.prodready.inventory); the metrics an HPA scales on,
#   with the API defaults (an autoscaling/v1 HPA, and a v2 HPA without
#   metrics, scale on average CPU utilization, 80% unless
#   targetCPUUtilizationPercentage says otherwise); a VPA's update mode, the
#   container policy that applies to each container and the resources it
#   controls.
package lib.prodready.autoscaling

import data.lib.prodready.inventory
import data.lib.prodready.pods
import data.lib.prodready.scaling

# hpa(obj) is true for a HorizontalPodAutoscaler (any autoscaling/* version).
hpa(obj) if {
	obj.kind == "HorizontalPodAutoscaler"
	startswith(obj.apiVersion, "autoscaling/")
}

# user_hpa(obj) is true for an HPA a person wrote: not the one KEDA made for
# a ScaledObject, whose settings come from that ScaledObject.
user_hpa(obj) if {
	hpa(obj)
	not scaling.keda_owned(obj)
}

# vpa(obj) is true for a VerticalPodAutoscaler (autoscaling.k8s.io).
vpa(obj) if {
	obj.kind == "VerticalPodAutoscaler"
	startswith(obj.apiVersion, "autoscaling.k8s.io/")
}

# scaled_object(obj) is true for a KEDA ScaledObject (keda.sh).
scaled_object(obj) if {
	obj.kind == "ScaledObject"
	startswith(obj.apiVersion, "keda.sh/")
}

# raw_ref(obj) is an autoscaler's reference to what it scales, as written:
# an HPA's or ScaledObject's spec.scaleTargetRef, a VPA's spec.targetRef.
raw_ref(obj) := obj.spec.scaleTargetRef if hpa(obj)

raw_ref(obj) := obj.spec.scaleTargetRef if scaled_object(obj)

raw_ref(obj) := obj.spec.targetRef if vpa(obj)

# target_ref(obj) is {"kind", "name"} of what autoscaler obj scales (a
# ScaledObject's kind defaults to Deployment). Undefined when the reference
# names no kind or no name.
target_ref(obj) := {"kind": kind, "name": ref.name} if {
	ref := raw_ref(obj)
	kind := object.get(ref, "kind", default_kind(obj))
	is_string(kind)
	kind != ""
	is_string(ref.name)
	ref.name != ""
}

default_kind(obj) := "Deployment" if scaled_object(obj)

default_kind(obj) := "" if not scaled_object(obj)

# target_stub(obj) stands for the object an autoscaler targets, in its
# namespace, whether or not that object is in the input: scaling.hpas and
# scaling.scaled_objects of it are the autoscalers that target the same
# object as obj.
target_stub(obj) := {"kind": ref.kind, "metadata": {"name": ref.name, "namespace": inventory.namespace_of(obj)}} if {
	ref := target_ref(obj)
}

# targets(obj) are the workloads of the input, in obj's namespace, that
# autoscaler obj targets: at most one, unless the input repeats an object.
targets(obj) := {target |
	ref := target_ref(obj)
	some target in inventory.workloads(inventory.namespace_of(obj))
	target.kind == ref.kind
	target.metadata.name == ref.name
}

# targets_workload_kind(obj) is true when autoscaler obj targets a workload
# kind, which the inventory holds whenever the input has such an object.
# Other kinds (custom resources with a scale subresource, another group's
# Rollout) cannot be looked up.
targets_workload_kind(obj) if {
	ref := target_ref(obj)
	ref.kind in inventory.workload_kinds
	not foreign_rollout(raw_ref(obj))
}

foreign_rollout(ref) if {
	ref.kind == "Rollout"
	is_string(ref.apiVersion)
	not startswith(ref.apiVersion, "argoproj.io/")
}

# scalable_resource_kinds are the custom resources with a scale subresource
# whose objects the inventory holds, so that an autoscaler's target of such
# a kind can be looked up: LeaderWorkerSet (leaderworkerset.x-k8s.io). Each
# is looked up below with its kind written out, which makes the SDK index
# it and Gatekeeper sync it.
scalable_resource_kinds := {"LeaderWorkerSet"}

# checks_target(obj) is true when the inventory holds every object of the
# kind autoscaler obj targets: a workload kind (targets_workload_kind) or
# one of scalable_resource_kinds. Of any other kind (another custom
# resource with a scale subresource) no engine files the objects, so
# whether the target is in the input cannot be told.
checks_target(obj) if targets_workload_kind(obj)

checks_target(obj) if target_ref(obj).kind in scalable_resource_kinds

# objects_of_kind(ns, kind) are the objects of namespace ns of kind, a
# workload kind or one of scalable_resource_kinds, whatever their apiVersion.
objects_of_kind(ns, kind) := inventory.namespaced(ns, kind) if kind in inventory.workload_kinds

objects_of_kind(ns, "LeaderWorkerSet") := inventory.namespaced(ns, "LeaderWorkerSet")

# target_objects(obj) are the objects of the input, of any kind
# checks_target looks at, in obj's namespace, that autoscaler obj names by
# kind and name (the apiVersion of its reference aside), looked up by name.
# Unlike targets, these need not be workloads the rules judge (a
# LeaderWorkerSet, a Helm test pod).
target_objects(obj) := inventory.named(inventory.namespace_of(obj), ref.kind, ref.name) if {
	ref := target_ref(obj)
	ref.kind in inventory.workload_kinds
}

target_objects(obj) := inventory.named(inventory.namespace_of(obj), "LeaderWorkerSet", ref.name) if {
	ref := target_ref(obj)
	ref.kind == "LeaderWorkerSet"
}

# describe_target(obj) is what autoscaler obj targets, in words: Deployment "api".
describe_target(obj) := sprintf("%s %q", [ref.kind, ref.name]) if {
	ref := target_ref(obj)
}

# min_replicas(hpa) is an HPA's minReplicas (unset = 1).
min_replicas(h) := h.spec.minReplicas if {
	is_number(h.spec.minReplicas)
} else := 1

# min_replicas_text(hpa) is where min_replicas(hpa) comes from, in words.
min_replicas_text(h) := sprintf("minReplicas %v", [h.spec.minReplicas]) if {
	is_number(h.spec.minReplicas)
} else := "minReplicas unset, which defaults to 1"

# default_cpu_utilization is the average CPU utilization an HPA aims at when
# nothing else is said: the API default of an autoscaling/v1 HPA without
# targetCPUUtilizationPercentage and of a v2 HPA without metrics.
default_cpu_utilization := 80

# metrics(hpa) are the metrics an HPA scales on, in the autoscaling/v2 shape,
# with the API defaults filled in.
metrics(h) := [cpu_utilization(object.get(h, ["spec", "targetCPUUtilizationPercentage"], default_cpu_utilization))] if {
	h.apiVersion == "autoscaling/v1"
} else := h.spec.metrics if {
	has_metrics(h)
} else := [cpu_utilization(default_cpu_utilization)]

has_metrics(h) if {
	is_array(h.spec.metrics)
	count(h.spec.metrics) > 0
}

cpu_utilization(percent) := {"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": percent}}}

# default_metrics(hpa) is true when the HPA scales on the API default: an
# autoscaling/v2 (or beta) HPA without metrics.
default_metrics(h) if {
	h.apiVersion != "autoscaling/v1"
	not has_metrics(h)
}

# resource_source(metric) is the part of a Resource or ContainerResource
# metric that names the resource ({"name", "container"?, "target"}).
resource_source(metric) := metric.resource if metric.type == "Resource"

resource_source(metric) := metric.containerResource if metric.type == "ContainerResource"

# scaled_resources(hpa) are the pod resources (cpu, memory) an HPA scales on,
# whatever its target type (Utilization, AverageValue).
scaled_resources(h) := {source.name |
	some metric in metrics(h)
	source := resource_source(metric)
	is_string(source.name)
}

# utilization_metrics(hpa) are the metrics an HPA computes as a share of the
# pods' requests: {"resource", "container" ("" for every container of the
# pod, else the one a ContainerResource metric names), "percent"}. The v2
# shape sets target.type Utilization; autoscaling/v2beta1 set
# targetAverageUtilization.
utilization_metrics(h) := {m |
	some metric in metrics(h)
	source := resource_source(metric)
	is_string(source.name)
	percent := utilization(source)
	m := {"resource": source.name, "container": object.get(source, "container", ""), "percent": percent}
}

utilization(source) := object.get(source.target, "averageUtilization", null) if {
	source.target.type == "Utilization"
} else := source.targetAverageUtilization if {
	is_number(source.targetAverageUtilization)
}

# describe_utilization(metric) is a utilization metric in words:
# "cpu utilization (70%)", or for one container: "memory utilization of container \"app\" (80%)".
describe_utilization(m) := sprintf("%s utilization%s%s", [m.resource, container_text(m), percent_text(m)])

container_text(m) := sprintf(" of container %q", [m.container]) if m.container != ""

container_text(m) := "" if m.container == ""

percent_text(m) := sprintf(" (%v%%)", [m.percent]) if is_number(m.percent)

percent_text(m) := "" if not is_number(m.percent)

# update_mode(vpa) is a VPA's updatePolicy.updateMode (unset = Auto).
update_mode(v) := v.spec.updatePolicy.updateMode if {
	is_string(v.spec.updatePolicy.updateMode)
} else := "Auto"

# applies_changes(vpa) is true when the VPA sets pods' requests (every mode
# but Off: Initial at pod creation, the others on running pods too).
applies_changes(v) if update_mode(v) != "Off"

# resizes_running_pods(vpa) is true when the VPA changes the requests of
# running pods (evicting them, or in place): modes Auto, Recreate and
# InPlaceOrRecreate.
resizes_running_pods(v) if update_mode(v) in {"Auto", "Recreate", "InPlaceOrRecreate"}

# container_policies(vpa) are the VPA's resourcePolicy.containerPolicies.
container_policies(v) := policies if {
	policies := v.spec.resourcePolicy.containerPolicies
	is_array(policies)
} else := []

# policy_for(vpa, name) is the container policy the VPA applies to container
# name: the one naming it, else the "*" one. Undefined when neither exists.
policy_for(v, name) := named[0] if {
	named := [p | some p in container_policies(v); p.containerName == name]
	count(named) > 0
} else := wildcard[0] if {
	wildcard := [p | some p in container_policies(v); p.containerName == "*"]
	count(wildcard) > 0
}

# wildcard_policy(vpa) is true when a container policy applies to every container ("*").
wildcard_policy(v) if {
	some p in container_policies(v)
	p.containerName == "*"
}

# default_resources are the resources a VPA controls when nothing limits them.
default_resources := {"cpu", "memory"}

# policy_resources(policy) are the resources a container policy lets the VPA
# control: none in mode Off, else controlledResources (unset = cpu, memory).
policy_resources(policy) := set() if {
	policy.mode == "Off"
} else := {r | some r in policy.controlledResources} if {
	is_array(policy.controlledResources)
} else := default_resources

# container_resources(vpa, name) are the resources the VPA controls in container name.
container_resources(v, name) := policy_resources(policy) if {
	policy := policy_for(v, name)
} else := default_resources

# controlled_resources(vpa) are the resources the VPA controls in the pods of
# its target: per container of the target when the input has it (and its
# pod template), else every resource a container policy controls, plus the
# defaults (or the "*" policy's) for containers no policy names.
controlled_resources(v) := {r |
	some container in target_containers(v)
	some r in container_resources(v, container.name)
} if {
	count(target_containers(v)) > 0
} else := policies_resources(v)

# target_containers(obj) are the containers of the pod template of what
# autoscaler obj targets, when the input has it (an Argo Rollout with
# spec.workloadRef runs its Deployment's): empty when it is unknown.
target_containers(obj) := {container |
	some target in targets(obj)
	some container in pods.template(target).spec.containers
}

# policies_resources(vpa) are the resources any container policy controls,
# and those the VPA controls in a container no policy names.
policies_resources(v) := {r |
	some policy in container_policies(v)
	some r in policy_resources(policy)
} | container_resources(v, "")

set_bound(bound) if {
	is_object(bound)
	count(bound) > 0
}

# missing_bounds(policy) are the bounds (minAllowed, maxAllowed) a container
# policy does not set, or sets empty.
missing_bounds(policy) := [field |
	some field in ["minAllowed", "maxAllowed"]
	not set_bound(object.get(policy, field, null))
]

# scaled_object_minimum(so) is a ScaledObject's minReplicaCount (unset = 0).
scaled_object_minimum(so) := so.spec.minReplicaCount if {
	is_number(so.spec.minReplicaCount)
} else := 0

# scales_to_zero_text(so) says, in words, why a ScaledObject may scale its
# target to zero: minReplicaCount 0 (set or by default), or idleReplicaCount 0
# (KEDA then scales to zero while its triggers are inactive).
scales_to_zero_text(so) := "minReplicaCount 0" if {
	so.spec.minReplicaCount == 0
} else := "minReplicaCount unset, which defaults to 0" if {
	scaled_object_minimum(so) == 0
} else := "idleReplicaCount 0" if {
	so.spec.idleReplicaCount == 0
}

# target_text(obj) is what autoscaler obj scales, in words, or "its target"
# when its reference names none.
target_text(obj) := describe_target(obj) if {
	describe_target(obj)
} else := "its target"
