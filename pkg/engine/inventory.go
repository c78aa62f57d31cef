package engine

import "github.com/prodready/prodready/pkg/manifest"

// clusterScoped are the kinds Gatekeeper files under data.inventory.cluster.
var clusterScoped = map[string]bool{
	"Namespace": true, "Node": true, "PersistentVolume": true, "ClusterRole": true,
	"ClusterRoleBinding": true, "CustomResourceDefinition": true, "StorageClass": true,
	"PriorityClass": true, "IngressClass": true, "RuntimeClass": true, "APIService": true,
	"MutatingWebhookConfiguration": true, "ValidatingWebhookConfiguration": true,
	"ValidatingAdmissionPolicy": true, "ValidatingAdmissionPolicyBinding": true,
	"CSIDriver": true, "VolumeSnapshotClass": true, "ClusterIssuer": true,
}

// inventory files objs the way Gatekeeper syncs them:
// namespace[ns][apiVersion][kind][name] and cluster[apiVersion][kind][name].
// A namespaced object without metadata.namespace is filed under "", where
// the rules look it up by its own (empty) namespace.
func inventory(objs []*manifest.Object) map[string]any {
	namespaced := map[string]any{}
	cluster := map[string]any{}
	for _, obj := range objs {
		root := cluster
		if !clusterScoped[obj.Kind] {
			root = child(namespaced, obj.Namespace)
		}
		child(child(root, obj.APIVersion), obj.Kind)[obj.Name] = obj.Content
	}
	return map[string]any{"namespace": namespaced, "cluster": cluster}
}

func child(m map[string]any, key string) map[string]any {
	c, ok := m[key].(map[string]any)
	if !ok {
		c = map[string]any{}
		m[key] = c
	}
	return c
}
