package lower

import "github.com/fwc-project/fwc/ir"

// A pass rewrites one rule list without changing which verdict any packet
// gets. Passes run in the order listed, on every rule list of the ruleset.
type pass struct {
	name string
	run  func([]ir.Rule) []ir.Rule
}

// passes is the optimiser, in its fixed order.
var passes = []pass{
	{"dedupe", dedupe},
	{"merge", merge},
}

// Optimize runs every pass over every rule list of rs. It is idempotent:
// optimising an optimised ruleset changes nothing.
func Optimize(rs *ir.Ruleset) {
	for _, l := range ruleLists(rs) {
		for _, p := range passes {
			*l = p.run(*l)
		}
	}
}

// ruleLists is every rule list of a ruleset, in a fixed order.
func ruleLists(rs *ir.Ruleset) []*[]ir.Rule {
	lists := []*[]ir.Rule{&rs.Host.In, &rs.Host.Out, &rs.Host.Forward}
	for i := range rs.Groups {
		g := &rs.Groups[i]
		lists = append(lists, &g.In, &g.Out, &g.Forward)
	}
	for i := range rs.Guests {
		g := &rs.Guests[i]
		lists = append(lists, &g.In, &g.Out)
	}
	return lists
}
