package ir

import (
	"fmt"
	"sort"
)

// Severity says how bad a diagnostic is.
type Severity int

// Severities, from worst to mildest.
const (
	Error Severity = iota
	Warning
	Note
)

func (s Severity) String() string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	case Note:
		return "note"
	}
	panic(fmt.Sprintf("ir: bad severity %d", int(s)))
}

// Diagnostic is one finding about the input, tied to a position.
type Diagnostic struct {
	Pos      Pos
	End      Pos // optional; zero means a point
	Severity Severity
	Code     string // stable kebab-case identifier, e.g. "unknown-alias"
	Message  string // lower-case, no trailing period
	Related  []Related
}

// Related is a secondary position that explains a diagnostic, printed as a
// note ("first defined here").
type Related struct {
	Pos     Pos
	Message string
}

// String renders the diagnostic in the go vet / gcc shape without notes.
func (d Diagnostic) String() string {
	return fmt.Sprintf("%s: %s: %s [%s]", d.Pos, d.Severity, d.Message, d.Code)
}

// Diags is a list of diagnostics.
type Diags []Diagnostic

// Errorf appends an error-severity diagnostic.
func (ds *Diags) Errorf(pos Pos, code, format string, args ...any) {
	*ds = append(*ds, Diagnostic{Pos: pos, Severity: Error, Code: code, Message: fmt.Sprintf(format, args...)})
}

// Warnf appends a warning.
func (ds *Diags) Warnf(pos Pos, code, format string, args ...any) {
	*ds = append(*ds, Diagnostic{Pos: pos, Severity: Warning, Code: code, Message: fmt.Sprintf(format, args...)})
}

// HasErrors reports whether any diagnostic is an error.
func (ds Diags) HasErrors() bool {
	for _, d := range ds {
		if d.Severity == Error {
			return true
		}
	}
	return false
}

// Sort orders diagnostics by file, line and column numerically, then by code
// and message, and drops exact repeats (same position, code and message).
func (ds *Diags) Sort() {
	s := *ds
	sort.SliceStable(s, func(i, j int) bool {
		a, b := s[i], s[j]
		if a.Pos != b.Pos {
			return a.Pos.Before(b.Pos)
		}
		if a.Code != b.Code {
			return a.Code < b.Code
		}
		return a.Message < b.Message
	})
	out := s[:0]
	for _, d := range s {
		if n := len(out); n > 0 && d.Pos == out[n-1].Pos && d.Code == out[n-1].Code && d.Message == out[n-1].Message {
			continue
		}
		out = append(out, d)
	}
	*ds = out
}
