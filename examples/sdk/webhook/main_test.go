package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	admissionv1 "k8s.io/api/admission/v1"

	"github.com/prodready/prodready/pkg/engine"
	"github.com/prodready/prodready/pkg/policy"
)

// review is an AdmissionReview as the API server sends it. name is ""
// for an object not named yet (generateName); object and oldObject are
// JSON, "null" for none.
func review(uid, operation, name, object, oldObject string) string {
	nameField := ""
	if name != "" {
		nameField = fmt.Sprintf(`"name": %q,`, name)
	}
	options := map[string]string{"CREATE": "CreateOptions", "UPDATE": "UpdateOptions", "DELETE": "DeleteOptions"}[operation]
	return fmt.Sprintf(`{
  "kind": "AdmissionReview",
  "apiVersion": "admission.k8s.io/v1",
  "request": {
    "uid": %q,
    "kind": {"group": "apps", "version": "v1", "kind": "Deployment"},
    "resource": {"group": "apps", "version": "v1", "resource": "deployments"},
    "requestKind": {"group": "apps", "version": "v1", "kind": "Deployment"},
    "requestResource": {"group": "apps", "version": "v1", "resource": "deployments"},
    %s
    "namespace": "shop",
    "operation": %q,
    "userInfo": {"username": "kubernetes-admin", "groups": ["kubeadm:cluster-admins", "system:authenticated"]},
    "object": %s,
    "oldObject": %s,
    "dryRun": false,
    "options": {"kind": %q, "apiVersion": "meta.k8s.io/v1", "fieldManager": "kubectl-client-side-apply", "fieldValidation": "Strict"}
  }
}`, uid, nameField, operation, object, oldObject, options)
}

// deployment is a Deployment as a validating webhook receives it: defaulted
// by the API server. metadata is its metadata's identity (name or
// generateName) and annotations; container adds fields to its container.
func deployment(metadata, container string) string {
	return `{
  "kind": "Deployment",
  "apiVersion": "apps/v1",
  "metadata": {` + metadata + `,
    "namespace": "shop",
    "uid": "0f3c1e0a-8d7e-4a59-9c51-2f0c2b7d9a11",
    "generation": 1,
    "creationTimestamp": "2026-03-02T10:15:00Z",
    "labels": {"app": "api"},
    "managedFields": [{"manager": "kubectl-client-side-apply", "operation": "Update", "apiVersion": "apps/v1", "time": "2026-03-02T10:15:00Z", "fieldsType": "FieldsV1", "fieldsV1": {"f:spec": {"f:replicas": {}}}}]
  },
  "spec": {
    "replicas": 3,
    "selector": {"matchLabels": {"app": "api"}},
    "template": {
      "metadata": {"creationTimestamp": null, "labels": {"app": "api"}},
      "spec": {
        "containers": [{
          "name": "app",
          "image": "registry.example/api:1.4.2",
          "ports": [{"containerPort": 8080, "protocol": "TCP"}],
          "terminationMessagePath": "/dev/termination-log",
          "terminationMessagePolicy": "File",
          "imagePullPolicy": "IfNotPresent"` + container + `
        }],
        "topologySpreadConstraints": [{"maxSkew": 1, "topologyKey": "topology.kubernetes.io/zone", "whenUnsatisfiable": "ScheduleAnyway", "labelSelector": {"matchLabels": {"app": "api"}}}],
        "restartPolicy": "Always",
        "terminationGracePeriodSeconds": 30,
        "dnsPolicy": "ClusterFirst",
        "securityContext": {},
        "schedulerName": "default-scheduler"
      }
    },
    "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}},
    "revisionHistoryLimit": 10,
    "progressDeadlineSeconds": 600
  },
  "status": {}
}`
}

// unready is what a container lacks to be judged fit: no resources, no probes.
const unready = `,
          "resources": {}`

// ready is a container with requests, a memory limit and both probes.
const ready = `,
          "resources": {"requests": {"cpu": "250m", "memory": "256Mi"}, "limits": {"memory": "384Mi"}},
          "readinessProbe": {"httpGet": {"path": "/ready", "port": 8080, "scheme": "HTTP"}, "timeoutSeconds": 1, "periodSeconds": 5, "successThreshold": 1, "failureThreshold": 3},
          "livenessProbe": {"httpGet": {"path": "/live", "port": 8080, "scheme": "HTTP"}, "timeoutSeconds": 1, "periodSeconds": 10, "successThreshold": 1, "failureThreshold": 3}`

const configMap = `{"kind": "ConfigMap", "apiVersion": "v1", "metadata": {"name": "settings", "namespace": "shop", "uid": "5b0f9a7e-3c1d-4e2f-8a6b-7c9d0e1f2a3b"}, "data": {"LOG_LEVEL": "info"}}`

