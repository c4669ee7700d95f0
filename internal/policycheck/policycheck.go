// Package policycheck lets a backend's tests prove that the backend holds
// no firewall policy: no port or protocol numbers and no ICMP type names
// outside the printing tables it names. The policy lives in package plan;
// a backend only spells it.
package policycheck

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/fwc-project/fwc/ir"
	"github.com/fwc-project/fwc/netdb"
)

// sizes are the numbers code needs to handle bits and bytes; they are
// never taken for policy.
var sizes = map[int64]bool{0: true, 1: true, 2: true, 4: true, 8: true, 16: true, 32: true, 64: true, 128: true}

// Check reads the non-test Go files of the package in dir and fails t for
// every integer literal that is not a size (0, 1, 2, 4, ..., 128) and
// every string literal naming an ICMP or ICMPv6 type, except inside the
// top-level declarations called one of tables (the printing tables).
func Check(t testing.TB, dir string, tables ...string) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	names := icmpNames()
	fset := token.NewFileSet()
	checked := 0
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		for _, d := range f.Decls {
			if allowed(d, tables) {
				continue
			}
			ast.Inspect(d, func(n ast.Node) bool {
				lit, ok := n.(*ast.BasicLit)
				if !ok {
					return true
				}
				switch lit.Kind {
				case token.INT:
					if v, err := strconv.ParseInt(lit.Value, 0, 64); err != nil || !sizes[v] {
						t.Errorf("%s: number %s outside a printing table: policy belongs in package plan", fset.Position(lit.Pos()), lit.Value)
					}
				case token.STRING:
					if m := names.FindString(lit.Value); m != "" {
						t.Errorf("%s: ICMP type %q outside a printing table: policy belongs in package plan", fset.Position(lit.Pos()), m)
					}
				}
				return true
			})
		}
	}
	if checked == 0 {
		t.Fatalf("no Go files in %s", dir)
	}
}

// allowed reports whether d declares one of the names.
func allowed(d ast.Decl, names []string) bool {
	g, ok := d.(*ast.GenDecl)
	if !ok {
		return false
	}
	for _, s := range g.Specs {
		v, ok := s.(*ast.ValueSpec)
		if !ok {
			return false
		}
		for _, n := range v.Names {
			if !slices.Contains(names, n.Name) {
				return false
			}
		}
	}
	return true
}

// icmpNames matches nft's and iptables' names of ICMP and ICMPv6 types as
// whole words.
func icmpNames() *regexp.Regexp {
	var alts []string
	for _, v6 := range []bool{false, true} {
		for ty := range 256 {
			if n := netdb.NFTName(v6, ir.ICMPType{Type: uint8(ty)}); n != "" {
				alts = append(alts, regexp.QuoteMeta(n))
			}
		}
	}
	return regexp.MustCompile(`(^|[^a-z-])(` + strings.Join(alts, "|") + `)($|[^a-z-])`)
}
