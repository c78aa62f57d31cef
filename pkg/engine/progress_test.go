package engine_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/prodready/prodready/pkg/engine"
)

func TestProgressCountsEveryObject(t *testing.T) {
	var got [][2]int
	eng, err := engine.New(engine.WithWorkers(2), engine.WithProgress(func(done, total int) { got = append(got, [2]int{done, total}) }))
	if err != nil {
		t.Fatal(err)
	}
	// The ConfigMap no rule looks at is done once visited; the Deployments
	// once the cross-object rules ran.
	objs := parse(t, "all.yaml", deployment+"---\n"+deployment+"---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n")
	if _, err := eng.Evaluate(context.Background(), objs); err != nil {
		t.Fatal(err)
	}
	if want := [][2]int{{0, 3}, {1, 3}, {2, 3}, {3, 3}}; !reflect.DeepEqual(got, want) {
		t.Errorf("progress calls %v, want %v", got, want)
	}
}
