// Package jsonreport writes a report as one JSON object: the stable
// contract for scripts ({"findings": [...], "summary": {...}, "errors": [...]}).
package jsonreport

import (
	"encoding/json"
	"io"

	"github.com/prodready/prodready/pkg/report"
)

// Write writes r as indented JSON.
func Write(w io.Writer, r *report.Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}
