package ir

import (
	"fmt"
	"unicode/utf8"
)

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

// WordEnd returns the position just after the word that starts at p in
// src (the file p points into): up to the next blank or line end. It is
// how diagnostics get ranges for editors. A position that does not point
// into src has no end (the zero Pos).
func WordEnd(src []byte, p Pos) Pos {
	if !p.IsValid() || p.Offset < 0 || p.Offset >= len(src) {
		return Pos{}
	}
	end := p
	for i := p.Offset; i < len(src); {
		r, n := utf8.DecodeRune(src[i:])
		if r == ' ' || r == '\t' || r == '\r' || r == '\n' {
			break
		}
		i += n
		end.Offset, end.Column = i, end.Column+1
	}
	if end.Offset == p.Offset {
		return Pos{}
	}
	return end
}

// FillEnds gives every diagnostic without an end the end of the word at
// its position; text returns a file's bytes, or nil when unknown.
func (ds Diags) FillEnds(text func(file string) []byte) {
	for i := range ds {
		if !ds[i].End.IsValid() {
			ds[i].End = WordEnd(text(ds[i].Pos.Filename), ds[i].Pos)
		}
	}
}

// Advance returns the position just after s, when s is the text at p and
// holds no line break.
func (p Pos) Advance(s string) Pos {
	p.Offset += len(s)
	p.Column += utf8.RuneCountInString(s)
	return p
}
