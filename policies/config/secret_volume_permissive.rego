# METADATA
# title: Secret volume files readable by others
# description: |
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
#   messages show them in octal.
# custom:
#   id: secret-volume-permissive
#   severity: low
#   profile: strict
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, Rollout]
#   version: 1.0.0
#   remediation: |
#     Set defaultMode: 0400 on the secret volume (0440 with a pod
#     securityContext.fsGroup when the application runs as a non-root user
#     that is not the file owner), and give any items[].mode the same
#     restriction. Write modes in YAML with a leading 0 (octal), or in JSON
#     as decimal (256 for 0400).
package prodready.rules.secret_volume_permissive

import data.lib.prodready.config
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
	some volume in workload.pod_spec.volumes
	is_object(volume.secret)
	problems := secret_problems(volume.secret)
	count(problems) > 0
	msg := sprintf("secret volume %q (Secret %q) gives %s: other users in the pod can read the Secret (mode & 0037 != 0); set defaultMode: 0400 (or 0440 with fsGroup) and restrict items[].mode", [volume.name, object.get(volume.secret, "secretName", ""), concat(", ", sort(problems))])
}

findings contains {"msg": msg} if {
	some volume in workload.pod_spec.volumes
	is_object(volume.projected)
	names := config.volume_secrets(volume)
	problems := {problem |
		some source in volume.projected.sources
		is_object(source.secret)
		some problem in projected_problems(volume.projected, source.secret)
	}
	count(problems) > 0
	msg := sprintf("projected volume %q (%s) gives %s: other users in the pod can read the Secret (mode & 0037 != 0); set defaultMode: 0400 (or 0440 with fsGroup) and restrict items[].mode", [volume.name, config.secrets_text(names), concat(", ", sort(problems))])
}

# secret_problems(source) describe the permissive modes a secret volume
# gives its files: the defaultMode when a file takes it, and items' modes.
secret_problems(source) := files_problems(source, source)

# projected_problems(projected, source) do the same for a secret source of a
# projected volume, whose defaultMode is the projected volume's.
projected_problems(projected, source) := {sprintf("Secret %q %s", [source.name, problem]) |
	some problem in files_problems(projected, source)
}

files_problems(holder, source) := {sprintf("defaultMode %s%s", [octal(mode), unset_text(holder)]) |
	uses_default_mode(source)
	mode := mode_or_default(holder, "defaultMode")
	permissive(mode)
} | {sprintf("item %q mode %s", [item.key, octal(item.mode)]) |
	some item in source.items
	permissive(item.mode)
}

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
