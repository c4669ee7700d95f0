package lower

import (
	"fmt"

	"github.com/fwc-project/fwc/ir"
)

// matchKey identifies what a rule matches, ignoring where it came from and
// what it does. Two rules with the same key match the same packets.
func matchKey(r ir.Rule) string {
	r.Src.Alias, r.Dst.Alias = "", ""
	return fmt.Sprint(r.Iface, r.Family, r.Proto, r.ProtoNum, r.Src, r.Dst, r.SPort, r.DPort, r.ICMP)
}

// shadowedBy finds, for each rule, an earlier rule that matches the same
// packets and already decided them, so the later rule can never fire.
// A GROUP jump decides too: entering the same group with the same match a
// second time cannot change the outcome. It returns -1 where none.
func shadowedBy(rules []ir.Rule) []int {
	first := map[string]int{}
	out := make([]int, len(rules))
	for i, r := range rules {
		k := matchKey(r)
		j, seen := first[k]
		switch {
		case !seen:
			first[k] = i
			out[i] = -1
		case rules[j].Verdict == ir.Jump && (r.Verdict != ir.Jump || r.Group != rules[j].Group):
			// A group may let the packet through undecided: a different
			// rule after it still matters. Remember the later rule instead.
			first[k] = i
			out[i] = -1
		default:
			out[i] = j
		}
	}
	return out
}

// dedupe drops rules shadowed by an identical earlier match. First match
// wins, so the first is kept and the later ones are dead.
func dedupe(rules []ir.Rule) []ir.Rule {
	by := shadowedBy(rules)
	out := rules[:0:0]
	for i, r := range rules {
		if by[i] < 0 {
			out = append(out, r)
		}
	}
	return out
}

// warnShadowed reports rules that can never match because an earlier rule
// in the same list has the same match. Rules expanded from one line share
// its position, so only pairs from different lines are reported.
func (l *lowerer) warnShadowed(rules []ir.Rule) {
	by := shadowedBy(rules)
	for i, j := range by {
		if j < 0 || rules[j].Pos == rules[i].Pos {
			continue
		}
		l.d = append(l.d, ir.Diagnostic{Pos: rules[i].Pos, Severity: ir.Warning, Code: "shadowed-rule",
			Message: "rule can never match: an earlier rule matches the same packets",
			Related: []ir.Related{{Pos: rules[j].Pos, Message: "earlier rule here"}}})
	}
}
