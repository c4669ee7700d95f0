// Package explain answers "what happens to this packet?": it builds the
// packet a question describes, works out the hooks its way through the
// host crosses (bridge prerouting, input or forward, postrouting, ...),
// and runs it through the chains of the firewall's plan at each of them
// with package plan/eval, the very chains emit/nft prints. The answer is
// the verdict and every rule on the way that did something, with its
// origin: the configuration line, or the built-in policy item. A
// difference between explain and the kernel running the ruleset is a bug
// in one of them, which the kernel lab checks.
//
// Assumptions, as in the lab: bridged frames do not pass the inet table
// (br_netfilter off or bridge-nf-call-iptables 0), and packets stay below
// every rate limit (protection_synflood's meters, log_ratelimit).
package explain

import (
	"fmt"
	"net"
	"net/netip"

	"github.com/fwc-project/fwc/ir"
	"github.com/fwc-project/fwc/plan"
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
	// RateLimited says a meter (protection_synflood) applies to this
	// packet: the Verdict holds while its source stays below the rate,
	// above it the packet is dropped.
	RateLimited bool
	// IPTables is the iptables backend's verdict: the same as Verdict
	// except where REJECT towards a guest degrades to DROP in nft.
	IPTables ir.Verdict
	// Notes say what the steps cannot: assumptions made, and where the
	// iptables backend differs.
	Notes []string
}

// Step is one rule on the path that did something: entered a chain,
// logged, marked, accepted, dropped or rejected.
type Step struct {
	Chain string // the chain, as emit/nft names it; "(kernel)" or "(ndp)" for what is not a rule
	Match string // the rule as nft loads it, or what happened
	Pos   ir.Pos // the configuration line (or file) the rule comes from
	Item  string // the built-in policy item the rule implements; "" for user rules
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
	e := &ev{rs: rs, plan: plan.Build(rs), top: top}
	src, dst, err := e.resolve(q)
	if err != nil {
		return Result{}, err
	}
	res := Result{Src: e.p.src, Dst: e.p.dst}
	if e.p.invalid {
		e.note("conntrack sees this packet as invalid: a TCP segment or ICMP message that cannot open a connection; ask with --state established for one that belongs to one")
	}
	v := e.walk(src, dst)
	res.Verdict, res.IPTables = v, v
	if e.iptables != nil {
		res.IPTables = *e.iptables
	}
	res.Path, res.Notes, res.Unsent, res.RateLimited = e.steps, e.notes, e.unsent, e.rateLimited
	return res, nil
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
	case p.arp || e.top.broadcast(p.dst):
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
