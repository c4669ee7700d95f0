package lab

import (
	"fmt"
	"net/netip"
	"os"
	"path/filepath"

	"github.com/fwc-project/fwc/explain"
	"github.com/fwc-project/fwc/ir"
	"github.com/fwc-project/fwc/lab/packet"
)

// IRLoader loads the IR of the tree at root for node, as the compiler
// saw it.
type IRLoader func(root, node string) (*ir.Ruleset, error)

// explainIR loads the IR for explain checks: only for trees fwc compiled,
// not for scenarios with a hand-written ruleset.
func explainIR(root, node string, load IRLoader) (*ir.Ruleset, error) {
	if load == nil {
		return nil, nil
	}
	if _, err := os.Stat(filepath.Join(root, RulesetSection)); err == nil {
		return nil, nil
	}
	rs, err := load(root, node)
	if err != nil {
		return nil, fmt.Errorf("load the IR for fwc explain: %w", err)
	}
	return rs, nil
}

// Explain asks fwc explain the question probe p asks the kernel, over
// rs, the IR of the tree the scenario compiled, with the endpoints,
// addresses and MACs the probe uses in n. The verdict is what the probe
// would observe if the kernel behaves as explain says.
func (n *Net) Explain(rs *ir.Ruleset, p *Probe) (Verdict, explain.Result, error) {
	src, dst, err := n.resolve(p)
	if err != nil {
		return 0, explain.Result{}, err
	}
	q := explain.Packet{
		From: explainEnd(p.Src, src), To: explainEnd(p.Dst, dst),
		Proto: p.Proto, DPort: p.Port, SPort: p.SPort, Flags: p.Flags,
		Src: src.addr, Dst: dst.addr, SrcMAC: src.mac, Raw: p.Forged(),
	}
	if p.Proto == "icmp" {
		q.ICMPType = fmt.Sprintf("%d/%d", p.ICMPType, p.ICMPCode)
		if p.IPv6 {
			q.Proto = "icmpv6"
		}
	}
	if p.SpoofIP.IsValid() {
		q.Src = p.SpoofIP
	}
	if p.SpoofMAC != nil {
		q.SrcMAC = p.SpoofMAC
	}
	for _, t := range p.Tags {
		q.Tags = append(q.Tags, explain.Tag{S: t.S, VID: t.VID})
	}
	if p.Frame != NoFrame {
		// Frames are seen by a packet socket at the destination, before
		// the host's IP input.
		q.Link = true
		frameQuestion(&q, p, src, dst)
	}
	res, err := explain.Network{Uplink: n.Top.Uplink.Bridge}.Explain(rs, q)
	if err != nil {
		return 0, res, err
	}
	v := map[ir.Verdict]Verdict{ir.Accept: Accept, ir.Drop: Drop, ir.Reject: Reject}[res.Verdict]
	if v == Reject && p.Forged() {
		v = Drop // forged probes observe delivery only
	}
	return v, res, nil
}

func explainEnd(e Endpoint, r end) explain.Endpoint {
	switch e.Kind {
	case Host:
		return explain.Endpoint{Kind: explain.Host}
	case Outside:
		return explain.Endpoint{Kind: explain.Outside}
	}
	return explain.Endpoint{Kind: explain.Guest, VMID: r.port.VMID, NIC: r.port.Index}
}

// frameQuestion fills in what the forged frames of forge.go carry.
func frameQuestion(q *explain.Packet, p *Probe, src, dst end) {
	ll := linkLocal(src.mac)
	all := netip.MustParseAddr("ff02::1")
	bcast := netip.AddrFrom4([4]byte{255, 255, 255, 255})
	switch p.Frame {
	case ARP:
		q.Proto = "arp"
		if p.ClaimIP.IsValid() {
			q.Src = p.ClaimIP
		}
		q.LLAddr = p.ClaimMAC
		if q.LLAddr == nil {
			q.LLAddr = src.mac
		}
	case OtherFrame:
		q.Proto, q.EtherType = "", p.EtherType
	case NeighborSolicit:
		q.Proto, q.ICMPType, q.Src, q.Dst = "icmpv6", "135", ll, packet.SolicitedNode(dst.addr)
		q.Target, q.LLAddr = dst.addr, src.mac
	case NeighborAdvert:
		q.Proto, q.ICMPType, q.Src, q.Dst = "icmpv6", "136", ll, all
		q.Target, q.LLAddr = p.ClaimIP, p.ClaimMAC
		if q.LLAddr == nil {
			q.LLAddr = src.mac
		}
	case RouterAdvert:
		q.Proto, q.ICMPType, q.Src, q.Dst = "icmpv6", "134", ll, all
	case DHCPOffer:
		q.Proto, q.SPort, q.DPort, q.Dst = "udp", 67, 68, bcast
	case DHCPDiscover:
		q.Proto, q.SPort, q.DPort, q.Src, q.Dst = "udp", 68, 67, netip.AddrFrom4([4]byte{}), bcast
	case DHCP6Advertise:
		q.Proto, q.SPort, q.DPort, q.Src, q.Dst = "udp", 547, 546, ll, all
	case DHCP6Solicit:
		q.Proto, q.SPort, q.DPort, q.Src, q.Dst = "udp", 546, 547, ll, netip.MustParseAddr("ff02::1:2")
	}
}

// ExplainMismatch compares a probe's observed verdict with explain's and
// describes a disagreement, or returns "".
func (n *Net) ExplainMismatch(rs *ir.Ruleset, p *Probe, got Verdict) string {
	want, res, err := n.Explain(rs, p)
	if err != nil {
		return fmt.Sprintf("fwc explain failed: %v", err)
	}
	// A failed neighbour discovery can also show as a reject, and a SYN
	// over protection_synflood's rate is dropped: the probes' history,
	// which explain does not know, decides.
	if want == got || res.Unsent && got == Reject || res.RateLimited && got == Drop {
		return ""
	}
	s := fmt.Sprintf("kernel says %s, fwc explain says %s (%s -> %s):", got, want, res.Src, res.Dst)
	for _, st := range res.Path {
		s += fmt.Sprintf("\n\t%s: %s (%s)", st.Chain, st.Match, st.Pos)
	}
	for _, note := range res.Notes {
		s += "\n\tnote: " + note
	}
	return s
}
