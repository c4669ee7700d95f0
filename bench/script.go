// Package bench measures fwc at cluster scale: the Go benchmarks in this
// package time the pipeline on trees from package gen, and cmd/fwcbench
// loads the output into the kernel and writes RESULTS.md. This file reads
// back the nft scripts fwc writes: their size, and one family's tables.
package bench

import (
	"bytes"
	"strings"
)

// Stats is the size of an nft script, counted from its text.
type Stats struct {
	Rules    int // rule lines inside chains
	Chains   int
	Sets     int // named sets and maps
	Elements int // elements of named sets and maps
	Anon     int // anonymous sets and maps inside rules
	Bytes    int
}

// Count reads an nft script as fwc writes it: one statement per line,
// chains opened by "chain NAME {" and closed by a lone "}", base chain
// headers starting with "type ", named sets and maps declared on one line.
func Count(script []byte) Stats {
	s := Stats{Bytes: len(script)}
	inChain := false
	for _, l := range strings.Split(string(script), "\n") {
		l = strings.TrimSpace(l)
		switch {
		case l == "" || strings.HasPrefix(l, "#"):
		case strings.HasPrefix(l, "chain ") && strings.HasSuffix(l, "{"):
			inChain = true
			s.Chains++
		case l == "}":
			inChain = false
		case strings.HasPrefix(l, "set ") || strings.HasPrefix(l, "map "):
			s.Sets++
			s.Elements += elements(l)
		case inChain && !strings.HasPrefix(l, "type "):
			s.Rules++
			s.Anon += strings.Count(l, "{")
		}
	}
	return s
}

// elements counts the items of a declaration's "elements = { ... }": the
// commas at the top level of its braces, plus one.
func elements(decl string) int {
	_, list, ok := strings.Cut(decl, "elements = {")
	if !ok {
		return 0
	}
	n, depth := 1, 0
	for _, c := range list {
		switch c {
		case '{':
			depth++
		case '}':
			if depth == 0 {
				return n
			}
			depth--
		case ',':
			if depth == 0 {
				n++
			}
		}
	}
	return n
}

// Select keeps the statements of an nft script that concern tables of one
// family ("inet", "bridge"): "table F N {}", "delete table F N" and whole
// table blocks, whose closing brace stands alone at the start of a line.
// Comments and other statements are dropped. It lets this machine load
// the inet table of a script whose bridge table its kernel refuses.
func Select(script []byte, family string) []byte {
	var out bytes.Buffer
	keep, inBlock := false, false
	for _, l := range bytes.SplitAfter(script, []byte("\n")) {
		t := string(bytes.TrimRight(l, "\n"))
		if !inBlock {
			f, block := statementFamily(t)
			keep = f == family
			inBlock = block
		} else if t == "}" {
			inBlock = false
			if keep {
				out.Write(l)
			}
			continue
		}
		if keep {
			out.Write(l)
		}
	}
	return out.Bytes()
}

// statementFamily returns the table family a top-level line is about and
// whether it opens a multi-line block.
func statementFamily(line string) (family string, block bool) {
	f := strings.Fields(line)
	switch {
	case len(f) >= 3 && f[0] == "table":
		return f[1], strings.HasSuffix(line, "{")
	case len(f) >= 4 && f[0] == "delete" && f[1] == "table", len(f) >= 4 && f[0] == "flush" && f[1] == "table":
		return f[2], false
	}
	return "", false
}
