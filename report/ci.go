package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/fwc-project/fwc/ir"
)

// GitHub prints GitHub Actions workflow commands (::error, ::warning,
// ::notice), which the runner turns into annotations on the diff.
func GitHub(w io.Writer, ds ir.Diags) error {
	for _, d := range ds {
		cmd := map[ir.Severity]string{ir.Error: "error", ir.Warning: "warning", ir.Note: "notice"}[d.Severity]
		props := []string{"file=" + ghProp(d.Pos.Filename)}
		if d.Pos.IsValid() {
			props = append(props, fmt.Sprintf("line=%d", d.Pos.Line), fmt.Sprintf("col=%d", d.Pos.Column))
			if d.End.IsValid() {
				props = append(props, fmt.Sprintf("endLine=%d", d.End.Line), fmt.Sprintf("endColumn=%d", d.End.Column))
			}
		}
		props = append(props, "title="+ghProp("fwc "+string(d.Code)))
		if _, err := fmt.Fprintf(w, "::%s %s::%s\n", cmd, strings.Join(props, ","), ghData(d.Message)); err != nil {
			return err
		}
	}
	return nil
}

// ghData escapes a workflow command's message.
func ghData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// ghProp escapes a workflow command's property value.
func ghProp(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

type csDoc struct {
	XMLName xml.Name `xml:"checkstyle"`
	Version string   `xml:"version,attr"`
	Files   []csFile `xml:"file"`
}

type csFile struct {
	Name   string    `xml:"name,attr"`
	Errors []csError `xml:"error"`
}

type csError struct {
	Line     int    `xml:"line,attr,omitempty"`
	Column   int    `xml:"column,attr,omitempty"`
	Severity string `xml:"severity,attr"`
	Message  string `xml:"message,attr"`
	Source   string `xml:"source,attr"`
}

// Checkstyle prints checkstyle XML (GitLab code quality converters,
// Jenkins' warnings plugin): one <file> per file, in order.
func Checkstyle(w io.Writer, ds ir.Diags) error {
	doc := csDoc{Version: "4.3"}
	for _, d := range ds {
		if n := len(doc.Files); n == 0 || doc.Files[n-1].Name != d.Pos.Filename {
			doc.Files = append(doc.Files, csFile{Name: d.Pos.Filename})
		}
		sev := map[ir.Severity]string{ir.Error: "error", ir.Warning: "warning", ir.Note: "info"}[d.Severity]
		f := &doc.Files[len(doc.Files)-1]
		f.Errors = append(f.Errors, csError{Line: d.Pos.Line, Column: d.Pos.Column, Severity: sev, Message: d.Message, Source: "fwc." + string(d.Code)})
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
