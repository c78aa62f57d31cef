# METADATA
# title: Container resources
# description: >-
#   A container's requests and limits as numbers, with Kubernetes defaulting:
#   a container with only limits.X gets requests.X = limits.X; and how
#   messages name a container (an initContainer is called one).
package lib.prodready.resources

import data.lib.prodready.quantity
import data.lib.prodready.workload

request(container, resource) := quantity.parse(container.resources.requests[resource])

request(container, resource) := limit(container, resource) if {
	not has_request(container, resource)
}

limit(container, resource) := quantity.parse(container.resources.limits[resource])

has_request(container, resource) if container.resources.requests[resource] != null

has_limit(container, resource) if container.resources.limits[resource] != null

# has_request_or_limit is true when Kubernetes gives the container a request for resource.
has_request_or_limit(container, resource) if has_request(container, resource)

has_request_or_limit(container, resource) if has_limit(container, resource)

# exceeds_limit(container, resource) is true when the container writes a
# requests.resource greater than its limits.resource, compared as
# quantities ("1Gi" > "1000Mi"): the API server rejects such a container.
exceeds_limit(container, resource) if {
	has_request(container, resource)
	request(container, resource) > limit(container, resource)
}

# label(container) names the container in a message: initContainer "migrate"
# for one of the pod template's initContainers, else container "api".
label(container) := sprintf("initContainer %q", [container.name]) if {
	container in workload.init_containers
} else := sprintf("container %q", [container.name])
