package lib.prodready.inventory_test

import data.lib.prodready.inventory

limit_range := {"apiVersion": "v1", "kind": "LimitRange", "metadata": {"name": "defaults", "namespace": "shop"}}

inv := {"namespace": {
	"shop": {"v1": {"LimitRange": {"defaults": limit_range}, "ConfigMap": {"c": {}}}},
	"other": {"v1": {"LimitRange": {"x": {"metadata": {"name": "x"}}}}},
}}

test_namespaced_by_kind if {
	inventory.namespaced("shop", "LimitRange") == {limit_range} with data.inventory as inv
}

test_namespaced_empty if {
	inventory.namespaced("nowhere", "LimitRange") == set() with data.inventory as inv
	inventory.namespaced("shop", "Secret") == set() with data.inventory as inv
	inventory.namespaced("shop", "LimitRange") == set() with data.inventory as {}
}

test_named_by_key if {
	inventory.named("shop", "LimitRange", "defaults") == {limit_range} with data.inventory as inv
	inventory.named("shop", "LimitRange", "other") == set() with data.inventory as inv
	inventory.named("other", "LimitRange", "defaults") == set() with data.inventory as inv
}

test_cluster_named_by_key if {
	admin := {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "admin"}}
	cluster := {"cluster": {"rbac.authorization.k8s.io/v1": {"ClusterRole": {"admin": admin, "view": {}}}}}
	inventory.cluster_named("ClusterRole", "admin") == {admin} with data.inventory as cluster
	inventory.cluster_named("ClusterRole", "edit") == set() with data.inventory as cluster
	inventory.cluster_named("ClusterRoleBinding", "admin") == set() with data.inventory as cluster
}
