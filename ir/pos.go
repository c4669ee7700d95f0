package ir

import "fmt"

// Pos is a position in an input file. It has the fields of participle's
// lexer.Position, in the same order, so grammar nodes can declare a Pos and
// have the parser fill it directly. Line and Column are 1-based; Column
// counts runes.
type Pos struct {
	Filename string
	Offset   int
	Line     int
	Column   int
}

// IsValid reports whether the position points into a file.
func (p Pos) IsValid() bool { return p.Line > 0 }

// String renders the position as "file:line:col", or "file" when the
// position names a whole file.
func (p Pos) String() string {
	if !p.IsValid() {
		return p.Filename
	}
	return fmt.Sprintf("%s:%d:%d", p.Filename, p.Line, p.Column)
}

// Before orders positions by file name, then numerically by line and column.
func (p Pos) Before(q Pos) bool {
	if p.Filename != q.Filename {
		return p.Filename < q.Filename
	}
	if p.Line != q.Line {
		return p.Line < q.Line
	}
	return p.Column < q.Column
}
