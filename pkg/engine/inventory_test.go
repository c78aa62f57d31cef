package engine

import "testing"

func TestInventoryIndexesTheKindsRulesLookUp(t *testing.T) {
	e, err := New()
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{"LimitRange", "Deployment", "Rollout", "CronJob"} {
		if !e.indexed[kind] {
			t.Errorf("%s is not indexed", kind)
		}
	}
	for _, kind := range []string{"CustomResourceDefinition", "ConfigMap"} {
		if e.indexed[kind] {
			t.Errorf("%s is indexed though no rule looks it up", kind)
		}
	}
}
