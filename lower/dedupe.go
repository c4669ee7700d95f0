package lower

import (
	"slices"
	"strconv"
	"strings"

	"github.com/fwc-project/fwc/ir"
)

// matchKey identifies what a rule matches, ignoring where it came from and
// what it does. Two rules with the same key match the same packets.
// It sits on the optimiser's hot path, hence the builder over fmt.
func matchKey(r ir.Rule) string {
	var b strings.Builder
	b.WriteString(r.Iface)
	b.WriteByte('|')
	b.WriteString(strconv.Itoa(int(r.Family)))
	b.WriteByte('|')
	b.WriteString(strconv.Itoa(int(r.ProtoNum)))
	b.WriteString(r.Proto)
	for _, a := range []ir.Addr{r.Src, r.Dst} {
		b.WriteByte('|')
		b.WriteString(a.Set)
		for _, p := range a.Prefixes {
			b.WriteString(p.String())
			b.WriteByte(',')
		}
		for _, rg := range a.Ranges {
			b.WriteString(rg.From.String() + "-" + rg.To.String() + ",")
		}
	}
	for _, ports := range [][]ir.PortRange{r.SPort, r.DPort} {
		b.WriteByte('|')
		for _, p := range ports {
			b.WriteString(p.String())
			b.WriteByte(',')
		}
	}
	b.WriteByte('|')
	for _, t := range r.ICMP {
		b.WriteString(strconv.Itoa(int(t.Type)))
		if t.HasCode {
			b.WriteString("/" + strconv.Itoa(int(t.Code)))
		}
		b.WriteByte(',')
	}
	return b.String()
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
	if !slices.ContainsFunc(by, func(j int) bool { return j >= 0 }) {
		return rules // nothing to drop: no copy of the (large) rules
	}
	out := make([]ir.Rule, 0, len(rules))
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
		l.d = append(l.d, ir.Diag(rules[i].Pos, ir.CodeShadowedRule, "rule can never match: an earlier rule matches the same packets").WithRelated(rules[j].Pos, "earlier rule here"))
	}
}
