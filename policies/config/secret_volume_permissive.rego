# METADATA
# title: Secret volume files readable by others
# description: >-
#   A secret volume (or a secret source of a projected volume) gives its
#   files a mode that lets other users read them, or the group more than
#   read: mode & 0o037 != 0. The mode of a file is its item's mode, else
#   the volume's defaultMode, which Kubernetes sets to 0644 when unset, so
#   by default every user of every container that mounts the volume can
#   read the credentials. A compromised or careless process running as
#   another user in the pod (a sidecar, a debug shell, a plugin, a path
#   traversal in a file server) then reads the TLS key or database password
#   it never needed, and the leak spreads past the one process the Secret
#   was meant for. 0400 and 0440 (with fsGroup for a non-root user) pass.
#   Modes arrive as numbers (YAML 0644 is octal, 420; JSON is decimal);
#   messages show them in octal. One finding per workload names every such
#   volume.
# custom:
#   id: secret-volume-permissive
#   severity: low
#   profile: strict
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, Rollout]
#   version: 1.1.0
#   remediation: >-
#     Set defaultMode: 0400 on the secret volume (0440 with a pod
#     securityContext.fsGroup when the application runs as a non-root user
#     that is not the file owner), and give any items[].mode the same
#     restriction. Write modes in YAML with a leading 0 (octal), or in JSON
#     as decimal (256 for 0400).
package prodready.rules.secret_volume_permissive

import data.lib.prodready.text
import data.lib.prodready.workload

# default_mode is the mode Kubernetes gives a secret volume's files when
# defaultMode is unset: 0644.
default_mode := 420

# permissive(mode) is true when the mode grants others anything, or the
# group write or execute.
permissive(mode) if {
	is_number(mode)
	floor(mode) == mode
	bits.and(mode, 31) != 0
}

findings contains {"msg": msg} if {
	volumes := [volume |
		some volume in workload.pod_spec.volumes
		count(volume_problems(volume)) > 0
	]
	count(volumes) > 0
	problems := {problem |
		some volume in volumes
		some problem in volume_problems(volume)
	}
	msg := sprintf("%s: %s; %s", [
		concat("; ", clauses(volumes)),
		exposure(problems),
		advice(problems, volumes),
	])
}

# clauses(volumes) say what each volume gives, volumes of one type that give
# the same modes together: secret volumes "a" and "b" give defaultMode 0644.
clauses(volumes) := [clause |
	some group in sort({[volume_type(volume), problems_text(volume)] | some volume in volumes})
	[type, modes] := group
	names := [volume_name(volume) |
		some volume in volumes
		volume_type(volume) == type
		problems_text(volume) == modes
	]
	clause := group_text(type, names, modes)
]

group_text(type, names, modes) := sprintf("%s volume %s gives %s", [type, names[0], modes]) if count(names) == 1

else := sprintf("%s volumes %s give %s", [type, text.and_list(names), modes])

# volume_problems(volume) are the permissive modes a secret volume, or the
# secret sources of a projected volume, give their files: objects with the
# mode, whether it is a defaultMode or an item's, the Secret, and a text.
volume_problems(volume) := secret_problems(volume.secret) if {
	is_object(volume.secret)
} else := {problem |
	some source in volume.projected.sources
	is_object(source.secret)
	some problem in projected_problems(volume.projected, source.secret)
} if {
	is_object(volume.projected)
}

volume_type(volume) := "secret" if is_object(volume.secret)

else := "projected"

# volume_name(volume) is "tls" (Secret "api-tls") for a secret volume, or
# only the name when the volume is named after its Secret or is projected
# (whose problems name their Secrets).
volume_name(volume) := sprintf("%q (Secret %q)", [volume.name, object.get(volume.secret, "secretName", "")]) if {
	is_object(volume.secret)
	volume.secret.secretName != volume.name
} else := sprintf("%q", [volume.name])

problems_text(volume) := concat(", ", sort({problem.text | some problem in volume_problems(volume)}))

# exposure(problems) says what the modes let others do: read the Secret
# (other users' read bit), else write or execute (group or other users).
exposure(problems) := sprintf("any user in the pod, not only the process %s, can read %s", [secrets_for(problems), them(problems)]) if {
	some problem in problems
	bits.and(problem.mode, 4) != 0
} else := "the group or other users in the pod get write or execute permission on the files"

secrets_for(problems) := "the Secret is for" if count({problem.secret | some problem in problems}) == 1

else := "the Secrets are for"

them(problems) := "it" if count({problem.secret | some problem in problems}) == 1

else := "them"

# advice(problems, volumes) names the modes to set: defaultMode, items'
# modes, or both, on each volume when there are several.
advice(problems, volumes) := sprintf("%s%s", [fields_advice(problems), each(volumes)])

fields_advice(problems) := "set defaultMode and items[].mode to 0400 (or 0440 with fsGroup)" if {
	some default_problem in problems
	default_problem.kind == "defaultMode"
	some item_problem in problems
	item_problem.kind == "item"
} else := "set items[].mode to 0400 (or 0440 with fsGroup)" if {
	every problem in problems {
		problem.kind == "item"
	}
} else := "set defaultMode: 0400 (or 0440 with fsGroup)"

each(volumes) := " on each volume" if count(volumes) > 1

else := ""

# secret_problems(source) describe the permissive modes a secret volume
# gives its files: the defaultMode when a file takes it, and items' modes.
secret_problems(source) := files_problems(source, source, "")

# projected_problems(projected, source) do the same for a secret source of a
# projected volume, whose defaultMode is the projected volume's.
projected_problems(projected, source) := files_problems(projected, source, sprintf("Secret %q ", [source.name]))

files_problems(holder, source, prefix) := {problem |
	uses_default_mode(source)
	mode := mode_or_default(holder, "defaultMode")
	permissive(mode)
	problem := {
		"kind": "defaultMode", "mode": mode, "secret": secret_name(source),
		"text": sprintf("%sdefaultMode %s%s", [prefix, octal(mode), unset_text(holder)]),
	}
} | {problem |
	some item in source.items
	permissive(item.mode)
	problem := {
		"kind": "item", "mode": item.mode, "secret": secret_name(source),
		"text": sprintf("%sitem %q mode %s", [prefix, item.key, octal(item.mode)]),
	}
}

secret_name(source) := object.get(source, "secretName", object.get(source, "name", ""))

# uses_default_mode(source) is true when some file of the source takes the
# defaultMode: every key when items is unset or empty, else an item without mode.
uses_default_mode(source) if count(object.get(source, "items", [])) == 0

uses_default_mode(source) if {
	some item in source.items
	object.get(item, "mode", null) == null
}

mode_or_default(holder, field) := holder[field] if is_number(holder[field])

mode_or_default(holder, field) := default_mode if object.get(holder, field, null) == null

unset_text(holder) := " (unset, the default)" if object.get(holder, "defaultMode", null) == null

unset_text(holder) := "" if object.get(holder, "defaultMode", null) != null

octal(mode) := sprintf("0%s", [format_int(mode, 8)])
