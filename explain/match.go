package explain

import (
	"net/netip"

	"github.com/fwc-project/fwc/ir"
)

// match reports whether r's matches all hold for p, as the emitted nft
// rule (or its per-family copies) would see them. The interface match is
// the caller's: it depends on the chain.
func (e *ev) match(r ir.Rule) bool {
	p := e.p
	if !p.ip() {
		// Only a rule without any IP-level match sees ARP (or another non-IP frame) in the bridge
		// table; the inet table never does.
		return r.Family == ir.Any && r.Proto == "" && r.Src.IsZero() && r.Dst.IsZero()
	}
	switch {
	case r.Family == ir.IPv4 && p.fam != 4, r.Family == ir.IPv6 && p.fam != 6:
		return false
	case r.Proto != "" && r.ProtoNum != p.proto:
		return false
	case len(r.SPort) > 0 && !(p.hasPorts() && inPorts(r.SPort, p.sport)):
		return false
	case len(r.DPort) > 0 && !(p.hasPorts() && inPorts(r.DPort, p.dport)):
		return false
	case len(r.ICMP) > 0 && !e.matchICMP(r):
		return false
	}
	return e.inAddr(r.Src, p.src) && e.inAddr(r.Dst, p.dst)
}

func (e *ev) matchICMP(r ir.Rule) bool {
	if r.ProtoNum != e.p.proto {
		return false
	}
	for _, t := range r.ICMP {
		if t.Type == e.p.icmp && (!t.HasCode || t.Code == e.p.code) {
			return true
		}
	}
	return false
}

func inPorts(rs []ir.PortRange, port uint16) bool {
	for _, r := range rs {
		if r.Lo <= port && port <= r.Hi {
			return true
		}
	}
	return false
}

// inAddr reports whether a matches addr; an empty match matches any.
func (e *ev) inAddr(a ir.Addr, addr netip.Addr) bool {
	switch {
	case a.IsZero():
		return true
	case a.Set != "":
		return e.inSet(a.Set, addr)
	}
	for _, p := range a.Prefixes {
		if p.Contains(addr) {
			return true
		}
	}
	for _, r := range a.Ranges {
		if r.From.Is4() == addr.Is4() && r.From.Compare(addr) <= 0 && addr.Compare(r.To) <= 0 {
			return true
		}
	}
	return false
}

// inSet looks addr up in the family half of the IR set name, as the
// emitted v4-/v6- sets do.
func (e *ev) inSet(name string, addr netip.Addr) bool {
	for _, s := range e.rs.Sets {
		if s.Name != name {
			continue
		}
		ps := s.V4
		if addr.Is6() {
			ps = s.V6
		}
		return inPrefixes(ps, addr)
	}
	return false
}

func inPrefixes(ps []netip.Prefix, a netip.Addr) bool {
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// setPos is where a set is defined, for steps that test it.
func (e *ev) setPos(name string) ir.Pos {
	for _, s := range e.rs.Sets {
		if s.Name == name {
			return s.Pos
		}
	}
	return ir.Pos{}
}
