// Package sariftest validates SARIF logs against the OASIS SARIF 2.1.0 JSON
// schema (pkg/report/sarif/testdata), for the tests of every package that
// writes one.
package sariftest

import (
	"bytes"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

var (
	once   sync.Once
	schema *jsonschema.Schema
	err    error
)

// SchemaFile is the schema's path; it sits beside this package's source.
func SchemaFile() string {
	_, self, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(self), "..", "..", "pkg", "report", "sarif", "testdata", "sarif-schema-2.1.0.json")
}

func compile() (*jsonschema.Schema, error) {
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	return c.Compile(SchemaFile())
}

// Validate fails t unless log is valid SARIF 2.1.0, formats (uri,
// uri-reference) asserted.
func Validate(t testing.TB, log []byte) {
	t.Helper()
	once.Do(func() { schema, err = compile() })
	if err != nil {
		t.Fatalf("compiling the SARIF schema: %v", err)
	}
	inst, uerr := jsonschema.UnmarshalJSON(bytes.NewReader(log))
	if uerr != nil {
		t.Fatalf("SARIF log is not JSON: %v", uerr)
	}
	if verr := schema.Validate(inst); verr != nil {
		t.Errorf("SARIF log does not validate against the 2.1.0 schema: %v", verr)
	}
}
