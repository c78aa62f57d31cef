# METADATA
# title: Container resources
# description: |
#   A container's requests and limits as numbers, with Kubernetes defaulting:
#   a container with only limits.X gets requests.X = limits.X.
package lib.prodready.resources

import data.lib.prodready.quantity

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
