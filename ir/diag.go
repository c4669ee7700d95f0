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
	Code     Code
	Message  string // lower-case, no trailing period
	Related  []Related
	// Fix is a replacement that certainly repairs the finding (a name's
	// case, an option's spelling); nil when there is none.
	Fix *Fix
}

// Fix replaces the text from Pos up to End with NewText.
type Fix struct {
	Pos, End Pos
	NewText  string
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

// Diag makes a diagnostic at the severity the registry gives its code.
func Diag(pos Pos, code Code, format string, args ...any) Diagnostic {
	return Diagnostic{Pos: pos, Severity: code.Severity(), Code: code, Message: fmt.Sprintf(format, args...)}
}

// Add appends a diagnostic made by Diag.
func (ds *Diags) Add(pos Pos, code Code, format string, args ...any) {
	*ds = append(*ds, Diag(pos, code, format, args...))
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

// WithRelated returns d with a related position added.
func (d Diagnostic) WithRelated(pos Pos, message string) Diagnostic {
	d.Related = append(d.Related, Related{Pos: pos, Message: message})
	return d
}

// ParseSeverity reads a severity's name.
func ParseSeverity(s string) (Severity, bool) {
	for _, sev := range []Severity{Error, Warning, Note} {
		if sev.String() == s {
			return sev, true
		}
	}
	return 0, false
}

// WithFix returns d with a certain fix: replace old, the text at pos, by
// newText. A diagnostic at pos gets old's range.
func (d Diagnostic) WithFix(pos Pos, old, newText string) Diagnostic {
	d.Fix = &Fix{Pos: pos, End: pos.Advance(old), NewText: newText}
	if d.Pos == pos {
		d.End = d.Fix.End
	}
	return d
}
