package iptables

import (
	"net/netip"
	"slices"
	"strings"

	"github.com/fwc-project/fwc/ir"
)

// addr returns the alternatives of an address match in direction dir
// ("src" or "dst"): none when a literal list has no address of this
// family, one empty alternative when a matches everything.
func (e *emitter) addr(a ir.Addr, dir string) ([]string, error) {
	if a.IsZero() {
		return []string{""}, nil
	}
	if a.Set != "" {
		if e.sets[a.Set] == nil {
			return nil, errorf("rule refers to unknown set %q", a.Set)
		}
		return []string{setMatch(setName(a.Set, e.v6), dir)}, nil
	}
	var ps []netip.Prefix
	var rs []ir.AddrRange
	for _, p := range a.Prefixes {
		if p.Addr().Is6() == e.v6 {
			ps = append(ps, p)
		}
	}
	for _, r := range a.Ranges {
		if r.From.Is6() == e.v6 {
			rs = append(rs, r)
		}
	}
	switch {
	case len(ps) == 0 && len(rs) == 0:
		return nil, nil
	case len(ps) == 0 && len(rs) == 1:
		return []string{"-m iprange --" + dir + "-range " + rs[0].From.String() + "-" + rs[0].To.String()}, nil
	}
	for _, r := range rs {
		ps = append(ps, rangePrefixes(r)...)
	}
	ps = minimal(ps)
	strs := make([]string, len(ps))
	for i, p := range ps {
		strs[i] = p.String()
	}
	list := strings.Join(strs, ",")
	if len(list) > maxArg {
		return []string{setMatch(e.lits.name(ps, e.v6), dir)}, nil
	}
	flag := "-s "
	if dir == "dst" {
		flag = "-d "
	}
	return []string{flag + list}, nil
}

func setMatch(name, dir string) string { return "-m set --match-set " + name + " " + dir }

// minimal sorts ps and drops every prefix inside another, so the entries
// of a list never overlap.
func minimal(ps []netip.Prefix) []netip.Prefix {
	ps = slices.Clone(ps)
	slices.SortFunc(ps, func(a, b netip.Prefix) int { return a.Compare(b) })
	var out []netip.Prefix
	for _, p := range ps {
		if n := len(out); n > 0 && out[n-1].Bits() <= p.Bits() && out[n-1].Contains(p.Addr()) {
			continue
		}
		out = append(out, p)
	}
	return out
}

// rangePrefixes splits an inclusive address range into the fewest CIDRs.
func rangePrefixes(r ir.AddrRange) []netip.Prefix {
	var out []netip.Prefix
	for a := r.From; ; {
		bits := a.BitLen()
		// Widen while the block still starts at a and ends within the range.
		for bits > 0 {
			p := netip.PrefixFrom(a, bits-1).Masked()
			if p.Addr() != a || lastAddr(p).Compare(r.To) > 0 {
				break
			}
			bits--
		}
		p := netip.PrefixFrom(a, bits)
		out = append(out, p)
		last := lastAddr(p)
		if last.Compare(r.To) >= 0 || !last.Next().IsValid() {
			return out
		}
		a = last.Next()
	}
}

// lastAddr is the highest address of p.
func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Masked().Addr().AsSlice()
	for i := p.Bits(); i < len(b)*8; i++ {
		b[i/8] |= 0x80 >> (i % 8)
	}
	a, _ := netip.AddrFromSlice(b)
	return a
}

// literals are the ipsets fwc makes for address lists too long for one
// iptables argument. Equal lists share a set; names follow first use, which
// is deterministic because emission order is.
type literals struct {
	byKey map[string]string
	sets  []litSet
}

type litSet struct {
	name string
	v6   bool
	ps   []netip.Prefix
}

func (l *literals) name(ps []netip.Prefix, v6 bool) string {
	var key strings.Builder
	for _, p := range ps {
		key.WriteString(p.String() + ",")
	}
	if n, ok := l.byKey[key.String()]; ok {
		return n
	}
	n := "FWC-list" + itoa(len(l.sets)+1) + famSuffix(v6)
	l.byKey[key.String()] = n
	l.sets = append(l.sets, litSet{n, v6, ps})
	return n
}
