// Package corosync reads corosync.conf's block syntax: `name {` opens a
// section, `}` closes it, `key: value` sets a key, `#` at the start of a
// line is a comment. It keeps positions and reports every line it cannot
// read; what the keys mean is decided by package lower.
package corosync

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"github.com/fwc-project/fwc/ir"
)

// Section is a block with its keys and nested blocks in file order. The
// file itself is the root section, with an empty name.
type Section struct {
	Pos      ir.Pos // the name; the file for the root
	Name     string
	Keys     []Key
	Sections []*Section
}

// Key is one `key: value` line.
type Key struct {
	Pos      ir.Pos // the key
	ValuePos ir.Pos // the value's first character (or where it would be)
	Name     string
	Value    string
}

// Sub returns the nested sections with the given name, in file order.
func (s *Section) Sub(name string) []*Section {
	var out []*Section
	for _, c := range s.Sections {
		if c.Name == name {
			out = append(out, c)
		}
	}
	return out
}

// Get returns the last key with the given name (corosync keeps the last
// one), or nil.
func (s *Section) Get(name string) *Key {
	for i := len(s.Keys) - 1; i >= 0; i-- {
		if s.Keys[i].Name == name {
			return &s.Keys[i]
		}
	}
	return nil
}

// Parse reads corosync.conf. It always returns the root section; lines it
// cannot read are left out with an error diagnostic (code
// "corosync-syntax"), all of them in one run.
func Parse(filename string, data []byte) (*Section, ir.Diags) {
	root := &Section{Pos: ir.Pos{Filename: filename}}
	stack := []*Section{root}
	var diags ir.Diags
	offset := 0
	for n, line := range bytes.SplitAfter(data, []byte("\n")) {
		lineStart := offset
		at := func(col int) ir.Pos {
			return ir.Pos{Filename: filename, Offset: lineStart + col, Line: n + 1, Column: utf8.RuneCount(line[:col]) + 1}
		}
		offset += len(line)
		text := strings.TrimRight(string(line), " \t\r\n")
		body := strings.TrimLeft(text, " \t")
		col := len(text) - len(body)
		switch {
		case body == "" || body[0] == '#':
		case body == "}":
			if len(stack) == 1 {
				diags.Add(at(col), ir.CodeCorosyncSyntax, "'}' without an open section")
				continue
			}
			stack = stack[:len(stack)-1]
		case strings.HasSuffix(body, "{"):
			name := strings.TrimRight(strings.TrimSuffix(body, "{"), " \t")
			if !validName(name) {
				diags.Add(at(col), ir.CodeCorosyncSyntax, "bad section header %q (want `name {`)", body)
				// Open it anyway, so its '}' still balances.
			}
			s := &Section{Pos: at(col), Name: name}
			top := stack[len(stack)-1]
			top.Sections = append(top.Sections, s)
			stack = append(stack, s)
		default:
			key, value, ok := strings.Cut(body, ":")
			key = strings.TrimRight(key, " \t")
			if !ok || !validName(key) {
				diags.Add(at(col), ir.CodeCorosyncSyntax, "cannot read %q (want `key: value`, `name {` or `}`)", body)
				continue
			}
			vcol := col + len(body) - len(value)
			trimmed := strings.TrimLeft(value, " \t")
			vcol += len(value) - len(trimmed)
			top := stack[len(stack)-1]
			top.Keys = append(top.Keys, Key{Pos: at(col), ValuePos: at(vcol), Name: key, Value: trimmed})
		}
	}
	for _, s := range stack[1:] {
		diags.Add(s.Pos, ir.CodeCorosyncSyntax, "section %q is not closed", s.Name)
	}
	return root, diags
}

// validName accepts the key and section names corosync uses: letters,
// digits, '_', '-' and '.', no blanks.
func validName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '.') {
			return false
		}
	}
	return true
}
