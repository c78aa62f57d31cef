// Command inmemory evaluates objects a program builds or gets from the API
// server rather than reads from files: a Deployment as Go values
// (manifest.FromMap) and the same Deployment as client-go's typed
// *appsv1.Deployment (kubeobject.FromRuntime, with a scheme to name its
// kind, which typed clients leave out). Both give the same findings.
package main

import (
	"context"
	"fmt"
	"os"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/prodready/prodready/pkg/engine"
	"github.com/prodready/prodready/pkg/kubeobject"
	"github.com/prodready/prodready/pkg/manifest"
)

func main() {
	findings, err := evaluate(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	for _, f := range findings {
		fmt.Println(f.Severity, f.Rule, f.Object, f.Container+":", f.Message)
	}
}

// evaluate judges the typed Deployment and its map twin in one run.
func evaluate(ctx context.Context) ([]engine.Finding, error) {
	eng, err := engine.New()
	if err != nil {
		return nil, err
	}
	// A scheme names a typed object's apiVersion and kind; client-go's
	// scheme.Scheme knows every built-in type.
	scheme := runtime.NewScheme()
	if err := appsv1.AddToScheme(scheme); err != nil {
		return nil, err
	}
	typed, err := kubeobject.FromRuntime(typedDeployment("api-typed"), scheme)
	if err != nil {
		return nil, err
	}
	fromMap, err := manifest.FromMap(mapDeployment("api-map"))
	if err != nil {
		return nil, err
	}
	res, err := eng.Evaluate(ctx, []*manifest.Object{typed, fromMap})
	if err != nil {
		return nil, err
	}
	return res.Findings, nil
}

// typedDeployment is a Deployment as a typed client returns it: no TypeMeta.
func typedDeployment(name string) *appsv1.Deployment {
	replicas := int32(1)
	labels := map[string]string{"app": name}
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "shop"},
		Spec: appsv1.DeploymentSpec{
			Replicas: &replicas,
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{
					Name:  "app",
					Image: "registry.example/api:1.4.2",
					Ports: []corev1.ContainerPort{{ContainerPort: 8080}},
				}}},
			},
		},
	}
}

// mapDeployment is the same Deployment as Go values (decoded JSON, an
// unstructured object's content).
func mapDeployment(name string) map[string]any {
	labels := map[string]any{"app": name}
	return map[string]any{
		"apiVersion": "apps/v1",
		"kind":       "Deployment",
		"metadata":   map[string]any{"name": name, "namespace": "shop"},
		"spec": map[string]any{
			"replicas": 1,
			"selector": map[string]any{"matchLabels": labels},
			"template": map[string]any{
				"metadata": map[string]any{"labels": labels},
				"spec": map[string]any{"containers": []any{map[string]any{
					"name":  "app",
					"image": "registry.example/api:1.4.2",
					"ports": []any{map[string]any{"containerPort": 8080}},
				}}},
			},
		},
	}
}
