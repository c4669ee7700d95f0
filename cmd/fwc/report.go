package main

import (
	"io"

	"github.com/fwc-project/fwc/ir"
	"github.com/fwc-project/fwc/report"
)

// writeText prints diagnostics for compile and explain (report.Text).
func writeText(w io.Writer, ds ir.Diags) { _ = report.Text(w, ds) }
