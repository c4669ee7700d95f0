package explain

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/fwc-project/fwc/ir"
)

var zero4 = netip.AddrFrom4([4]byte{})

// filtered reports whether a NIC has chains in the bridge table.
func filtered(p *port) bool { return p != nil && p.g.Enabled && p.n.Firewall }

func nicChain(p *port, dir string) string {
	return fmt.Sprintf("guest-%d-net%d-%s", p.g.VMID, p.n.Index, dir)
}

// guestOut is prerouting's guest-out: the OUT chain of the NIC a frame
// comes from, in the order emit/nft/guest.go documents ("What a guest may
// send"): every anti-spoofing check before conntrack.
func (e *ev) guestOut(src *port) verdict {
	if !filtered(src) {
		return none
	}
	g, n, p := src.g, src.n, e.p
	c := nicChain(src, "out")
	e.step("guest-out", fmt.Sprintf("iifname vmap @out-iface: %s -> goto %s", n.Iface, c), n.Pos)
	d := dialect{bridge: true}
	if why := vlanRefused(n, p.tags); why != "" {
		e.step(c, why+" drop", n.Pos)
		return dropped
	}
	if why := spoofed(g, n, p); why != "" {
		e.step(c, why, n.Pos)
		return dropped
	}
	if n.IPFilter != "" && p.ether == 0 {
		set := n.IPFilter
		udp := !p.arp && p.proto == 17
		switch {
		case g.DHCP && p.fam == 4 && p.src == zero4 && udp && p.sport == 68 && p.dport == 67:
			e.step(c, "ipfilter: DHCP request from 0.0.0.0 accept", e.setPos(set))
			return accepted
		case !e.inSet(set, p.src):
			what := "ip saddr"
			if p.arp {
				what = "arp sender ip"
			}
			e.step(c, fmt.Sprintf("ipfilter: %s %s not in @%s drop", what, p.src, set), e.setPos(set))
			return dropped
		case p.fam == 6 && p.proto == 58 && p.icmp == 136 && !e.inSet(set, p.target):
			e.step(c, fmt.Sprintf("ipfilter: neighbour advertisement target %s not in @%s drop", p.target, set), e.setPos(set))
			return dropped
		}
	}
	if !g.RAdv && p.isICMP() && (p.fam == 6 && (p.icmp == 134 || p.icmp == 137) || p.fam == 4 && p.icmp == 5) {
		e.step(c, "router advertisement or redirect drop (radv off)", g.Pos)
		return dropped
	}
	if v := e.conntrack(c, d, g.Pos); v != none {
		return v
	}
	if !p.arp && p.proto == 17 && g.DHCP && (p.sport == 68 && p.dport == 67 || p.sport == 546 && p.dport == 547) {
		e.step(c, "dhcp client request accept", g.Pos)
		return accepted
	}
	if g.NDP && !p.arp && p.fam == 6 && p.proto == 58 && p.icmp >= 133 && p.icmp <= 136 {
		e.step(c, "icmpv6 neighbour discovery accept (ndp)", g.Pos)
		return accepted
	}
	if p.arp {
		e.step(c, "meta protocol arp accept", g.Pos)
		return accepted
	}
	if v := e.nicRules(c, g.Out, src, ir.Out, d); v != none {
		return v
	}
	return e.policy(c, g.PolicyOut, d, g.Pos)
}

// vlanRefused says why a NIC may not send a frame with these tags: no tag
// without trunks=, else one 802.1Q tag with a listed VID.
func vlanRefused(n *ir.NIC, tags []Tag) string {
	switch {
	case len(tags) == 0:
		return ""
	case len(n.Trunks) == 0:
		return "vlan: tagged frame from a NIC without trunks"
	case tags[0].S:
		return "vlan: 802.1ad service tag"
	case len(tags) > 1:
		return "vlan: double tag"
	}
	for _, r := range n.Trunks {
		if int(tags[0].VID) >= r.Lo && int(tags[0].VID) <= r.Hi {
			return ""
		}
	}
	return fmt.Sprintf("vlan: id %d not in trunks", tags[0].VID)
}

