// Package macros is the table of firewall macros: named shorthands such as
// SSH(ACCEPT) that expand into one rule per entry, in entry order. The table
// is PVE's (pve-format.md §5) plus fwc's extensions; README.md lists it and
// is generated from it by the tests.
package macros

import (
	"slices"
	"strings"

	"github.com/fwc-project/fwc/ir"
)

// Macro is one macro: its canonical name, the description PVE documents and
// the rule templates it expands to.
type Macro struct {
	Name    string
	Doc     string
	Entries []Entry
	// Extension marks a macro PVE does not know (it rejects the rule as
	// "unknown macro"); fwc accepts it in every direction, lint can warn.
	Extension bool
}

// Entry is one template of a macro. The rule's verdict, addresses and
// other options fill what the entry leaves open.
type Entry struct {
	Proto string // as written in PVE's table: "tcp", "udp", "icmp", "icmpv6" or a number such as "47"
	// DPort is a port list in -dport syntax; for ICMP entries it holds an
	// ICMP type name (PVE's legacy form).
	DPort  string
	SPort  string
	Family ir.Family // Any, or the only family whose ruleset has the entry
}

// Lookup finds a macro by name, case-insensitively as PVE does. The result
// shares its Entries with the table: do not modify them.
func Lookup(name string) (Macro, bool) {
	for _, m := range table {
		if strings.EqualFold(m.Name, name) {
			return m, true
		}
	}
	return Macro{}, false
}

// All returns every macro, sorted case-insensitively by name. The macros
// share their Entries with the table: do not modify them.
func All() []Macro {
	return slices.Clone(table)
}