func TestReviews(t *testing.T) {
	srv := server(t)
	for _, tt := range []struct {
		name    string
		uid     string
		body    string
		allowed bool
		denied  []string // in the reason: rule IDs and words of their messages
		warned  []string // in the warnings
		quiet   []string // in neither
	}{
		// pdb-missing (high) needs the other objects: a review holds none,
		// so it warns, whatever order the documents are applied in.
		{"a good Deployment", "7a1c", review("7a1c", "CREATE", "api", deployment(`"name": "api"`, ready), "null"),
			true, nil, []string{"[pdb-missing]"}, nil},
		{"no probes nor resources", "7a1d", review("7a1d", "CREATE", "api", deployment(`"name": "api"`, unready), "null"),
			false, []string{"[readiness-probe-missing]", "has no readinessProbe", "[memory-request-missing]"},
			[]string{"[pdb-missing]", "[liveness-probe-missing]"}, nil}, // medium: warned only
		// The API server names the object before validating webhooks see
		// it; a review may still come without a name (from a mutating
		// registration, or another client): it is judged all the same.
		{"generateName, no name yet", "7a1e", review("7a1e", "CREATE", "", deployment(`"generateName": "api-"`, unready), "null"),
			false, []string{"[readiness-probe-missing]", "[memory-request-missing]"}, nil, nil},
		{"exempted by its annotations", "7a1f", review("7a1f", "CREATE", "api", deployment(`"name": "api", "annotations": {`+
			`"prodready.dev/exempt": "readiness-probe-missing,memory-request-missing", "prodready.dev/exempt-reason": "a batch consumer behind a queue"}`, unready), "null"),
			true, nil, []string{"[pdb-missing]", "[liveness-probe-missing]"}, []string{"readiness-probe-missing", "memory-request-missing"}},
		{"an UPDATE that fixes it", "7a20", review("7a20", "UPDATE", "api", deployment(`"name": "api"`, ready), deployment(`"name": "api"`, unready)),
			true, nil, []string{"[pdb-missing]"}, []string{"readiness-probe-missing"}},
		{"a DELETE", "7a21", review("7a21", "DELETE", "api", "null", deployment(`"name": "api"`, unready)),
			true, nil, nil, []string{"["}},
		{"a kind no rule judges", "7a22", review("7a22", "CREATE", "settings", configMap, "null"),
			true, nil, nil, []string{"["}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, resp := post(t, srv, tt.body)
			if code != http.StatusOK {
				t.Fatalf("status %d", code)
			}
			if string(resp.UID) != tt.uid {
				t.Errorf("uid %q, want %q echoed", resp.UID, tt.uid)
			}
			if resp.Allowed != tt.allowed {
				t.Errorf("allowed %v, want %v (%+v)", resp.Allowed, tt.allowed, resp.Result)
			}
			var reason string
			if !resp.Allowed {
				if resp.Result == nil || resp.Result.Code != http.StatusForbidden {
					t.Fatalf("denied with status %+v, want code 403", resp.Result)
				}
				reason = resp.Result.Message
			}
			warnings := strings.Join(resp.Warnings, "\n")
			for _, want := range tt.denied {
				if !strings.Contains(reason, want) {
					t.Errorf("reason %q lacks %q", reason, want)
				}
			}
			for _, want := range tt.warned {
				if !strings.Contains(warnings, want) || strings.Contains(reason, want) {
					t.Errorf("%q is not a warning only: warnings %q, reason %q", want, resp.Warnings, reason)
				}
			}
			for _, unwanted := range tt.quiet {
				if strings.Contains(warnings, unwanted) || strings.Contains(reason, unwanted) {
					t.Errorf("%q reported: warnings %q, reason %q", unwanted, resp.Warnings, reason)
				}
			}
			for _, w := range resp.Warnings {
				if n := len([]rune(w)); n > maxWarning {
					t.Errorf("warning of %d characters, want %d at most: %s", n, maxWarning, w)
				}
			}
		})
	}
}

// TestBadRequests: what is no review is refused with the HTTP status that
// says why, never answered with a review.
func TestBadRequests(t *testing.T) {
	srv := server(t)
	huge := deployment(`"name": "api", "annotations": {"blob": "`+strings.Repeat("x", maxReview)+`"}`, unready)
	for _, tt := range []struct {
		name        string
		method      string
		contentType string
		body        string
		want        int
	}{
		{"malformed JSON", http.MethodPost, "application/json", `{"kind": "AdmissionReview", "request": {`, http.StatusBadRequest},
		{"no request", http.MethodPost, "application/json", `{"kind": "AdmissionReview", "apiVersion": "admission.k8s.io/v1"}`, http.StatusBadRequest},
		{"oversized", http.MethodPost, "application/json", review("7a30", "CREATE", "api", huge, "null"), http.StatusRequestEntityTooLarge},
		{"not JSON", http.MethodPost, "application/yaml", "kind: AdmissionReview", http.StatusUnsupportedMediaType},
		{"a GET", http.MethodGet, "", "", http.StatusMethodNotAllowed},
	} {
		req, err := http.NewRequest(tt.method, srv.URL, strings.NewReader(tt.body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", tt.contentType)
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tt.want {
			t.Errorf("%s: status %d, want %d", tt.name, resp.StatusCode, tt.want)
		}
	}
}

// TestUnreadableObjectIsAllowedWithAWarning: the webhook fails open.
func TestUnreadableObjectIsAllowedWithAWarning(t *testing.T) {
	srv := server(t)
	_, resp := post(t, srv, review("7a40", "CREATE", "", `{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"namespace": "shop"}}`, "null"))
	if !resp.Allowed || len(resp.Warnings) != 1 || !strings.Contains(resp.Warnings[0], "no metadata.name") {
		t.Errorf("response %+v: want allowed with a warning naming the missing name", resp)
	}
}

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

// post sends body as the API server does and returns the status and, for
// a 200, the review's response.
func post(t *testing.T, srv *httptest.Server, body string) (int, *admissionv1.AdmissionResponse) {
	t.Helper()
	resp, err := srv.Client().Post(srv.URL, "application/json", strings.NewReader(body))
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
	if out.Kind != "AdmissionReview" || out.APIVersion != "admission.k8s.io/v1" || out.Response == nil || out.Request != nil {
		t.Fatalf("answer %+v: want an admission.k8s.io/v1 AdmissionReview with a response only", out)
	}
	return resp.StatusCode, out.Response
}
