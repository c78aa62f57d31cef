# METADATA
# title: Secrets a workload consumes, and whether Reloader restarts it
# description: >-
#   What the config rules share: the workloads Stakater Reloader restarts
#   (Deployment, StatefulSet, DaemonSet and Argo Rollout), the containers
#   that keep running with what they read at start (app containers and
#   native sidecars, initContainers with restartPolicy Always), the Secrets
#   a container takes through env or through a subPath mount, and whether
#   the workload's Reloader annotations cover a Secret, read as Reloader
#   reads them: the workload's own annotations, or its pod template's when
#   the workload carries none of Reloader's keys.
package lib.prodready.config

import data.lib.prodready.inventory
import data.lib.prodready.review
import data.lib.prodready.workload

# reloadable_kinds are the kinds Reloader restarts in place (a rolling
# restart) when a Secret they use changes. Jobs and CronJobs start fresh
# pods, which read the current Secret, on every run; bare Pods, ReplicaSets
# and ReplicationControllers are usually owned by one of these kinds, and
# Reloader cannot restart them.
reloadable_kinds := {"Deployment", "StatefulSet", "DaemonSet", "Rollout"}

# reloadable is true when the object under review is a workload of a
# reloadable kind (workload.is_workload keeps only Argo's Rollout).
reloadable if {
	workload.is_workload
	review.kind in reloadable_kinds
}

# containers are the containers of the pod template that keep running with
# what they read at start: app containers, and native sidecars
# (initContainers with restartPolicy Always). Other initContainers have
# exited before any Secret can rotate.
containers contains container if {
	some container in workload.containers
}

containers contains container if {
	some container in workload.init_containers
	container.restartPolicy == "Always"
}

# env_secrets(container) are the names of the Secrets the container takes
# through env[].valueFrom.secretKeyRef or envFrom[].secretRef.
env_secrets(container) := {name |
	some env in container.env
	name := env.valueFrom.secretKeyRef.name
	is_string(name)
	name != ""
} | {name |
	some source in container.envFrom
	name := source.secretRef.name
	is_string(name)
	name != ""
}

# volume_secrets(volume) are the names of the Secrets a pod volume holds: a
# secret volume's secretName, or the secret sources of a projected volume.
volume_secrets(volume) := {name |
	name := volume.secret.secretName
	is_string(name)
	name != ""
} | {name |
	some source in volume.projected.sources
	name := source.secret.name
	is_string(name)
	name != ""
}

# subpath_mount(mount) is true for a volumeMount with a subPath or
# subPathExpr: the kubelet bind-mounts the file once, so it never receives
# an updated value.
subpath_mount(mount) if non_empty(mount.subPath)

subpath_mount(mount) if non_empty(mount.subPathExpr)

non_empty(value) if {
	is_string(value)
	value != ""
}

# subpath_secrets(container) are the names of the Secrets the container
# mounts through a volumeMount with a subPath (or subPathExpr).
subpath_secrets(container) := {name |
	some mount in container.volumeMounts
	subpath_mount(mount)
	some volume in workload.pod_spec.volumes
	volume.name == mount.name
	some name in volume_secrets(volume)
}

# Reloader's annotation keys for Secrets.
auto_key := "reloader.stakater.com/auto"

secret_auto_key := "secret.reloader.stakater.com/auto"

secret_reload_key := "secret.reloader.stakater.com/reload"

search_key := "reloader.stakater.com/search"

match_key := "reloader.stakater.com/match"

secret_exclude_key := "secrets.exclude.reloader.stakater.com/reload"

# reloader_annotations are the annotations Reloader reads for Secrets: the
# workload's own when it sets any of Reloader's keys for Secrets, else its
# pod template's (Reloader's own fallback).
reloader_annotations := review.annotations if {
	some key in {auto_key, secret_auto_key, secret_reload_key, search_key}
	key in object.keys(review.annotations)
} else := workload.template_annotations

# reloads(name) is true when Reloader restarts the workload under review
# after a change of the Secret called name.
reloads(name) if {
	not excluded(name)
	covered(name)
}

# excluded(name) is true when the workload's own annotations exclude the
# Secret (secrets.exclude.reloader.stakater.com/reload, exact names).
excluded(name) if {
	some listed in names_of(review.annotations[secret_exclude_key])
	listed == name
}

# names_of(value) are the trimmed entries of a comma-separated annotation value.
names_of(value) := {trim_space(listed) |
	is_string(value)
	some listed in split(value, ",")
}

covered(_) if truthy(reloader_annotations[auto_key])

covered(_) if truthy(reloader_annotations[secret_auto_key])

# secret.reloader.stakater.com/reload is a comma-separated list of names;
# Reloader matches each as an anchored regular expression.
covered(name) if {
	some listed in names_of(reloader_annotations[secret_reload_key])
	listed_matches(listed, name)
}

# reloader.stakater.com/search: "true" reloads on Secrets annotated
# reloader.stakater.com/match: "true". Only a Secret of the input seen
# without that annotation is known not to be covered; Secrets are rarely
# part of the manifests, so an unseen one gets the benefit of the doubt.
covered(name) if {
	reloader_annotations[search_key] == "true"
	not unmatched_secret(name)
}

unmatched_secret(name) if {
	some secret in inventory.named(review.namespace, "Secret", name)
	not object.get(secret, ["metadata", "annotations", match_key], "") == "true"
}

listed_matches(listed, name) if listed == name

listed_matches(listed, name) if {
	pattern := concat("", ["^", listed, "$"])
	regex.is_valid(pattern)
	regex.match(pattern, name)
}

# truthy(value) is Go's strconv.ParseBool true, as Reloader parses auto
# annotations (an unquoted YAML true, which the API server would refuse,
# counts too: the intent is plain).
truthy(value) if value in {"1", "t", "T", "true", "TRUE", "True", true}

# secrets_text(names) names Secrets for a message: Secret "a", or Secrets "a", "b".
secrets_text(names) := sprintf("Secret %s", [quoted(names)]) if count(names) == 1

secrets_text(names) := sprintf("Secrets %s", [quoted(names)]) if count(names) > 1

# it(names) is "it" for one name, "them" for more.
it(names) := "it" if count(names) == 1

it(names) := "them" if count(names) > 1

# quoted(names) lists names for a message: "a", "b".
quoted(names) := concat(", ", [sprintf("%q", [name]) | some name in sort(names)])
