# METADATA
# title: Secret mounted with subPath without a Reloader restart
# description: >-
#   A container mounts a Secret volume (a secret volume, or a projected
#   volume with a secret source) through a volumeMount with subPath or
#   subPathExpr, and the workload has no Stakater Reloader annotation
#   covering that Secret. The kubelet refreshes the files of a Secret volume
#   when the Secret changes, but a subPath mount is a bind mount of one file
#   taken when the container starts: it never receives the new value. The
#   application goes on reading the old certificate or password, so a
#   rotation that looked done (the Secret holds the new value, other pods
#   picked it up) ends in an outage when the old certificate expires or the
#   old credential is revoked. Covered is read as Reloader reads it:
#   reloader.stakater.com/auto or secret.reloader.stakater.com/auto "true",
#   or the Secret named (or matched as a regular expression) in
#   secret.reloader.stakater.com/reload, or reloader.stakater.com/search
#   "true" unless the Secret is in the input without
#   reloader.stakater.com/match "true"; on the workload, or on its pod
#   template when the workload sets none of them, and the Secret not listed
#   in secrets.exclude.reloader.stakater.com/reload. Checked on the kinds
#   Reloader restarts (Deployment, StatefulSet, DaemonSet, Argo Rollout),
#   for app containers and native sidecars.
# custom:
#   id: secret-subpath-not-reloadable
#   severity: low
#   profile: baseline
#   kinds: [Deployment, StatefulSet, DaemonSet, Rollout]
#   version: 1.0.1
#   remediation: >-
#     Mount the whole Secret volume at a directory of its own (no subPath)
#     and point the application at the file inside it, so the kubelet
#     updates it in place; or annotate the workload with
#     reloader.stakater.com/auto: "true" (or list the Secret in
#     secret.reloader.stakater.com/reload) and run Reloader, so a change of
#     the Secret restarts the pods.
package prodready.rules.secret_subpath_not_reloadable

import data.lib.prodready.config
import data.lib.prodready.review

findings contains {"msg": msg, "container": container.name} if {
	config.reloadable
	some container in config.containers
	secrets := {name |
		some name in config.subpath_secrets(container)
		not config.reloads(name)
	}
	count(secrets) > 0
	msg := sprintf("container %q mounts %s with subPath, and %s %q has no Reloader annotation covering %s: a subPath mount never receives a rotated value, so the container keeps the old one until it restarts; mount %s without subPath, or annotate the %s reloader.stakater.com/auto: \"true\"", [container.name, config.secrets_text(secrets), review.kind, review.name, config.it(secrets), config.it(secrets), review.kind])
}
