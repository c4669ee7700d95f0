// Package report prints diagnostics in the formats editors and CI read:
// text (gcc / go vet shape), JSON (fwc's own versioned schema), SARIF
// 2.1.0 (code-scanning dashboards), GitHub Actions workflow commands and
// checkstyle XML (GitLab, Jenkins).
package report

import (
	"fmt"
	"io"

	"github.com/fwc-project/fwc/ir"
)

// Write prints ds in the named format. Every format but text prints one
// document, also when ds is empty.
func Write(w io.Writer, format string, ds ir.Diags) error {
	switch format {
	case "text":
		return Text(w, ds)
	case "json":
		return JSON(w, ds)
	case "sarif":
		return SARIF(w, ds)
	case "github":
		return GitHub(w, ds)
	case "checkstyle":
		return Checkstyle(w, ds)
	}
	return fmt.Errorf("unknown report format %q", format)
}

// Text prints diagnostics in the gcc / go vet shape that editors' problem
// matchers understand, with related positions as note lines.
func Text(w io.Writer, ds ir.Diags) error {
	for _, d := range ds {
		if _, err := fmt.Fprintln(w, d.String()); err != nil {
			return err
		}
		for _, r := range d.Related {
			if _, err := fmt.Fprintf(w, "%s: note: %s\n", r.Pos, r.Message); err != nil {
				return err
			}
		}
	}
	return nil
}
