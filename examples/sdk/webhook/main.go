// Command webhook is a validating admission webhook built on the prodready
// SDK: the API server POSTs an admission/v1 AdmissionReview, the webhook
// evaluates the object in it and answers with the request's uid: denied,
// with each finding that fails at the threshold as the reason, or allowed,
// with the other findings as warnings that kubectl prints.
//
//	webhook --cert tls.crt --key tls.key [--addr :8443] [--fail-on high]
//
// Register it (a ValidatingWebhookConfiguration) for CREATE and UPDATE of
// the workloads, at the path /validate, with failurePolicy Ignore: it
// fails open itself, allowing with a warning an object it cannot judge.
//
// Only rules that judge an object by itself deny. A cross-object rule
// (pdb-missing: "no budget selects these pods") sees no other object in a
// review, so its findings are warnings: an apply is never refused because
// its budget comes in the next document. `prodready check` in CI, or
// Gatekeeper's audit, judges those on the whole input.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log"
	"mime"
	"net/http"
	"strings"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/prodready/prodready/pkg/engine"
	"github.com/prodready/prodready/pkg/manifest"
	"github.com/prodready/prodready/pkg/policy"
)

// maxReview bounds a request body. The API server takes requests of up to
// 3 MiB, and an UPDATE's review holds the object and its old self.
const maxReview = 6 << 20

// maxWarning is the longest warning sent, in characters: the API asks for
// 120 at most, and the API server may truncate those over 256.
const maxWarning = 120

func main() {
	addr := flag.String("addr", ":8443", "address to listen on")
	cert := flag.String("cert", "", "TLS certificate file (the API server calls webhooks over HTTPS only)")
	key := flag.String("key", "", "TLS private key file")
	failOn := flag.String("fail-on", "high", "deny objects with findings at or above this severity")
	flag.Parse()
	if *cert == "" || *key == "" {
		log.Fatal("webhook: --cert and --key are required")
	}
	threshold, err := policy.ParseSeverity(*failOn)
	if err != nil {
		log.Fatal(err)
	}
	eng, err := engine.New()
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/validate", NewWebhook(eng, threshold))
	srv := &http.Server{
		Addr:              *addr,
		Handler:           mux,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      15 * time.Second,
	}
	log.Fatal(srv.ListenAndServeTLS(*cert, *key))
}

// Webhook answers AdmissionReviews. It is safe for concurrent use, as the
// Engine is.
type Webhook struct {
	Engine *engine.Engine
	FailOn policy.Severity
	// Timeout bounds an evaluation, well inside the webhook's
	// timeoutSeconds (10 s by default).
	Timeout time.Duration
	// crossObject are the rules that read other objects: they only warn.
	crossObject map[string]bool
}

// NewWebhook is a Webhook denying what eng finds at failOn or above.
func NewWebhook(eng *engine.Engine, failOn policy.Severity) *Webhook {
	h := &Webhook{Engine: eng, FailOn: failOn, Timeout: 3 * time.Second, crossObject: map[string]bool{}}
	for _, r := range eng.Rules() {
		h.crossObject[r.ID] = r.CrossObject
	}
	return h
}

func (h *Webhook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "POST an AdmissionReview", http.StatusMethodNotAllowed)
		return
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		http.Error(w, "an AdmissionReview is application/json", http.StatusUnsupportedMediaType)
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
	resp := h.review(ctx, review.Request)
	resp.UID = review.Request.UID
	// The answer is a review of the request's apiVersion, with the response only.
	w.Header().Set("Content-Type", "application/json")
	if err := json.NewEncoder(w).Encode(admissionv1.AdmissionReview{TypeMeta: review.TypeMeta, Response: resp}); err != nil {
		log.Printf("webhook: answering %s: %v", resp.UID, err)
	}
}

// review judges the request's object. It fails open: an object it cannot
// read is allowed with a warning saying why, so that the webhook's own
// trouble never blocks the cluster.
func (h *Webhook) review(ctx context.Context, req *admissionv1.AdmissionRequest) *admissionv1.AdmissionResponse {
	if req.Operation == admissionv1.Delete || len(req.Object.Raw) == 0 { // only an oldObject
		return &admissionv1.AdmissionResponse{Allowed: true}
	}
	obj, err := manifest.Decode(req.Object.Raw)
	if err != nil {
		return &admissionv1.AdmissionResponse{Allowed: true, Warnings: []string{short("prodready could not read the object: " + err.Error())}}
	}
	// Evaluate's error (a rule that failed or ran out of time) leaves the
	// other rules' findings: judge on those, and say what was not checked.
	res, err := h.Engine.Evaluate(ctx, []*manifest.Object{obj})
	var denied, warnings []string
	if err != nil {
		warnings = append(warnings, short("prodready could not run every rule: "+err.Error()))
	}
	for _, f := range res.Findings {
		if f.Fails(h.FailOn) && !h.crossObject[f.Rule] {
			denied = append(denied, fmt.Sprintf("[%s] %s", f.Rule, f.Message))
		} else {
			warnings = append(warnings, short(fmt.Sprintf("[%s] %s", f.Rule, f.Message)))
		}
	}
	if len(denied) == 0 {
		return &admissionv1.AdmissionResponse{Allowed: true, Warnings: warnings}
	}
	// kubectl prints the message after `denied the request: `, one finding
	// a line, as Gatekeeper does.
	return &admissionv1.AdmissionResponse{Allowed: false, Warnings: warnings, Result: &metav1.Status{
		Status:  metav1.StatusFailure,
		Code:    http.StatusForbidden,
		Reason:  metav1.StatusReasonForbidden,
		Message: fmt.Sprintf("prodready: %d finding(s) at %s or above:\n%s", len(denied), h.FailOn, strings.Join(denied, "\n")),
	}}
}

// short cuts s to maxWarning characters; `prodready explain RULE` says the rest.
func short(s string) string {
	if r := []rune(s); len(r) > maxWarning {
		return string(r[:maxWarning-1]) + "…"
	}
	return s
}
