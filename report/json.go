package report

import (
	"encoding/json"
	"io"

	"github.com/fwc-project/fwc/ir"
)

// JSONVersion is the version of the JSON document's schema (README,
// "JSON schema"). It grows when a field changes meaning or goes away;
// new fields keep it.
const JSONVersion = 1

// jsonDoc is the one document `fwc lint --format json` prints.
type jsonDoc struct {
	Version     int        `json:"version"`
	Diagnostics []jsonDiag `json:"diagnostics"`
}

// jsonSpan is a position: 1-based line, 1-based column in runes, 0-based
// byte offset; end_* is exclusive and absent for a whole-file finding.
type jsonSpan struct {
	File      string `json:"file"`
	Line      int    `json:"line"`
	Col       int    `json:"col"`
	Offset    int    `json:"offset"`
	EndLine   int    `json:"end_line,omitempty"`
	EndCol    int    `json:"end_col,omitempty"`
	EndOffset int    `json:"end_offset,omitempty"`
}

type jsonDiag struct {
	jsonSpan
	Severity string        `json:"severity"`
	Code     ir.Code       `json:"code"`
	Message  string        `json:"message"`
	Related  []jsonRelated `json:"related,omitempty"`
	Fix      *jsonFix      `json:"fix,omitempty"`
}

type jsonRelated struct {
	jsonSpan
	Message string `json:"message"`
}

// jsonFix replaces the span's text with new_text.
type jsonFix struct {
	jsonSpan
	NewText string `json:"new_text"`
}

func span(pos, end ir.Pos) jsonSpan {
	s := jsonSpan{File: pos.Filename, Line: pos.Line, Col: pos.Column, Offset: pos.Offset}
	if end.IsValid() {
		s.EndLine, s.EndCol, s.EndOffset = end.Line, end.Column, end.Offset
	}
	return s
}

// JSON prints one document, always, even when there is nothing to say.
func JSON(w io.Writer, ds ir.Diags) error {
	doc := jsonDoc{Version: JSONVersion, Diagnostics: []jsonDiag{}}
	for _, d := range ds {
		jd := jsonDiag{jsonSpan: span(d.Pos, d.End), Severity: d.Severity.String(), Code: d.Code, Message: d.Message}
		for _, r := range d.Related {
			jd.Related = append(jd.Related, jsonRelated{jsonSpan: span(r.Pos, ir.Pos{}), Message: r.Message})
		}
		if d.Fix != nil {
			jd.Fix = &jsonFix{jsonSpan: span(d.Fix.Pos, d.Fix.End), NewText: d.Fix.NewText}
		}
		doc.Diagnostics = append(doc.Diagnostics, jd)
	}
	return encode(w, doc)
}

func encode(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// jsonCheck is one registry entry of `fwc lint --list --format json`.
type jsonCheck struct {
	Code     ir.Code `json:"code"`
	Severity string  `json:"severity"`
	Doc      string  `json:"doc"`
}

// Checks prints the registry as {"version":1,"checks":[...]}.
func Checks(w io.Writer) error {
	doc := struct {
		Version int         `json:"version"`
		Checks  []jsonCheck `json:"checks"`
	}{Version: JSONVersion}
	for _, c := range ir.Checks {
		doc.Checks = append(doc.Checks, jsonCheck{c.Code, c.Severity.String(), c.Doc})
	}
	return encode(w, doc)
}
