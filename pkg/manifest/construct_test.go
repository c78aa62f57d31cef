package manifest_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/prodready/prodready/pkg/manifest"
)

func deploymentMap() map[string]any {
	return map[string]any{
		"apiVersion": "apps/v1",
		"kind":       "Deployment",
		"metadata":   map[string]any{"name": "api", "namespace": "shop"},
		"spec":       map[string]any{"replicas": 2, "template": map[string]any{"spec": map[string]any{"containers": []any{map[string]any{"name": "app", "image": "app:1"}}}}},
	}
}

func TestFromMapFillsTheIdentityAndCopies(t *testing.T) {
	content := deploymentMap()
	obj, err := manifest.FromMap(content)
	if err != nil {
		t.Fatal(err)
	}
	if obj.APIVersion != "apps/v1" || obj.Kind != "Deployment" || obj.Namespace != "shop" || obj.Name != "api" {
		t.Errorf("identity %s %s %s/%s", obj.APIVersion, obj.Kind, obj.Namespace, obj.Name)
	}
	want := obj.Content()
	content["metadata"].(map[string]any)["name"] = "changed"
	content["spec"].(map[string]any)["replicas"] = 9
	if !reflect.DeepEqual(obj.Content(), want) || obj.Content()["spec"].(map[string]any)["replicas"] != int64(2) {
		t.Errorf("the object changed with the map it was made of: %v", obj.Content())
	}
}

// TestConstructorsSayWhatIsMissing: an object without apiVersion, kind or
// name is an error naming what it lacks, whether made of a map or of bytes.
func TestConstructorsSayWhatIsMissing(t *testing.T) {
	for _, tt := range []struct {
		name, drop, want, decoded string
	}{
		{"no apiVersion", "apiVersion", "Deployment has no apiVersion", "object: no apiVersion"},
		{"no kind", "kind", "no kind (apiVersion apps/v1)", "object: no kind"},
		{"no name", "name", "Deployment has no metadata.name (nor generateName)", "Deployment has no metadata.name (nor generateName)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			content := deploymentMap()
			delete(content, tt.drop)
			delete(content["metadata"].(map[string]any), tt.drop)
			_, err := manifest.FromMap(content)
			if !errors.Is(err, manifest.ErrNotObject) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("FromMap: %v, want ErrNotObject saying %q", err, tt.want)
			}
			yaml := "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n"
			yaml = strings.Replace(yaml, tt.drop+":", "other:", 1)
			_, err = manifest.Decode([]byte(yaml))
			if !errors.Is(err, manifest.ErrNotObject) || !strings.Contains(err.Error(), tt.decoded) {
				t.Errorf("Decode: %v, want ErrNotObject saying %q", err, tt.decoded)
			}
		})
	}
	generated := deploymentMap()
	generated["metadata"] = map[string]any{"generateName": "api-"}
	if _, err := manifest.FromMap(generated); err != nil {
		t.Errorf("an object to be named by the API server (generateName): %v", err)
	}
	if _, err := manifest.FromMap(nil); !errors.Is(err, manifest.ErrNotObject) {
		t.Errorf("nil map: %v", err)
	}
}

func TestDecodeReadsOneObjectAsLoadDoes(t *testing.T) {
	yaml := "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: 0x10\n  paused: yes\n"
	obj, err := manifest.Decode([]byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	spec := obj.Content()["spec"].(map[string]any)
	if spec["replicas"] != int64(16) || spec["paused"] != true {
		t.Errorf("spec %v, want YAML 1.1 as Kubernetes reads it", spec)
	}
	if line, exact := obj.Positions().Line("spec", "paused"); line != 7 || !exact {
		t.Errorf("spec.paused at line %d (exact %v), want 7", line, exact)
	}
	json := `{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "shop"}}`
	svc, err := manifest.Decode([]byte(json))
	if err != nil || svc.Kind != "Service" || svc.Namespace != "shop" {
		t.Errorf("JSON: %+v, %v", svc, err)
	}
	for name, src := range map[string]string{
		"two documents": yaml + "---\n" + yaml,
		"a List":        "apiVersion: v1\nkind: List\nitems:\n- " + strings.ReplaceAll(strings.TrimSpace(yaml), "\n", "\n  ") + "\n",
		"no object":     "replicas: 3\n",
		"empty":         "",
		"malformed":     "apiVersion: v1\nkind: [\n",
	} {
		if obj, err := manifest.Decode([]byte(src)); err == nil {
			t.Errorf("%s: decoded %+v, want an error", name, obj)
		}
	}
}