// spoofed says which link-layer check of macfilter and layer2_protocols
// a frame fails: its source MAC, the ARP sender MAC, NDP's link-layer
// address option (in RS, NS, NA; the lab's and a real stack's NDP carry
// at most that one option), an ethertype outside layer2_protocols.
func spoofed(g *ir.Guest, n *ir.NIC, p *pkt) string {
	ndp := !p.arp && p.fam == 6 && p.proto == 58 && (p.icmp == 133 || p.icmp == 135 || p.icmp == 136)
	if g.MACFilter && n.MAC != "" {
		switch {
		case p.smac.String() != n.MAC:
			return fmt.Sprintf("macfilter: ether saddr %s != %s drop", p.smac, n.MAC)
		case p.arp && p.llAddr().String() != n.MAC:
			return fmt.Sprintf("macfilter: arp saddr ether %s != %s drop", p.llAddr(), n.MAC)
		case ndp && p.llAddr().String() != n.MAC:
			return fmt.Sprintf("macfilter: NDP link-layer address option %s != %s drop", p.llAddr(), n.MAC)
		}
	}
	if t := p.etherType(); g.L2Protocols != nil && !p.ip() && !slices.Contains(g.L2Protocols, t) {
		return fmt.Sprintf("layer2_protocols: meta protocol 0x%04x not listed drop", t)
	}
	return ""
}

// guestIn is a NIC's IN chain: the unicast variant from prerouting or the
// late one from postrouting.
func (e *ev) guestIn(dst *port, late bool) verdict {
	g, p := dst.g, e.p
	c := nicChain(dst, "in")
	if late {
		c += "-late"
	}
	d := dialect{bridge: true, mark: !late, late: late}
	if v := e.conntrack(c, d, g.Pos); v != none {
		return v
	}
	if v := e.blacklist(c); v != none {
		return v
	}
	if p.arp {
		e.step(c, "meta protocol arp accept", g.Pos)
		return e.accept(d)
	}
	if p.proto == 17 && g.DHCP && (p.sport == 67 && p.dport == 68 || p.sport == 547 && p.dport == 546) {
		e.step(c, "dhcp server reply accept", g.Pos)
		return e.accept(d)
	}
	if g.NDP && p.fam == 6 && p.proto == 58 && p.icmp >= 133 && p.icmp <= 136 {
		e.step(c, "icmpv6 neighbour discovery accept (ndp)", g.Pos)
		return e.accept(d)
	}
	if v := e.nicRules(c, g.In, dst, ir.In, d); v != none {
		return v
	}
	return e.policy(c, g.PolicyIn, d, g.Pos)
}

// nicRules runs the guest rules that apply to the NIC: those without -i
// and those naming it.
func (e *ev) nicRules(c string, rules []ir.Rule, nic *port, dir ir.Direction, d dialect) verdict {
	var mine []ir.Rule
	for _, r := range rules {
		if r.Iface == "" || r.Iface == nic.n.Iface {
			r.Iface = ""
			mine = append(mine, r)
		}
	}
	return e.userRules(c, mine, dir, "", d)
}

// unicastOwner is the NIC whose in-mac entry a frame's bridge and
// destination MAC hit: the first filtered NIC with that MAC on the
// bridge, as emit/nft fills the map.
func (e *ev) unicastOwner() *port {
	for i := range e.top.ports {
		q := &e.top.ports[i]
		if filtered(q) && q.n.MAC != "" && q.n.Bridge == e.p.bridge && q.n.MAC == e.p.dmac.String() {
			return q
		}
	}
	return nil
}

// inUnicast is prerouting's guest-in-unicast.
func (e *ev) inUnicast() verdict {
	q := e.unicastOwner()
	if q == nil {
		return none
	}
	e.step("guest-in-unicast", fmt.Sprintf("meta ibrname . ether daddr vmap @in-mac: %s . %s -> goto %s", q.n.Bridge, q.n.MAC, nicChain(q, "in")), q.n.Pos)
	return e.guestIn(q, false)
}

// postrouting is the bridge postrouting chain guest-in for a frame
// leaving through dst's interface. fromHost says the host's IP stack sent
// it (locally or routed): meta pkttype host.
func (e *ev) postrouting(dst *port, fromHost bool) verdict {
	if !filtered(dst) {
		return none
	}
	p := e.p
	// Answers of a bridge reject have no conntrack entry; the host lets
	// them out whatever the receiver's IN rules say.
	if fromHost && p.invalid && (p.proto == 6 && p.flags&RST != 0 || p.isICMP() && p.icmp == 1 && p.fam == 6 || p.isICMP() && p.icmp == 3 && p.fam == 4) {
		e.step("guest-in", "meta pkttype host ct state invalid: a reject's answer accept", ir.Pos{})
		return accepted
	}
	if e.p.mark && dst.n.MAC != "" && dst.n.MAC == e.p.dmac.String() && e.unicastOwner() == dst {
		e.step("guest-in", fmt.Sprintf("accept mark and %s . %s in @in-unicast: already accepted by %s", dst.n.Iface, dst.n.MAC, nicChain(dst, "in")), dst.n.Pos)
		return accepted
	}
	e.step("guest-in", fmt.Sprintf("oifname vmap @in-iface: %s -> goto %s", dst.n.Iface, nicChain(dst, "in-late")), dst.n.Pos)
	return e.guestIn(dst, true)
}
