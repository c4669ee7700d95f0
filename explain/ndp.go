package explain

import (
	"fmt"
	"net"
	"net/netip"

	"github.com/fwc-project/fwc/ir"
)

// IPv6 neighbour discovery: before a unicast packet leaves a sender for
// a neighbour, the sender solicits it (a multicast NS through the
// receiver's input) and the neighbour advertises itself back (a unicast
// NA). Conntrack leaves both untracked, so only the NDP allowances, user
// rules and policies decide; if either is dropped, the packet is never
// sent. A guest or outside sender resolves the host (or a bridged
// neighbour) before anything else happens; the host resolves the next hop
// after its output or forward hook let the packet through. A forged
// (raw) sender does no discovery.
//
// The kernel caches neighbours, so a link an earlier exchange resolved
// can work when a fresh one would not; explain answers for a cold cache.

// needsND reports whether the packet needs neighbour discovery at all.
func (e *ev) needsND() bool {
	p := e.p
	return p.fam == 6 && !p.arp && !p.dst.IsMulticast() && !e.link
}

// senderND is the discovery the sender does first.
func (e *ev) senderND(src, dst place) ir.Verdict {
	if !e.needsND() || e.raw || src.kind == Host {
		return ir.Accept
	}
	if dst.kind != Host && src.seg == dst.seg {
		return e.solicit(src, dst)
	}
	return e.solicit(src, place{kind: Host, seg: src.seg})
}

// hostND is the host's discovery of the next hop dst.
func (e *ev) hostND(dst place) ir.Verdict {
	if !e.needsND() {
		return ir.Accept
	}
	return e.solicit(place{kind: Host, seg: dst.seg}, dst)
}

// solicit runs the NS from a to b and the NA back.
func (e *ev) solicit(a, b place) ir.Verdict {
	orig := e.p
	defer func() { e.p = orig }()
	aAddr, bAddr := e.addr(a, 6), e.addr(b, 6)
	for _, m := range []struct {
		name     string
		icmp     uint8
		from, to place
		src, dst netip.Addr
		dmac     net.HardwareAddr
	}{
		{"neighbor solicitation", 135, a, b, aAddr, solicitedNode(bAddr), solicitedMAC(bAddr)},
		{"neighbor advertisement", 136, b, a, bAddr, aAddr, e.mac(a)},
	} {
		e.p = &pkt{fam: 6, proto: 58, protoName: "ipv6-icmp", icmp: m.icmp, untracked: true,
			src: m.src, dst: m.dst, smac: e.mac(m.from), dmac: m.dmac, target: bAddr}
		what := fmt.Sprintf("%s %s -> %s", m.name, m.src, m.dst)
		e.step("(ndp)", what+": needed before the packet can be sent", ir.Pos{})
		if v := e.path(m.from, m.to, true); v != ir.Accept {
			e.unsent = true
			e.note("IPv6 neighbour discovery fails (%s is dropped): the packet is never sent; ndp: 1 or rules for ICMPv6 types 135/136 open it", what)
			return ir.Drop
		}
	}
	return ir.Accept
}

func solicitedNode(a netip.Addr) netip.Addr {
	b := a.As16()
	return netip.AddrFrom16([16]byte{0xff, 0x02, 11: 1, 12: 0xff, 13: b[13], 14: b[14], 15: b[15]})
}

func solicitedMAC(a netip.Addr) net.HardwareAddr {
	b := a.As16()
	return net.HardwareAddr{0x33, 0x33, 0xff, b[13], b[14], b[15]}
}
