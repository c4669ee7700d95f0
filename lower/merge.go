package lower

import (
	"slices"

	"github.com/fwc-project/fwc/ir"
)

// merge folds runs of adjacent rules that differ in exactly one match
// dimension (destination ports, source ports, ICMP types, literal source or
// destination addresses) into one rule matching the union, e.g. the
// entries of a macro or a list of single-port rules.
//
// Why only adjacent rules with the same verdict, log level and comment:
// then the merged rule gives every packet the verdict it got before, at
// the same place in the list. Moving a match past another rule could
// change which rule a packet meets first. Rules from different macros may
// merge; the merged rule then names no macro (its From positions still
// lead back to every line).
func merge(rules []ir.Rule) []ir.Rule {
	if len(rules) < 2 {
		return rules
	}
	out := make([]ir.Rule, 0, len(rules))
	for _, r := range rules {
		if n := len(out); n > 0 {
			if m, ok := mergePair(out[n-1], r); ok {
				out[n-1] = m
				continue
			}
		}
		out = append(out, r)
	}
	return out
}

// dimension is one mergeable match of a rule.
type dimension struct {
	take  func(dst *ir.Rule, src ir.Rule)      // copy src's value into dst
	union func(dst *ir.Rule, src ir.Rule) bool // widen dst by src; false when not expressible
}

var dimensions = []dimension{
	{func(d *ir.Rule, s ir.Rule) { d.DPort = s.DPort }, func(d *ir.Rule, s ir.Rule) bool { return unionPorts(&d.DPort, s.DPort) }},
	{func(d *ir.Rule, s ir.Rule) { d.SPort = s.SPort }, func(d *ir.Rule, s ir.Rule) bool { return unionPorts(&d.SPort, s.SPort) }},
	{func(d *ir.Rule, s ir.Rule) { d.ICMP = s.ICMP }, func(d *ir.Rule, s ir.Rule) bool { return unionICMP(&d.ICMP, s.ICMP) }},
	{func(d *ir.Rule, s ir.Rule) { d.Src = s.Src }, func(d *ir.Rule, s ir.Rule) bool { return unionAddr(&d.Src, s.Src) }},
	{func(d *ir.Rule, s ir.Rule) { d.Dst = s.Dst }, func(d *ir.Rule, s ir.Rule) bool { return unionAddr(&d.Dst, s.Dst) }},
}

// mergePair merges b into a when they differ in exactly one dimension.
func mergePair(a, b ir.Rule) (ir.Rule, bool) {
	if a.Verdict != b.Verdict || a.Verdict == ir.Jump || a.Log != b.Log || a.Comment != b.Comment {
		return a, false
	}
	key := matchKey(b)
	for _, d := range dimensions {
		probe := a
		d.take(&probe, b)
		if matchKey(probe) != key {
			continue // they differ elsewhere too
		}
		m := a
		if !d.union(&m, b) {
			return a, false
		}
		m.From = append(append(slices.Clone(a.From), b.Pos), b.From...)
		if a.Macro != b.Macro {
			m.Macro = ""
		}
		return m, true
	}
	return a, false
}

// unionPorts widens a port list; an empty list means any port and cannot
// be widened by listing.
func unionPorts(dst *[]ir.PortRange, src []ir.PortRange) bool {
	if len(*dst) == 0 || len(src) == 0 {
		return false
	}
	*dst = mergePorts(append(slices.Clone(*dst), src...))
	return true
}

// unionICMP widens an ICMP type list.
func unionICMP(dst *[]ir.ICMPType, src []ir.ICMPType) bool {
	if len(*dst) == 0 || len(src) == 0 {
		return false
	}
	out := slices.Clone(*dst)
	for _, t := range src {
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	slices.SortFunc(out, func(a, b ir.ICMPType) int {
		if a.Type != b.Type {
			return int(a.Type) - int(b.Type)
		}
		return int(a.Code) - int(b.Code)
	})
	*dst = out
	return true
}

// unionAddr widens a literal address list; sets and "any" stay as they are.
func unionAddr(dst *ir.Addr, src ir.Addr) bool {
	if dst.IsZero() || src.IsZero() || dst.Set != "" || src.Set != "" {
		return false
	}
	prefixes := ir.MergePrefixes(append(slices.Clone(dst.Prefixes), src.Prefixes...))
	*dst = ir.Addr{Prefixes: prefixes, Ranges: append(slices.Clone(dst.Ranges), src.Ranges...)}
	return true
}
