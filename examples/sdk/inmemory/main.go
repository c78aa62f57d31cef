// Command inmemory evaluates objects a program holds rather than files: a
// Deployment as Go values, as encoding/json decodes it (manifest.FromMap;
// kubeobject.FromUnstructured takes a dynamic client's), and the same
// Deployment as client-go returns it, a typed *appsv1.Deployment
// (kubeobject.FromRuntime). Both get the same findings. An object without
// its apiVersion, kind or name is an error, never an object silently judged
// as nothing.
package main

import (
	"context"
	"fmt"
	"io"
	"os"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"

	"github.com/prodready/prodready/pkg/engine"
	"github.com/prodready/prodready/pkg/kubeobject"
	"github.com/prodready/prodready/pkg/manifest"
)

// scheme names a typed object's apiVersion and kind, which typed clients
// leave empty. client-go's scheme.Scheme knows every built-in type; this one
// knows apps/v1.
var scheme = func() *runtime.Scheme {
	s := runtime.NewScheme()
	utilruntime.Must(appsv1.AddToScheme(s))
	return s
}()

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
}

// run evaluates the two Deployments, then shows the error of a third
// without a name.
func run(ctx context.Context, w io.Writer) error {
	eng, err := engine.New()
	if err != nil {
		return err
	}
	typed, err := kubeobject.FromRuntime(typedDeployment(), scheme)
	if err != nil {
		return err
	}
	fromMap, err := manifest.FromMap(mapDeployment())
	if err != nil {
		return err
	}
	// One Evaluate each, to compare them: one Evaluate of many objects is
	// how a program judges a set that cross-object rules should see whole.
	for _, d := range []struct {
		from string
		obj  *manifest.Object
	}{{"typed", typed}, {"map", fromMap}} {
		res, err := eng.Evaluate(ctx, []*manifest.Object{d.obj})
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%s %s: %d findings\n", d.from, d.obj.Kind, len(res.Findings))
		for _, f := range res.Findings {
			fmt.Fprintf(w, "  %s %s %s: %s\n", f.Severity, f.Rule, f.Object, f.Message)
		}
	}

	incomplete := mapDeployment()
	delete(incomplete["metadata"].(map[string]any), "name")
	_, err = manifest.FromMap(incomplete) // an error wrapping manifest.ErrNotObject
	fmt.Fprintln(w, "without a name:", err)
	return nil
}

// typedDeployment is a Deployment as a typed client returns it: its
// TypeMeta (apiVersion, kind) empty.
func typedDeployment() *appsv1.Deployment {
	replicas := int32(1)
	labels := map[string]string{"app": "api"}
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "api", Namespace: "shop"},
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

// mapDeployment is the same Deployment as Go values.
func mapDeployment() map[string]any {
	labels := map[string]any{"app": "api"}
	return map[string]any{
		"apiVersion": "apps/v1",
		"kind":       "Deployment",
		"metadata":   map[string]any{"name": "api", "namespace": "shop"},
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
