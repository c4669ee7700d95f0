package lsp

import (
	"strings"
	"unicode/utf8"

	protocol "github.com/tliron/glsp/protocol_3_16"
)

// offset converts an LSP position (0-based line, UTF-16 code units) to a
// byte offset in text. Positions past a line's end or the text's end are
// clamped, as the protocol asks servers to.
func offset(text string, p protocol.Position) int {
	i := 0
	for line := protocol.UInteger(0); line < p.Line; line++ {
		nl := strings.IndexByte(text[i:], '\n')
		if nl < 0 {
			return len(text)
		}
		i += nl + 1
	}
	units := protocol.UInteger(0)
	for i < len(text) && text[i] != '\n' && units < p.Character {
		r, n := utf8.DecodeRuneInString(text[i:])
		units += protocol.UInteger(utf16Len(r))
		i += n
	}
	return i
}

// applyChange applies one didChange event: a range replaced by text, or
// the whole document when the event has no range.
func applyChange(text string, change any) string {
	switch c := change.(type) {
	case protocol.TextDocumentContentChangeEvent:
		if c.Range == nil {
			return c.Text
		}
		start, end := offset(text, c.Range.Start), offset(text, c.Range.End)
		if end < start {
			start, end = end, start
		}
		return text[:start] + c.Text + text[end:]
	case protocol.TextDocumentContentChangeEventWhole:
		return c.Text
	}
	return text
}

// position converts a 1-based line and rune column (fwc's positions) to
// an LSP position.
func position(text string, line, col int) protocol.Position {
	if line < 1 {
		return protocol.Position{}
	}
	lines := strings.SplitN(text, "\n", line+1)
	if line > len(lines) {
		return protocol.Position{Line: protocol.UInteger(line - 1), Character: protocol.UInteger(max(col-1, 0))}
	}
	units, n := 0, 0
	for _, r := range lines[line-1] {
		if n == col-1 {
			break
		}
		n++
		units += utf16Len(r)
	}
	units += max(col-1-n, 0) // a column past the line's end
	return protocol.Position{Line: protocol.UInteger(line - 1), Character: protocol.UInteger(units)}
}

// wordAt returns the word under the cursor (names, +sets with their scope,
// options with their dashes, Macro(VERDICT)) and the line it is on.
func wordAt(text string, p protocol.Position) (word, line string) {
	i := offset(text, p)
	start := strings.LastIndexByte(text[:i], '\n') + 1
	end := strings.IndexByte(text[i:], '\n')
	if end < 0 {
		end = len(text)
	} else {
		end += i
	}
	line = text[start:end]
	isWord := func(b byte) bool {
		return b == '_' || b == '-' || b == '+' || b == '/' || b == '.' || b == '(' || b == ')' || b == ':' ||
			'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9'
	}
	a, b := i, i
	for a > start && isWord(text[a-1]) {
		a--
	}
	for b < end && isWord(text[b]) {
		b++
	}
	return text[a:b], line
}

// utf16Len is the number of UTF-16 code units of r.
func utf16Len(r rune) int {
	if r >= 0x10000 {
		return 2
	}
	return 1
}
