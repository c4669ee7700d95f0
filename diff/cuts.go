package diff

import (
	"net/netip"
	"slices"

	"github.com/fwc-project/fwc/explain"
	"github.com/fwc-project/fwc/ir"
	"github.com/fwc-project/fwc/plan"
	"github.com/fwc-project/fwc/plan/eval"
)

// cuts are where one family's header fields are cut into cells.
type cuts struct {
	addrs  []AddrRange
	protos []uint8
	sport  map[uint8][]int // by protocol (0: every protocol with ports): cell starts
	dport  map[uint8][]int
	types  []int         // ICMP type cell starts
	codes  map[int][]int // ICMP code cell starts, for types a rule names with a code
	v6     bool
}

// field is one cell of the fields other than the remote address.
type field struct{ sport, dport, typ, code Range }

// protoOther is the protocol that speaks for every protocol no rule
// names: with neither ports nor ICMP types, no rule tells them apart.
func protoOther(named []uint8) uint8 {
	for p := 47; ; p++ { // gre first: an ordinary protocol
		if !slices.Contains(named, uint8(p)) && !hasPorts(uint8(p)) && p != 1 && p != 58 {
			return uint8(p)
		}
	}
}

func hasPorts(p uint8) bool { return eval.HasPorts(p) }

// cutsFor gathers the cuts for packets from or to guest vmid (0: the
// host and outside only) of both plans and both layouts: the conditions
// of the chains such packets can reach.
func (c *comparer) cutsFor(vmid int) *[2]cuts {
	if cu, ok := c.cuts[vmid]; ok {
		return cu
	}
	var out [2]cuts
	for fi, v6 := range []bool{false, true} {
		cu := cuts{v6: v6, sport: map[uint8][]int{}, dport: map[uint8][]int{}, codes: map[int][]int{}}
		var addrs []netip.Prefix
		var ranges []ir.AddrRange
		named := []uint8{6, 17}
		if v6 {
			named = append(named, 58)
		} else {
			named = append(named, 1)
		}
		for _, n := range []*explain.Node{c.old, c.new} {
			for _, p := range n.Prefixes(vmid) {
				if p.Addr().Is6() == v6 {
					addrs = append(addrs, p.Masked(), netip.PrefixFrom(p.Addr(), p.Addr().BitLen()))
				}
			}
			for _, t := range n.Plan().Tables {
				for _, ch := range reachable(t, vmid) {
					for _, r := range ch.Rules {
						for _, cd := range r.Match {
							switch cd := cd.(type) {
							case plan.L4:
								named = append(named, cd.Protos...)
							case plan.Port:
								m := cu.dport
								if cd.Side == plan.Src {
									m = cu.sport
								}
								for _, r := range cd.Ranges {
									m[cd.Proto] = append(m[cd.Proto], int(r.Lo), int(r.Hi)+1)
								}
							case plan.PortInSet:
								m := cu.dport
								if cd.Side == plan.Src {
									m = cu.sport
								}
								for _, r := range t.Set(cd.Set).Ports {
									m[cd.Proto] = append(m[cd.Proto], int(r.Lo), int(r.Hi)+1)
								}
							case plan.ICMP:
								if cd.V6 != v6 {
									continue
								}
								for _, t := range cd.Types {
									cu.types = append(cu.types, int(t.Type), int(t.Type)+1)
									if t.HasCode {
										cu.codes[int(t.Type)] = append(cu.codes[int(t.Type)], int(t.Code), int(t.Code)+1)
									}
								}
							case plan.ICMPRange:
								if cd.V6 == v6 {
									cu.types = append(cu.types, int(cd.Lo), int(cd.Hi)+1)
								}
							case plan.AddrInSet:
								if cd.V6 == v6 {
									addrs = append(addrs, t.Set(cd.Set).Prefixes...)
								}
							case plan.Addr:
								if cd.V6 == v6 {
									addrs = append(addrs, cd.Prefixes...)
									ranges = append(ranges, cd.Ranges...)
								}
							}
						}
					}
				}
			}
		}
		// What conntrack makes of an ICMP message changes with its type.
		for t := 1; t < 256; t++ {
			if explain.ICMPConntrack(v6, uint8(t)) != explain.ICMPConntrack(v6, uint8(t-1)) {
				cu.types = append(cu.types, t)
			}
		}
		named = append(named, protoOther(named))
		slices.Sort(named)
		cu.protos = slices.Compact(named)
		cu.addrs = addrCells(v6, addrs, ranges)
		out[fi] = cu
	}
	c.cuts[vmid] = &out
	return &out
}

