package manifest

import (
	"context"
	"reflect"
	"testing"
)

func TestProgressCountsDocumentsInOrder(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"a.yaml": obj("Service", "a") + "---\n" + obj("Service", "b") + "---\nvalues: 1\n",
		"b.yaml": obj("ConfigMap", "c"),
	})
	var got []int
	res := Load(context.Background(), []string{dir}, Options{Workers: 3, Progress: func(docs int) { got = append(got, docs) }})
	if want := []int{1, 2, 3, 4}; !reflect.DeepEqual(got, want) {
		t.Errorf("progress calls %v, want %v (every document, skipped ones too)", got, want)
	}
	if len(res.Objects) != 3 {
		t.Errorf("objects %v", where(dir, res))
	}
}
