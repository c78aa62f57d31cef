package engine

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/prodready/prodready/pkg/manifest"
)

const cronJob = `apiVersion: batch/v1
kind: CronJob
metadata:
  name: report
spec:
  jobTemplate:
    spec:
      template:
        spec:
          initContainers:
            - name: migrate
          containers:
            - name: report
              resources:
                limits: {memory: 1Gi}
`

func TestLocate(t *testing.T) {
	objs := manifest.Parse("cron.yaml", []byte(cronJob)).Objects
	pod := &manifest.Object{Kind: "Pod", Line: 3, Value: ast.MustParseTerm(`{"spec": {"containers": [{"name": "app"}]}}`).Value.(ast.Object)}
	for _, tt := range []struct {
		obj   *manifest.Object
		body  string
		field string
		line  int
	}{
		{objs[0], `{"msg": "m"}`, "", 1},
		{objs[0], `{"container": "report"}`, "spec.jobTemplate.spec.template.spec.containers[report]", 13},
		{objs[0], `{"container": "migrate"}`, "spec.jobTemplate.spec.template.spec.initContainers[migrate]", 11},
		{objs[0], `{"container": "report", "field": ["resources", "limits", "memory"]}`, "spec.jobTemplate.spec.template.spec.containers[report].resources.limits.memory", 15},
		// Not written out: the deepest part that is.
		{objs[0], `{"container": "report", "field": ["livenessProbe"]}`, "spec.jobTemplate.spec.template.spec.containers[report].livenessProbe", 13},
		{objs[0], `{"field": ["spec", "schedule"]}`, "spec.schedule", 5},
		{objs[0], `{"field": ["metadata", "annotations", "prodready.dev/exempt"]}`, `metadata.annotations["prodready.dev/exempt"]`, 3},
		// A container the object lacks, a field that is not a path: the object.
		{objs[0], `{"container": "nope"}`, "", 1},
		{objs[0], `{"field": "spec"}`, "", 1},
		{objs[0], `{"field": ["spec", -1]}`, "", 1},
		// An object built in code has no document: its own line.
		{pod, `{"container": "app"}`, "spec.containers[app]", 3},
	} {
		d := json.NewDecoder(strings.NewReader(tt.body))
		d.UseNumber()
		var body map[string]any
		if err := d.Decode(&body); err != nil {
			t.Fatal(err)
		}
		field, line, _ := (&locator{obj: tt.obj}).locate(body)
		if field != tt.field || line != tt.line {
			t.Errorf("%s: %q line %d; want %q line %d", tt.body, field, line, tt.field, tt.line)
		}
	}
}
