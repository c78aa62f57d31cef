package engine_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/prodready/prodready/pkg/engine"
)

func TestProgressCountsEveryObject(t *testing.T) {
	var got []int
	eng, err := engine.New(engine.WithWorkers(2), engine.WithProgress(func(done int) { got = append(got, done) }))
	if err != nil {
		t.Fatal(err)
	}
	// The ConfigMap no rule looks at is done from the start.
	objs := parse(t, "all.yaml", deployment+"---\n"+deployment+"---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n")
	if _, err := eng.Evaluate(context.Background(), objs); err != nil {
		t.Fatal(err)
	}
	if want := []int{1, 2, 3}; !reflect.DeepEqual(got, want) {
		t.Errorf("progress calls %v, want %v", got, want)
	}
}
