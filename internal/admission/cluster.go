package admission

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	constraintclient "github.com/open-policy-agent/frameworks/constraint/pkg/client"
	"github.com/open-policy-agent/frameworks/constraint/pkg/client/drivers/rego"
	"github.com/open-policy-agent/frameworks/constraint/pkg/client/reviews"
	"github.com/open-policy-agent/frameworks/constraint/pkg/types"
	"github.com/open-policy-agent/gatekeeper/v3/apis"
	"github.com/open-policy-agent/gatekeeper/v3/pkg/gator/reader"
	mutationtypes "github.com/open-policy-agent/gatekeeper/v3/pkg/mutation/types"
	"github.com/open-policy-agent/gatekeeper/v3/pkg/target"
	"github.com/open-policy-agent/gatekeeper/v3/pkg/util"
	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	k8stypes "k8s.io/apimachinery/pkg/types"
)

// Cluster is Gatekeeper's policy client as its webhook and audit run it:
// the bundle's templates and constraints, and the objects synced so far.
type Cluster struct {
	client *constraintclient.Client
}

// Violation is one violation Gatekeeper reports on an object: the rule
// (from its details), the action it takes at the enforcement point
// reviewed (deny, warn or dryrun) and the message.
type Violation struct {
	Rule, Action, Msg string
}

// New loads the templates and constraints of the Gatekeeper bundle in dir
// (templates/, constraints/) into a client that serves the webhook, audit
// and gator enforcement points.
func New(ctx context.Context, dir string) (*Cluster, error) {
	driver, err := rego.New()
	if err != nil {
		return nil, err
	}
	client, err := constraintclient.NewClient(
		constraintclient.Targets(&target.K8sValidationTarget{}),
		constraintclient.Driver(driver),
		constraintclient.EnforcementPoints(util.WebhookEnforcementPoint, util.AuditEnforcementPoint, util.GatorEnforcementPoint))
	if err != nil {
		return nil, err
	}
	scheme := runtime.NewScheme()
	if err := apis.AddToScheme(scheme); err != nil {
		return nil, err
	}
	for _, step := range []string{"templates", "constraints"} {
		objs := readDir(filepath.Join(dir, step), &err)
		if err == nil && len(objs) == 0 {
			return nil, fmt.Errorf("%s: no %s", filepath.Join(dir, step), step)
		}
		for _, u := range objs {
			if u.GetKind() == "Kustomization" {
				continue
			}
			if step == "templates" {
				tmpl, terr := reader.ToTemplate(scheme, u)
				if terr != nil {
					return nil, fmt.Errorf("%s: %w", u.GetName(), terr)
				}
				_, err = client.AddTemplate(ctx, tmpl)
			} else {
				_, err = client.AddConstraint(ctx, u)
			}
			if err != nil {
				return nil, fmt.Errorf("%s %s: %w", u.GetKind(), u.GetName(), err)
			}
		}
		if err != nil {
			return nil, err
		}
	}
	return &Cluster{client: client}, nil
}

// readDir reads every YAML file of dir, setting *err on failure.
func readDir(dir string, err *error) []*unstructured.Unstructured {
	files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	slices.Sort(files)
	var out []*unstructured.Unstructured
	for _, f := range files {
		data, rerr := os.ReadFile(f)
		if rerr != nil {
			*err = rerr
			return nil
		}
		objs, rerr := reader.ReadUnstructureds(data)
		if rerr != nil {
			*err = fmt.Errorf("%s: %w", f, rerr)
			return nil
		}
		out = append(out, objs...)
	}
	return out
}

// Admit is the webhook's review of a CREATE of obj: what it denies and
// what it warns about, judged against the objects synced so far.
func (c *Cluster) Admit(ctx context.Context, obj *unstructured.Unstructured) ([]Violation, error) {
	review, err := createReview(obj)
	if err != nil {
		return nil, err
	}
	return c.review(ctx, review, util.WebhookEnforcementPoint)
}

// createReview is the review Gatekeeper's webhook makes of a CREATE of obj.
func createReview(obj *unstructured.Unstructured) (*target.AugmentedReview, error) {
	raw, err := json.Marshal(obj.Object)
	if err != nil {
		return nil, err
	}
	gvk := obj.GroupVersionKind()
	req := &admissionv1.AdmissionRequest{
		UID:       k8stypes.UID("replay"),
		Kind:      metav1.GroupVersionKind{Group: gvk.Group, Version: gvk.Version, Kind: gvk.Kind},
		Name:      obj.GetName(),
		Namespace: obj.GetNamespace(),
		Operation: admissionv1.Create,
		Object:    runtime.RawExtension{Raw: raw},
	}
	return &target.AugmentedReview{AdmissionRequest: req, Source: mutationtypes.SourceTypeOriginal, IsAdmission: true}, nil
}

// Audit is the audit's review of obj, against the objects synced.
func (c *Cluster) Audit(ctx context.Context, obj *unstructured.Unstructured) ([]Violation, error) {
	return c.review(ctx, &target.AugmentedUnstructured{Object: *obj, Source: mutationtypes.SourceTypeOriginal}, util.AuditEnforcementPoint)
}

func (c *Cluster) review(ctx context.Context, review any, point string) ([]Violation, error) {
	resp, err := c.client.Review(ctx, review, reviews.EnforcementPoint(point))
	if err != nil {
		return nil, err
	}
	var out []Violation
	for _, r := range resp.Results() {
		for _, action := range actions(r) {
			out = append(out, Violation{Rule: rule(r), Action: action, Msg: r.Msg})
		}
	}
	return out, nil
}

// rule is the rule a result names in its details.
func rule(r *types.Result) string {
	details, _ := r.Metadata["details"].(map[string]any)
	id, _ := details["rule"].(string)
	return id
}

// actions are what Gatekeeper does with a result at the point reviewed:
// its enforcementAction, or for a scoped one the actions of that point
// (the client has kept only those).
func actions(r *types.Result) []string {
	if r.EnforcementAction == string(util.Scoped) {
		return r.ScopedEnforcementActions
	}
	return []string{r.EnforcementAction}
}

// Sync adds obj to the cache the cross-object rules read
// (data.inventory), as Gatekeeper's sync does once the API server holds it.
func (c *Cluster) Sync(ctx context.Context, obj *unstructured.Unstructured) error {
	_, err := c.client.AddData(ctx, obj)
	return err
}

// Forget removes obj from the cache.
func (c *Cluster) Forget(ctx context.Context, obj *unstructured.Unstructured) error {
	_, err := c.client.RemoveData(ctx, obj)
	return err
}
