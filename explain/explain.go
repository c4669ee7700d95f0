// Package explain answers "what happens to this packet?" over the IR: it
// walks the chains emit/nft writes, in their order and with their
// built-in rules, and returns the verdict with every step that decided
// something and the configuration line behind it. emit/nft's output is
// the reference: a difference between explain and the kernel running
// that output is a bug in one of them, which the kernel lab checks.
//
// Assumptions, as in the lab: bridged frames do not pass the inet table
// (br_netfilter off or bridge-nf-call-iptables 0), and a single SYN stays
// below protection_synflood's rate.
package explain

import (
	"fmt"
	"net"
	"net/netip"

	"github.com/fwc-project/fwc/ir"
)

// Result is the answer to a question.
type Result struct {
	Verdict ir.Verdict // Accept, Drop or Reject as the kernel applies it
	Path    []Step
	// Src and Dst are the addresses explain used (the defaults filled).
	Src, Dst netip.Addr
	// Unsent says the packet never left its sender: IPv6 neighbour
	// discovery failed. The Verdict is then Drop, but a sender whose
	// neighbour entry has already failed is told "no route to host" at
	// once, which looks like a reject.
	Unsent bool
	// RateLimited says protection_synflood applies to this SYN: the
	// Verdict holds while its source stays below the rate, above it the
	// SYN is dropped.
	RateLimited bool
	// IPTables is the iptables backend's verdict: the same as Verdict
	// except where REJECT towards a guest degrades to DROP in nft.
	IPTables ir.Verdict
	// Notes say what the steps cannot: assumptions made, and where the
	// iptables backend differs.
	Notes []string
}

// Step is one rule on the path that decided something: entered a chain,
// accepted, dropped or rejected.
type Step struct {
	Chain string // the nft chain, as emit/nft names it
	Match string // what matched, in words or as ir.Rule.String
	Pos   ir.Pos // the configuration line (or file) responsible
}

// Explain evaluates p over rs with the default network (a routed uplink).
func Explain(rs *ir.Ruleset, p Packet) (Result, error) {
	return Network{}.Explain(rs, p)
}

// Explain evaluates p over rs on the network nw.
func (nw Network) Explain(rs *ir.Ruleset, q Packet) (Result, error) {
	top, err := nw.plan(rs)
	if err != nil {
		return Result{}, err
	}
	e := &ev{rs: rs, top: top, files: findFiles(rs)}
	src, dst, err := e.resolve(q)
	if err != nil {
		return Result{}, err
	}
	res := Result{Src: e.p.src, Dst: e.p.dst}
	if e.p.invalid {
		e.note("conntrack sees this packet as invalid: a TCP segment or ICMP message that cannot open a connection; ask with --state established for one that belongs to one")
	}
	v := e.walk(src, dst)
	res.Verdict, res.IPTables = v.ir(), v.ir()
	if e.iptables != nil {
		res.IPTables = e.iptables.ir()
	}
	res.Path, res.Notes, res.Unsent, res.RateLimited = e.steps, e.notes, e.unsent, e.rateLimited
	return res, nil
}

func (v verdict) ir() ir.Verdict {
	switch v {
	case dropped:
		return ir.Drop
	case rejected:
		return ir.Reject
	}
	return ir.Accept
}

// place is a resolved endpoint: where it sits and its addresses.
type place struct {
	kind Kind
	port *port    // guests
	seg  *segment // the segment it is on; for the host, the peer's
}

