// Package suppress implements fwc's suppression comments:
//
//	# fwc:ignore CODE[,CODE...] [reason]       the line it is on, or the next line
//	# fwc:ignore-file CODE[,CODE...] [reason]  the whole file
//
// A comment on a line of its own covers the next line; after a rule it
// covers its own line. A code that suppresses nothing is reported
// (unused-suppression), so stale comments do not pile up.
package suppress

import (
	"bytes"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/fwc-project/fwc/ir"
)

// directive is one fwc:ignore comment.
type directive struct {
	pos        ir.Pos
	file       bool // fwc:ignore-file
	line       int  // the line it covers (0 for the whole file)
	codes      []ir.Code
	codePos    []ir.Pos
	used       []bool
	standalone bool
}

var directiveRE = regexp.MustCompile(`#\s*fwc:ignore(-file)?(?:\s+([^\s]*))?`)

// parse finds the directives in one file's text. Bad ones are reported.
func parse(path string, src []byte, d *ir.Diags) []*directive {
	var out []*directive
	offset := 0
	for n, line := range bytes.SplitAfter(src, []byte("\n")) {
		start := offset
		offset += len(line)
		m := directiveRE.FindSubmatchIndex(line)
		if m == nil {
			continue
		}
		at := func(i int) ir.Pos {
			return ir.Pos{Filename: path, Offset: start + i, Line: n + 1, Column: utf8.RuneCount(line[:i]) + 1}
		}
		dir := &directive{pos: at(m[0]), file: m[2] >= 0, standalone: len(bytes.TrimSpace(line[:m[0]])) == 0}
		switch {
		case dir.file:
		case dir.standalone:
			dir.line = n + 2
		default:
			dir.line = n + 1
		}
		if m[4] < 0 || m[4] == m[5] {
			d.Add(dir.pos, ir.CodeInvalidSuppression, "fwc:ignore needs the codes it suppresses, e.g. # fwc:ignore shadowed-rule reason")
			continue
		}
		i := m[4]
		for _, c := range strings.Split(string(line[m[4]:m[5]]), ",") {
			code := ir.Code(c)
			if _, ok := ir.LookupCheck(code); !ok {
				d.Add(at(i), ir.CodeInvalidSuppression, "fwc:ignore names no code %q (fwc lint --list shows them)", c)
			} else {
				dir.codes = append(dir.codes, code)
				dir.codePos = append(dir.codePos, at(i))
			}
			i += len(c) + 1
		}
		dir.used = make([]bool, len(dir.codes))
		out = append(out, dir)
	}
	return out
}

// Apply drops the diagnostics that a comment in their file suppresses and
// reports comments that suppress nothing. text returns a file's bytes; it
// is asked about every file some diagnostic points into, and about the
// extra files (files linted without findings still have comments).
// Suppression comments cannot suppress diagnostics about themselves.
func Apply(ds ir.Diags, text func(file string) []byte, extra ...string) ir.Diags {
	files := map[string][]*directive{}
	var out ir.Diags
	load := func(f string) {
		if _, ok := files[f]; !ok {
			files[f] = parse(f, text(f), &out)
		}
	}
	for _, f := range extra {
		load(f)
	}
	for _, d := range ds {
		load(d.Pos.Filename)
		if !suppressed(files[d.Pos.Filename], d) {
			out = append(out, d)
		}
	}
	for _, dirs := range files {
		for _, dir := range dirs {
			for i, used := range dir.used {
				if !used {
					out.Add(dir.codePos[i], ir.CodeUnusedSuppression, "fwc:ignore %s suppresses nothing here", dir.codes[i])
				}
			}
		}
	}
	return out
}

func suppressed(dirs []*directive, d ir.Diagnostic) bool {
	hit := false
	for _, dir := range dirs {
		if !dir.file && dir.line != d.Pos.Line {
			continue
		}
		for i, c := range dir.codes {
			if c == d.Code {
				dir.used[i], hit = true, true
			}
		}
	}
	return hit
}
