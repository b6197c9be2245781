package main

import (
	"io"

	"github.com/vigilhealth/vigil/internal/atomicfile"
	"github.com/vigilhealth/vigil/internal/report"
)

// writeDoc writes the report as format (pdf, or else HTML) through
// atomicfile, so a reader never sees half a report.
func writeDoc(path, format string, doc *report.Doc) error {
	return atomicfile.WriteFunc(path, 0o644, func(w io.Writer) error {
		if format == "pdf" {
			return report.WritePDF(w, doc)
		}
		return report.WriteHTML(w, doc)
	})
}
