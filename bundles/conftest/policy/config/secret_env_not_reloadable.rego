# METADATA
# title: Secret in env without a Reloader restart
# description: >-
#   A container takes a Secret through env (valueFrom.secretKeyRef) or
#   envFrom (secretRef), and the workload has no Stakater Reloader
#   annotation covering that Secret. Environment variables are read once,
#   when the container starts: rotating the Secret changes nothing in the
#   running pods, which keep the old credential until something happens to
#   restart them. The incident comes weeks later: the old database password
#   or API key is revoked at the end of the rotation window and every
#   replica starts failing authentication at once, while the new value sits
#   unused in the Secret. Reloader restarts the workload (a rolling update)
#   when a Secret it uses changes. Covered means, as Reloader reads them:
#   reloader.stakater.com/auto or secret.reloader.stakater.com/auto "true",
#   or the Secret named (or matched as a regular expression) in
#   secret.reloader.stakater.com/reload, or reloader.stakater.com/search
#   "true" unless the Secret is in the input without
#   reloader.stakater.com/match "true"; all on the workload, or on its pod
#   template when the workload sets none of them, and the Secret not listed
#   in secrets.exclude.reloader.stakater.com/reload. Checked on the kinds
#   Reloader restarts (Deployment, StatefulSet, DaemonSet, Argo Rollout),
#   for app containers and native sidecars; Jobs and CronJobs read the
#   current Secret on every run.
# custom:
#   id: secret-env-not-reloadable
#   severity: low
#   profile: baseline
#   kinds: [Deployment, StatefulSet, DaemonSet, Rollout]
#   version: 1.0.1
#   remediation: >-
#     Annotate the workload (metadata.annotations, not only the pod
#     template) with reloader.stakater.com/auto: "true", or list the Secret
#     in secret.reloader.stakater.com/reload: "<name>[,<name>...]", and run
#     Reloader in the cluster. Or mount the Secret as a volume (without
#     subPath) and have the application re-read the file when it changes.
package prodready.rules.secret_env_not_reloadable

import data.lib.prodready.config
import data.lib.prodready.review

findings contains {"msg": msg, "container": container.name} if {
	config.reloadable
	some container in config.containers
	secrets := {name |
		some name in config.env_secrets(container)
		not config.reloads(name)
	}
	count(secrets) > 0
	msg := sprintf("container %q takes %s through env, and %s %q has no Reloader annotation covering %s: env is read only at start, so after a rotation the pods keep %s until they restart, and fail once %s revoked; annotate the %s reloader.stakater.com/auto: \"true\" or list %s in secret.reloader.stakater.com/reload", [container.name, config.secrets_text(secrets), review.kind, review.name, config.it(secrets), old_values(secrets), revoked(secrets), review.kind, config.it(secrets)])
}

old_values(secrets) := "the old value" if count(secrets) == 1

else := "the old values"

revoked(secrets) := "it is" if count(secrets) == 1

else := "those are"
