package manifest

import "testing"

// positionsYAML has two documents, comments, an anchor used in another
// container and a merge key; lines are numbered in the comments.
const positionsYAML = `# a comment before the first document   1
---                                       # 2
apiVersion: v1                            # 3
kind: ConfigMap                           # 4
metadata: {name: cfg}                     # 5
---                                       # 6
# the workload                              7
apiVersion: apps/v1                       # 8
kind: Deployment                          # 9
metadata:                                 # 10
  name: api                               # 11
spec:                                     # 12
  template:                               # 13
    spec:                                 # 14
      containers:                         # 15
        # the app                           16
        - name: app                       # 17
          image: app:1                    # 18
          resources: &res                 # 19
            limits:                       # 20
              memory: 1Gi                 # 21
          livenessProbe:                  # 22
            <<: &probe {periodSeconds: 1} # 23
            failureThreshold: 1           # 24
        - name: sidecar                   # 25
          resources: *res                 # 26
`

func TestPositionsLine(t *testing.T) {
	r := Parse("p.yaml", []byte(positionsYAML))
	if len(r.Objects) != 2 || len(r.Errors) != 0 {
		t.Fatalf("got %d objects, errors %v", len(r.Objects), r.Errors)
	}
	if got, _ := r.Objects[0].Positions().Line("metadata", "name"); got != 5 {
		t.Errorf("ConfigMap name line %d, want 5", got)
	}
	pos := r.Objects[1].Positions()
	containers := []any{"spec", "template", "spec", "containers"}
	at := func(path ...any) []any { return append(append([]any(nil), containers...), path...) }
	for _, tt := range []struct {
		path  []any
		line  int
		exact bool
	}{
		{nil, 8, true},
		{[]any{"metadata", "name"}, 11, true},
		{at(0), 17, true},
		{at(0, "name"), 17, true},
		{at(0, "resources"), 19, true},
		{at(0, "resources", "limits", "memory"), 21, true},
		// Not written: the deepest part that is.
		{at(0, "resources", "requests", "cpu"), 19, false},
		{at(0, "readinessProbe"), 17, false},
		{at(5), 15, false},
		{[]any{"spec", "replicas"}, 12, false},
		// An alias is where it is used, not where its anchor is.
		{at(1, "resources"), 26, true},
		{at(1, "resources", "limits"), 26, false},
		// A merged key is where the merge key is; an own key where it is.
		{at(0, "livenessProbe", "periodSeconds"), 23, false},
		{at(0, "livenessProbe", "failureThreshold"), 24, true},
		// A key into a sequence, an index into a mapping: not there.
		{at("x"), 15, false},
		{[]any{"spec", 0}, 12, false},
	} {
		line, exact := pos.Line(tt.path...)
		if line != tt.line || exact != tt.exact {
			t.Errorf("Line(%v) = %d, %v; want %d, %v", tt.path, line, exact, tt.line, tt.exact)
		}
	}
}

func TestPositionsListAndJSON(t *testing.T) {
	list := `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Pod
    metadata: {name: a}
    spec:
      containers: [{name: app}]
  - apiVersion: v1
    kind: Pod
    metadata:
      name: b
    spec:
      containers:
        - name: app
          image: x
`
	r := Parse("list.yaml", []byte(list))
	if len(r.Objects) != 2 {
		t.Fatalf("got %d objects", len(r.Objects))
	}
	for i, want := range []int{8, 15} {
		// Once for each item: the List's parsed document is shared.
		for range 2 {
			if got, _ := r.Objects[i].Positions().Line("spec", "containers", 0); got != want {
				t.Errorf("item %d: container line %d, want %d", i+1, got, want)
			}
		}
	}

	json := "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"Pod\",\n  \"metadata\": {\"name\": \"p\"},\n  \"spec\": {\n    \"containers\": [\n      {\n        \"name\": \"app\",\n        \"resources\": {}\n      }\n    ]\n  }\n}\n"
	r = Parse("pod.json", []byte(json))
	if len(r.Objects) != 1 {
		t.Fatalf("JSON: got %d objects, errors %v", len(r.Objects), r.Errors)
	}
	pos := r.Objects[0].Positions()
	if got, exact := pos.Line("spec", "containers", 0, "resources"); got != 9 || !exact {
		t.Errorf("JSON resources line %d (exact %v), want 9", got, exact)
	}
	if got, _ := pos.Line("spec", "containers", 0); got != 7 {
		t.Errorf("JSON container line %d, want 7", got)
	}
}

func TestPositionsWithoutDocument(t *testing.T) {
	o := &Object{Kind: "Pod", Line: 4}
	if got, exact := o.Positions().Line("spec"); got != 4 || exact {
		t.Errorf("an object built in code: line %d, exact %v; want 4, false", got, exact)
	}
}

func TestPositionsAfterCRLines(t *testing.T) {
	// The file's lines count "\n" only: a lone CR in a string is no break.
	doc := "apiVersion: v1\nkind: Pod\nmetadata: {name: \"a\rb\"}\nspec:\n  containers:\n    - name: app\n"
	r := Parse("cr.yaml", []byte(doc))
	if got, _ := r.Objects[0].Positions().Line("spec", "containers", 0); got != 6 {
		t.Errorf("container line %d, want 6", got)
	}
}
