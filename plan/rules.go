package plan

import (
	"net/netip"
	"slices"

	"github.com/fwc-project/fwc/ir"
)

// userRule appends the user rule r to c: per family copy and ICMP
// alternative a log rule (when r logs) with the same match, then the
// verdict rule. With iface the chain matches r.Iface (host chains);
// without, the caller has kept only the rules for the chain's own NIC.
func (b *builder) userRule(c *Chain, r *ir.Rule, dir ir.Direction, iface bool, d dialect) {
	for _, a := range []ir.Addr{r.Src, r.Dst} {
		if a.Set != "" {
			b.useSet(a.Set)
		}
	}
	o := Origin{Pos: r.Pos, Rule: r}
	var v Verdict
	var stmts []Stmt
	switch r.Verdict {
	case ir.Accept:
		v = Accept{}
		if d.mark {
			stmts = []Stmt{SetMark{Bits: AcceptMark}}
		}
	case ir.Drop:
		v = Drop{}
	case ir.Reject:
		v = d.reject()
	case ir.Jump:
		name := GroupChain(r.Group, dir, d.late)
		b.groups[name] = true
		v = Jump{Chain: name}
	default:
		impossible("bad verdict %d", int(r.Verdict))
	}
	var head []Cond
	if iface && r.Iface != "" {
		if dir == ir.Forward {
			impossible("interface match in a forward rule: %s", r.Iface)
		}
		side := Src
		if dir == ir.Out {
			side = Dst
		}
		head = append(head, Iface{Side: side, Name: r.Iface})
	}
	for _, m := range matches(r, head) {
		if r.Log != ir.NoLog {
			c.add(o, nil, m...).Stmts = b.logStmts(r.Log, d.vmid, r.Verdict.String()+": ")
		}
		vr := c.add(o, v, m...)
		vr.Stmts, vr.Comment = stmts, r.Comment
	}
}

// matches is r's match part after head. One rule can need several plan
// rules: a rule matching a named set in both families has an IPv4 and an
// IPv6 copy (each looks up its own set), and ICMP types with codes cannot
// share one type set.
func matches(r *ir.Rule, head []Cond) [][]Cond {
	var out [][]Cond
	for _, f := range copies(r) {
		addrs := addrConds(r, f)
		for _, proto := range protoConds(r) {
			m := make([]Cond, 0, len(head)+1+len(proto)+len(addrs))
			m = append(m, head...)
			if f != ir.Any && len(addrs) == 0 {
				m = append(m, Protocol{Proto: l3(f)})
			}
			m = append(m, proto...)
			out = append(out, append(m, addrs...))
		}
	}
	return out
}

func l3(f ir.Family) L3 {
	switch f {
	case ir.IPv4:
		return IPv4
	case ir.IPv6:
		return IPv6
	}
	impossible("no family to pin")
	return 0
}

// copies lists the families r is made for.
func copies(r *ir.Rule) []ir.Family {
	switch {
	case r.Family != ir.Any:
		return []ir.Family{r.Family}
	case r.Src.Set != "" || r.Dst.Set != "":
		return []ir.Family{ir.IPv4, ir.IPv6}
	}
	return []ir.Family{ir.Any}
}

// protoConds is the protocol, ports and ICMP types; each element is an
// alternative (one plan rule each).
func protoConds(r *ir.Rule) [][]Cond {
	if len(r.ICMP) > 0 {
		return icmpConds(r)
	}
	m := make([]Cond, 0, 3)
	if r.Proto != "" {
		m = append(m, L4{Protos: []uint8{r.ProtoNum}})
	}
	if len(r.SPort) > 0 {
		m = append(m, Port{Side: Src, Ranges: r.SPort})
	}
	if len(r.DPort) > 0 {
		m = append(m, Port{Side: Dst, Ranges: r.DPort})
	}
	return [][]Cond{m}
}

// icmpConds is one type set when no type has a code, else one alternative
// per type.
func icmpConds(r *ir.Rule) [][]Cond {
	v6 := r.ProtoNum == protoICMPv6
	if !slices.ContainsFunc(r.ICMP, func(t ir.ICMPType) bool { return t.HasCode }) {
		return [][]Cond{{ICMP{V6: v6, Types: r.ICMP}}}
	}
	var out [][]Cond
	for _, t := range r.ICMP {
		out = append(out, []Cond{ICMP{V6: v6, Types: []ir.ICMPType{t}}})
	}
	return out
}

// addrConds is the source and destination match of the copy f.
func addrConds(r *ir.Rule, f ir.Family) []Cond {
	var out []Cond
	if !r.Src.IsZero() {
		out = append(out, addrCond(r.Src, Src, f))
	}
	if !r.Dst.IsZero() {
		out = append(out, addrCond(r.Dst, Dst, f))
	}
	return out
}

func addrCond(a ir.Addr, side Side, f ir.Family) Cond {
	if a.Set != "" {
		if f == ir.Any {
			impossible("set lookup without a family")
		}
		return AddrInSet{Side: side, V6: f == ir.IPv6, Set: SetName(f == ir.IPv6, a.Set)}
	}
	v6 := false
	for _, p := range a.Prefixes {
		v6 = p.Addr().Is6()
	}
	for _, rg := range a.Ranges {
		v6 = rg.From.Is6()
	}
	return Addr{Side: side, V6: v6, Prefixes: a.Prefixes, Ranges: a.Ranges}
}

// split separates the IPv4 and IPv6 prefixes of a mixed list.
func split(ps []netip.Prefix) (v4, v6 []netip.Prefix) {
	for _, p := range ps {
		if p.Addr().Is4() {
			v4 = append(v4, p)
		} else {
			v6 = append(v6, p)
		}
	}
	return v4, v6
}
