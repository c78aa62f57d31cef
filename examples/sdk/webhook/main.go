// Command webhook is a validating admission webhook built on the prodready
// SDK: the API server sends an admission/v1 AdmissionReview, the webhook
// evaluates the object and answers with the same uid: denied, with the
// findings that fail at the threshold as the reason, or allowed, with the
// other findings as warnings that kubectl prints.
//
//	webhook --cert tls.crt --key tls.key [--addr :8443] [--fail-on high]
//
// Only rules that judge an object by itself deny here. A cross-object rule
// (pdb-missing: "no budget selects these pods") sees no other object in a
// review, so its findings are only warnings: an apply is never refused
// because its budget comes in the next file. prodready check in CI, or
// Gatekeeper's audit, judges those on the whole input.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log"
	"net/http"
	"strings"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/prodready/prodready/pkg/engine"
	"github.com/prodready/prodready/pkg/manifest"
	"github.com/prodready/prodready/pkg/policy"
)

// maxReview bounds a request body: an UPDATE's review holds the object and
// its old self, each at most the API server's 3 MiB request limit.
const maxReview = 6 << 20

// maxWarning keeps a warning short: the API server truncates long ones,
// and kubectl prints each on a line.
const maxWarning = 200

func main() {
	addr := flag.String("addr", ":8443", "address to listen on")
	cert := flag.String("cert", "", "TLS certificate file (the API server calls webhooks over TLS only)")
	key := flag.String("key", "", "TLS key file")
	failOn := flag.String("fail-on", "high", "deny objects with findings at or above this severity")
	flag.Parse()
	threshold, err := policy.ParseSeverity(*failOn)
	if err != nil {
		log.Fatal(err)
	}
	eng, err := engine.New()
	if err != nil {
		log.Fatal(err)
	}
	http.Handle("/validate", NewWebhook(eng, threshold))
	log.Fatal(http.ListenAndServeTLS(*addr, *cert, *key, nil))
}

// Webhook answers AdmissionReviews. It is safe for concurrent use, as the
// Engine is.
type Webhook struct {
	Engine *engine.Engine
	FailOn policy.Severity
	// Timeout bounds an evaluation, well inside the webhook's own
	// timeoutSeconds (10 s by default).
	Timeout time.Duration
	// crossObject are the rules that read other objects: they warn only.
	crossObject map[string]bool
}

// NewWebhook is a Webhook denying what eng finds at failOn or above.
func NewWebhook(eng *engine.Engine, failOn policy.Severity) *Webhook {
	h := &Webhook{Engine: eng, FailOn: failOn, Timeout: 2 * time.Second, crossObject: map[string]bool{}}
	for _, r := range eng.Rules() {
		h.crossObject[r.ID] = r.CrossObject
	}
	return h
}

func (h *Webhook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "POST an AdmissionReview", http.StatusMethodNotAllowed)
		return
	}
	var review admissionv1.AdmissionReview
	err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxReview)).Decode(&review)
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		http.Error(w, fmt.Sprintf("review larger than %d bytes", maxReview), http.StatusRequestEntityTooLarge)
		return
	case err != nil:
		http.Error(w, "not an AdmissionReview: "+err.Error(), http.StatusBadRequest)
		return
	case review.Request == nil:
		http.Error(w, "AdmissionReview without a request", http.StatusBadRequest)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), h.Timeout)
	defer cancel()
	review.Response = h.review(ctx, review.Request)
	review.Response.UID = review.Request.UID
	review.Request = nil // the answer carries the response only
	w.Header().Set("Content-Type", "application/json")
	if err := json.NewEncoder(w).Encode(review); err != nil {
		log.Printf("writing the response: %v", err)
	}
}

// review judges the request's object. It fails open: an object it cannot
// read or evaluate is allowed with a warning saying why, so that the
// webhook never blocks the cluster for its own trouble.
func (h *Webhook) review(ctx context.Context, req *admissionv1.AdmissionRequest) *admissionv1.AdmissionResponse {
	if req.Operation == admissionv1.Delete || len(req.Object.Raw) == 0 {
		return &admissionv1.AdmissionResponse{Allowed: true}
	}
	obj, err := manifest.Decode(req.Object.Raw)
	if err != nil {
		return &admissionv1.AdmissionResponse{Allowed: true, Warnings: []string{short("prodready could not read the object: " + err.Error())}}
	}
	res, err := h.Engine.Evaluate(ctx, []*manifest.Object{obj})
	if err != nil {
		return &admissionv1.AdmissionResponse{Allowed: true, Warnings: []string{short("prodready could not evaluate the object: " + err.Error())}}
	}
	var denied, warnings []string
	for _, f := range res.Findings {
		line := fmt.Sprintf("%s (%s): %s", f.Rule, f.Severity, f.Message)
		if f.Fails(h.FailOn) && !h.crossObject[f.Rule] {
			denied = append(denied, line)
		} else {
			warnings = append(warnings, short(line))
		}
	}
	if len(denied) > 0 {
		return &admissionv1.AdmissionResponse{Allowed: false, Warnings: warnings, Result: &metav1.Status{
			Status: metav1.StatusFailure, Code: http.StatusForbidden, Reason: metav1.StatusReasonForbidden,
			Message: fmt.Sprintf("prodready: %s %s/%s fails %d rule(s) at %s or above: %s",
				obj.Kind, obj.Namespace, obj.Name, len(denied), h.FailOn, strings.Join(denied, "; ")),
		}}
	}
	return &admissionv1.AdmissionResponse{Allowed: true, Warnings: warnings}
}

func short(s string) string {
	if r := []rune(s); len(r) > maxWarning {
		return string(r[:maxWarning-1]) + "…"
	}
	return s
}
