package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/fwc-project/fwc/ir"
)

// writeText prints diagnostics in the gcc / go vet shape that editors'
// problem matchers understand, with related positions as note lines.
func writeText(w io.Writer, ds ir.Diags) {
	for _, d := range ds {
		fmt.Fprintln(w, d.String())
		for _, r := range d.Related {
			fmt.Fprintf(w, "%s: note: %s\n", r.Pos, r.Message)
		}
	}
}

type jsonDoc struct {
	Diagnostics []jsonDiag `json:"diagnostics"`
}

type jsonDiag struct {
	File     string        `json:"file"`
	Line     int           `json:"line"`
	Col      int           `json:"col"`
	Offset   int           `json:"offset"`
	Severity string        `json:"severity"`
	Code     string        `json:"code"`
	Message  string        `json:"message"`
	Related  []jsonRelated `json:"related,omitempty"`
}

type jsonRelated struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Col     int    `json:"col"`
	Message string `json:"message"`
}

// writeJSON prints one document, always, even when there is nothing to say.
func writeJSON(w io.Writer, ds ir.Diags) error {
	doc := jsonDoc{Diagnostics: []jsonDiag{}}
	for _, d := range ds {
		jd := jsonDiag{File: d.Pos.Filename, Line: d.Pos.Line, Col: d.Pos.Column, Offset: d.Pos.Offset,
			Severity: d.Severity.String(), Code: d.Code, Message: d.Message}
		for _, r := range d.Related {
			jd.Related = append(jd.Related, jsonRelated{File: r.Pos.Filename, Line: r.Pos.Line, Col: r.Pos.Column, Message: r.Message})
		}
		doc.Diagnostics = append(doc.Diagnostics, jd)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}