// reachable are the chains of t a packet from or to guest vmid (0: none)
// can run through: from the base chains, through jumps, gotos and the
// verdict map entries that lead to no other guest's chains.
func reachable(t *plan.Table, vmid int) []*plan.Chain {
	seen := map[string]bool{}
	var out, todo []*plan.Chain
	visit := func(name string) {
		ch := t.Chain(name)
		if ch != nil && !seen[name] && (ch.VMID == 0 || ch.VMID == vmid) {
			seen[name] = true
			todo = append(todo, ch)
		}
	}
	for _, ch := range t.Chains {
		if ch.Hook != nil {
			visit(ch.Name)
		}
	}
	for len(todo) > 0 {
		ch := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		out = append(out, ch)
		for _, r := range ch.Rules {
			switch v := r.Verdict.(type) {
			case plan.Jump:
				visit(v.Chain)
			case plan.Goto:
				visit(v.Chain)
			case plan.VMap:
				for _, e := range t.Map(v.Map).Elems {
					visit(e.Goto)
				}
			}
		}
	}
	return out
}

// fields are the cells of proto's ports or ICMP types.
func (cu *cuts) fields(proto uint8) []field {
	switch {
	case hasPorts(proto):
		var out []field
		for _, s := range cells(append(slices.Clone(cu.sport[0]), cu.sport[proto]...), 65535) {
			for _, d := range cells(append(slices.Clone(cu.dport[0]), cu.dport[proto]...), 65535) {
				out = append(out, field{sport: s, dport: d})
			}
		}
		return out
	case isICMP(cu.family(), proto):
		var out []field
		for _, t := range cells(cu.types, 255) {
			for _, code := range cells(cu.codes[t.Lo], 255) {
				out = append(out, field{typ: t, code: code})
			}
		}
		return out
	}
	return []field{{}}
}

func (cu *cuts) family() int {
	if cu.v6 {
		return 6
	}
	return 4
}

// cells cuts 0..max at the starts.
func cells(starts []int, max int) []Range {
	s := append([]int{0}, starts...)
	slices.Sort(s)
	s = slices.Compact(s)
	var out []Range
	for i, lo := range s {
		if lo > max {
			break
		}
		hi := max
		if i+1 < len(s) && s[i+1]-1 < max {
			hi = s[i+1] - 1
		}
		out = append(out, Range{lo, hi})
	}
	return out
}

// addrCells cuts the family's address space at the edges of the
// prefixes and ranges.
func addrCells(v6 bool, ps []netip.Prefix, rs []ir.AddrRange) []AddrRange {
	first, last := netip.IPv4Unspecified(), lastAddr(4)
	if v6 {
		first, last = netip.IPv6Unspecified(), lastAddr(6)
	}
	starts := []netip.Addr{first}
	add := func(lo, hi netip.Addr) {
		starts = append(starts, lo)
		if n := hi.Next(); n.IsValid() {
			starts = append(starts, n)
		}
	}
	for _, p := range ps {
		p = p.Masked()
		add(p.Addr(), lastOf(p))
	}
	for _, r := range rs {
		if r.From.Is6() == v6 {
			add(r.From, r.To)
		}
	}
	slices.SortFunc(starts, netip.Addr.Compare)
	starts = slices.Compact(starts)
	out := make([]AddrRange, len(starts))
	for i, s := range starts {
		hi := last
		if i+1 < len(starts) {
			hi = starts[i+1].Prev()
		}
		out[i] = AddrRange{s, hi}
	}
	return out
}

// lastAddr is the family's highest address.
func lastAddr(fam int) netip.Addr {
	if fam == 6 {
		return lastOf(netip.PrefixFrom(netip.IPv6Unspecified(), 0))
	}
	return lastOf(netip.PrefixFrom(netip.IPv4Unspecified(), 0))
}

// lastOf is the highest address of the (masked) prefix p.
func lastOf(p netip.Prefix) netip.Addr {
	b := p.Addr().AsSlice()
	for i := p.Bits(); i < len(b)*8; i++ {
		b[i/8] |= 0x80 >> (i % 8)
	}
	a, _ := netip.AddrFromSlice(b)
	return a
}
