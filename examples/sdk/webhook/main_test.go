package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	admissionv1 "k8s.io/api/admission/v1"

	"github.com/prodready/prodready/pkg/engine"
	"github.com/prodready/prodready/pkg/policy"
)

// review is an AdmissionReview as the API server sends it for a CREATE,
// with the object in it.
func review(uid, operation, object string) string {
	return `{
  "kind": "AdmissionReview",
  "apiVersion": "admission.k8s.io/v1",
  "request": {
    "uid": "` + uid + `",
    "kind": {"group": "apps", "version": "v1", "kind": "Deployment"},
    "resource": {"group": "apps", "version": "v1", "resource": "deployments"},
    "requestKind": {"group": "apps", "version": "v1", "kind": "Deployment"},
    "requestResource": {"group": "apps", "version": "v1", "resource": "deployments"},
    "name": "api",
    "namespace": "shop",
    "operation": "` + operation + `",
    "userInfo": {"username": "kubernetes-admin", "groups": ["kubeadm:cluster-admins", "system:authenticated"]},
    "object": ` + object + `,
    "oldObject": null,
    "dryRun": false,
    "options": {"kind": "CreateOptions", "apiVersion": "meta.k8s.io/v1", "fieldManager": "kubectl-client-side-apply", "fieldValidation": "Strict"}
  }
}`
}

// deployment is a Deployment as kubectl sends it, with the given metadata
// and container fields.
func deployment(metadata, container string) string {
	return `{
  "apiVersion": "apps/v1", "kind": "Deployment",
  "metadata": {` + metadata + `, "namespace": "shop", "creationTimestamp": null},
  "spec": {
    "replicas": 3,
    "selector": {"matchLabels": {"app": "api"}},
    "template": {
      "metadata": {"labels": {"app": "api"}},
      "spec": {
        "topologySpreadConstraints": [{"maxSkew": 1, "topologyKey": "topology.kubernetes.io/zone", "whenUnsatisfiable": "ScheduleAnyway", "labelSelector": {"matchLabels": {"app": "api"}}}],
        "containers": [{"name": "app", "image": "registry.example/api:1.4.2", "ports": [{"containerPort": 8080}]` + container + `}]
      }
    }
  },
  "status": {}
}`
}

const healthy = `,
  "resources": {"requests": {"cpu": "250m", "memory": "256Mi"}, "limits": {"memory": "384Mi"}},
  "readinessProbe": {"httpGet": {"path": "/ready", "port": 8080}, "periodSeconds": 5},
  "livenessProbe": {"httpGet": {"path": "/live", "port": 8080}, "periodSeconds": 10, "failureThreshold": 3}`

func server(t *testing.T) *httptest.Server {
	t.Helper()
	eng, err := engine.New()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(NewWebhook(eng, policy.High))
	t.Cleanup(srv.Close)
	return srv
}

func post(t *testing.T, srv *httptest.Server, body string) (int, *admissionv1.AdmissionResponse) {
	t.Helper()
	resp, err := http.Post(srv.URL, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return resp.StatusCode, nil
	}
	var out admissionv1.AdmissionReview
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	if out.Kind != "AdmissionReview" || out.APIVersion != "admission.k8s.io/v1" || out.Response == nil {
		t.Fatalf("answer %+v: want an admission.k8s.io/v1 AdmissionReview with a response", out)
	}
	return resp.StatusCode, out.Response
}

func TestReviews(t *testing.T) {
	srv := server(t)
	for _, tt := range []struct {
		name    string
		body    string
		allowed bool
		denied  []string // rule IDs in the reason
		warned  []string // rule IDs in the warnings
	}{
		// pdb-missing (high) reads other objects: a review holds none, so
		// it warns, and the apply goes on whatever order the files come in.
		{"a good Deployment", review("uid-good", "CREATE", deployment(`"name": "api"`, healthy)), true, nil, []string{"pdb-missing"}},
		{"no probes nor requests", review("uid-bad", "CREATE", deployment(`"name": "api"`, "")), false, []string{"readiness-probe-missing", "memory-request-missing"}, []string{"pdb-missing"}},
		{"generateName, no name yet", review("uid-gen", "CREATE", deployment(`"generateName": "api-"`, "")), false, []string{"readiness-probe-missing"}, nil},
		{"exempted by its annotation", review("uid-exempt", "CREATE", deployment(`"name": "api", "annotations": {"prodready.dev/exempt": "readiness-probe-missing, memory-request-missing, liveness-probe-missing", "prodready.dev/exempt-reason": "a batch job behind a queue"}`, "")), true, nil, []string{"pdb-missing"}},
		{"a DELETE", strings.Replace(review("uid-delete", "DELETE", "null"), `"oldObject": null`, `"oldObject": `+deployment(`"name": "api"`, ""), 1), true, nil, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, resp := post(t, srv, tt.body)
			if code != http.StatusOK {
				t.Fatalf("status %d", code)
			}
			uid := tt.body[strings.Index(tt.body, `"uid": "`)+8:]
			uid = uid[:strings.Index(uid, `"`)]
			if string(resp.UID) != uid {
				t.Errorf("uid %q, want %q echoed", resp.UID, uid)
			}
			if resp.Allowed != tt.allowed {
				t.Errorf("allowed %v, want %v (%+v)", resp.Allowed, tt.allowed, resp.Result)
			}
			for _, rule := range tt.denied {
				if resp.Result == nil || resp.Result.Code != http.StatusForbidden || !strings.Contains(resp.Result.Message, rule) {
					t.Errorf("result %+v: want 403 naming %s", resp.Result, rule)
				}
			}
			for _, rule := range tt.warned {
				if !strings.Contains(strings.Join(resp.Warnings, "\n"), rule) {
					t.Errorf("warnings %q lack %s", resp.Warnings, rule)
				}
			}
			for _, w := range resp.Warnings {
				if len([]rune(w)) > maxWarning {
					t.Errorf("warning of %d characters: %s", len(w), w)
				}
			}
		})
	}
}

// TestBadRequests: what is no review is refused with the HTTP status that
// says why, never a panic or a review allowed by mistake.
func TestBadRequests(t *testing.T) {
	srv := server(t)
	huge := review("uid-huge", "CREATE", deployment(`"name": "api", "annotations": {"blob": "`+strings.Repeat("x", maxReview)+`"}`, ""))
	for _, tt := range []struct {
		name string
		body string
		want int
	}{
		{"malformed JSON", `{"kind": "AdmissionReview", "request": {`, http.StatusBadRequest},
		{"no request", `{"kind": "AdmissionReview", "apiVersion": "admission.k8s.io/v1"}`, http.StatusBadRequest},
		{"oversized", huge, http.StatusRequestEntityTooLarge},
	} {
		if code, _ := post(t, srv, tt.body); code != tt.want {
			t.Errorf("%s: status %d, want %d", tt.name, code, tt.want)
		}
	}
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET: status %d, want 405", resp.StatusCode)
	}
}

// TestUnreadableObjectIsAllowedWithAWarning: the webhook fails open.
func TestUnreadableObjectIsAllowedWithAWarning(t *testing.T) {
	srv := server(t)
	_, resp := post(t, srv, review("uid-odd", "CREATE", `{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"namespace": "shop"}}`))
	if !resp.Allowed || len(resp.Warnings) != 1 || !strings.Contains(resp.Warnings[0], "no metadata.name") {
		t.Errorf("response %+v: want allowed with a warning naming the missing name", resp)
	}
}
