# METADATA
# title: The object under review
# description: >-
#   One convention for every engine. Gatekeeper hands the object as
#   input.review.object and a constraint's parameters as input.parameters,
#   those of each rule it enforces as input.parameters.rules[rule id]; the
#   prodready SDK and Conftest hand the object as input and the parameters
#   of every rule as data.lib.parameters[rule id].
package lib.prodready.review

# gatekeeper is true when the input is an AdmissionReview built by Gatekeeper.
gatekeeper if input.review.object

object := input.review.object if gatekeeper

else := input

kind := object.kind

api_version := object.apiVersion

name := object.metadata.name

namespace := object.metadata.namespace if object.metadata.namespace

else := ""

labels := object.metadata.labels if is_object(object.metadata.labels)

else := {}

annotations := object.metadata.annotations if is_object(object.metadata.annotations)

else := {}

# api_group is "" for the core group ("v1").
api_group := split(api_version, "/")[0] if contains(api_version, "/")

else := ""

# parameters(id) are the parameters of rule id, defaults from its METADATA
# merged with the team's overrides (the SDK and the bundle builders put them there).
parameters(id) := input.parameters.rules[id] if gatekeeper

else := data.lib.parameters[id]

param(id, key) := parameters(id)[key]

# namespace_text is "namespace \"shop\"" in messages, or "its namespace"
# for an object without metadata.namespace (the namespace kubectl -n or
# Helm's --namespace gives it decides).
namespace_text := sprintf("namespace %q", [namespace]) if namespace != ""

else := "its namespace"