// resolve finds both endpoints and fills the packet.
func (e *ev) resolve(q Packet) (src, dst place, err error) {
	if q.From.Kind == q.To.Kind && q.From.Kind != Guest {
		return src, dst, fmt.Errorf("%s to %s: source and destination are the same", q.From, q.To)
	}
	if src, err = e.place(q.From); err != nil {
		return
	}
	if dst, err = e.place(q.To); err != nil {
		return
	}
	if src.kind == Host {
		src.seg = dst.seg
	}
	if dst.kind == Host {
		dst.seg = src.seg
	}
	if src.port != nil && src.port == dst.port {
		return src, dst, fmt.Errorf("%s to %s: source and destination are the same NIC", q.From, q.To)
	}
	p := &pkt{state: q.State, src: q.Src, dst: q.Dst, fam: 4}
	switch {
	case q.Src.IsValid() && q.Dst.IsValid() && q.Src.Is4() != q.Dst.Is4():
		return src, dst, fmt.Errorf("--src %s and --dst %s are of different families", q.Src, q.Dst)
	case q.Src.Is6() || q.Dst.Is6() || q.IPv6:
		p.fam = 6
	case !q.Src.IsValid() && !q.Dst.IsValid() && isICMPv6Name(q.Proto):
		p.fam = 6 // -p icmpv6 says the family when no address does
	}
	e.p, e.link = p, q.Link
	if err = p.resolveProto(q); err != nil {
		return
	}
	fam := p.fam
	if !p.ip() {
		fam = 4 // the addresses of the endpoints, for the path
		if src.seg != dst.seg {
			return src, dst, fmt.Errorf("ARP and other non-IP frames do not cross the host: %s and %s are on different segments", q.From, q.To)
		}
		if q.Src.Is6() || q.Dst.Is6() {
			return src, dst, fmt.Errorf("ARP is IPv4 only")
		}
	}
	if !p.src.IsValid() {
		p.src = e.addr(src, fam)
	}
	if !p.dst.IsValid() {
		p.dst = e.addr(dst, fam)
	}
	if !p.src.IsValid() || !p.dst.IsValid() {
		return src, dst, fmt.Errorf("no IPv%d address for %s or %s: give --src and --dst", fam, q.From, q.To)
	}
	p.smac = e.mac(src)
	e.raw = q.Raw || !e.onLink(src, p.src)
	if q.SrcMAC != nil {
		e.raw = e.raw || q.SrcMAC.String() != p.smac.String()
		p.smac = q.SrcMAC
	}
	p.tags, p.target, p.lla = q.Tags, q.Target, q.LLAddr
	switch {
	case p.target.IsValid():
	case p.icmp == 136:
		p.target = p.src // an NA for the sender's own address
	default:
		p.target = p.dst // an NS for the destination's
	}
	switch {
	case p.arp || e.top.addrType(p.dst) == "broadcast":
		p.dmac = net.HardwareAddr{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
	case p.dst.Is4() && p.dst.IsMulticast():
		d := p.dst.As4()
		p.dmac = net.HardwareAddr{0x01, 0x00, 0x5e, d[1] & 0x7f, d[2], d[3]}
	case p.dst.IsMulticast():
		d := p.dst.As16()
		p.dmac = net.HardwareAddr{0x33, 0x33, d[12], d[13], d[14], d[15]}
	case dst.seg != src.seg || dst.kind == Host:
		p.dmac = src.seg.mac // routed or to the host: the host's MAC
	default:
		p.dmac = e.mac(dst)
	}
	return src, dst, nil
}

func (e *ev) place(ep Endpoint) (place, error) {
	switch ep.Kind {
	case Host:
		return place{kind: Host}, nil
	case Outside:
		return place{kind: Outside, seg: e.top.uplink}, nil
	}
	pt, err := e.top.find(ep)
	if err != nil {
		return place{}, err
	}
	seg := e.top.segs[pt.n.Bridge]
	if seg == nil {
		return place{}, fmt.Errorf("%d/net%d has no bridge", pt.g.VMID, pt.n.Index)
	}
	return place{kind: Guest, port: pt, seg: seg}, nil
}

func (e *ev) addr(pl place, fam int) netip.Addr {
	switch pl.kind {
	case Host:
		return pick(pl.seg.host, fam)
	case Outside:
		return pick(e.top.outside, fam)
	}
	return pick(pl.port.addrs, fam)
}

// onLink reports whether a is an address the endpoint can really have:
// one of its own or on one of its subnets. Others are forged.
func (e *ev) onLink(pl place, a netip.Addr) bool {
	var ps []netip.Prefix
	switch pl.kind {
	case Host:
		return true
	case Outside:
		ps = e.top.outside
	default:
		ps = pl.port.addrs
	}
	for _, p := range ps {
		if p.Masked().Contains(a) {
			return true
		}
	}
	return a.IsLinkLocalUnicast()
}

func (e *ev) mac(pl place) net.HardwareAddr {
	switch pl.kind {
	case Host:
		return pl.seg.mac
	case Outside:
		return e.top.outMAC
	}
	return pl.port.mac
}

// walk sends the packet through the hooks on its path, after the
// neighbour discovery the senders on the path need.
func (e *ev) walk(src, dst place) verdict {
	if !e.rs.Enabled {
		e.note("the firewall is disabled (cluster.fw enable: 0): fwc loads empty tables")
		return accepted
	}
	if v := e.senderND(src, dst); v != none {
		return v
	}
	v := e.path(src, dst, false)
	if len(e.steps) == 0 {
		e.note("no chain of fwc's rulesets filters this path")
	}
	return v
}

// path runs the hooks a packet from src to dst crosses. A hook's verdict
// other than accept ends the walk; accept moves on to the next hook. nd
// marks a neighbour discovery packet, which the IP stack itself does not
// filter.
func (e *ev) path(src, dst place, nd bool) verdict {
	hostT := e.rs.Host.Enabled
	p := e.p
	bridged := src.kind != Host && dst.kind != Host && src.seg == dst.seg
	var hooks []func() verdict
	// Leaving the source.
	switch src.kind {
	case Host:
		p.oif = dst.seg.name
		if hostT && p.ip() { // ARP and other non-IP frames never enter the inet table
			hooks = append(hooks, e.output)
		}
	case Guest:
		p.bridge = src.seg.name
		hooks = append(hooks, func() verdict { return e.guestOut(src.port) }, e.inUnicast)
	case Outside:
		if src.seg.guest {
			p.bridge = src.seg.name
			hooks = append(hooks, e.inUnicast)
		}
	}
	// Through the host, unless bridged.
	if !bridged && src.kind != Host && p.ip() && !e.link && !nd {
		hooks = append(hooks, e.martian)
	}
	switch {
	case bridged:
	case dst.kind == Host:
		p.iif = src.seg.name
		if hostT && p.ip() && !e.link {
			hooks = append(hooks, e.input)
		}
	case src.kind != Host:
		p.iif, p.oif = src.seg.name, dst.seg.name
		if hostT {
			hooks = append(hooks, e.forward)
		}
	}
	if !nd && !bridged && dst.kind != Host {
		hooks = append(hooks, func() verdict { return e.hostND(dst) })
	}
	// Reaching a guest.
	if dst.kind == Guest {
		if !bridged {
			p.mark = false // a new frame on the destination bridge
		}
		hooks = append(hooks, func() verdict { return e.postrouting(dst.port, !bridged) })
	}
	for _, h := range hooks {
		if v := h(); v == dropped || v == rejected {
			return v
		}
	}
	return accepted
}

// martian drops what the IP stack itself refuses on receipt, before the
// input or forward hook: multicast, limited-broadcast, loopback and (to a
// unicast address) unspecified sources.
func (e *ev) martian() verdict {
	p := e.p
	var why string
	switch {
	case p.src.IsMulticast():
		why = "multicast source"
	case p.src.IsLoopback():
		why = "loopback source"
	case p.src == netip.AddrFrom4([4]byte{255, 255, 255, 255}):
		why = "limited-broadcast source"
	case p.src.IsUnspecified() && e.top.addrType(p.dst) != "broadcast":
		why = "unspecified source"
	default:
		return none
	}
	e.step("(kernel)", "martian "+why+": dropped by the IP stack before netfilter's input and forward hooks", ir.Pos{})
	return dropped
}
