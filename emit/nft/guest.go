package nft

import (
	"fmt"
	"net"

	"github.com/fwc-project/fwc/ir"
)

// Filtering traffic towards a guest, and why it happens in two places.
//
// The kernel allows `reject` in bridge tables only in the prerouting and
// input hooks, but where a frame leaves the bridge is only known later, in
// postrouting. fwc therefore evaluates a NIC's IN rules twice over:
//
//   - guest-in-unicast (prerouting, after guest-out) looks up the frame's
//     bridge and destination MAC in the in-mac map. A frame addressed to a
//     firewalled NIC's MAC goes through guest-<vmid>-net<N>-in, where REJECT
//     really rejects. Its accepts set the mark bit acceptMark.
//   - guest-in (postrouting) lets a frame pass without a second look only
//     when it carries the mark and leaves through the very NIC whose MAC it
//     is addressed to (the in-unicast set), i.e. the NIC whose rules already
//     accepted it. Everything else reaching a NIC is filtered by
//     guest-<vmid>-net<N>-in-late: flooded frames (broadcast, multicast,
//     unknown destination), frames to a NIC without a known MAC, and frames
//     the host sends itself, which take the bridge output path and never see
//     prerouting. REJECT can only drop there.
//   - The answers a reject sends back to a firewalled guest also leave
//     through postrouting; dispatch lets them pass.
//
// Both chains come from the same rules; only the spelling of accept and
// reject differs (the dialect).

// ndpTypes matches router solicitation and advertisement, neighbour
// solicitation and advertisement. Written as a range, not a set: an
// anonymous set per guest chain made large rulesets load slowly.
const ndpTypes = "icmpv6 type 133-136"

// acceptMark is the packet mark bit that says "accepted by the IN rules of
// the NIC this frame is addressed to". It is a single bit so other users of
// the mark keep theirs.
const acceptMark = "0x00800000"

// guestDialect is the dialect of guest chains and of group chains in the
// bridge table. IN chains reached from prerouting mark their accepts.
func guestDialect(vmid int, chain string, dir ir.Direction, late bool) dialect {
	d := dialect{bridge: true, accept: "accept", reject: "jump do-reject", vmid: vmid, chain: chain}
	switch {
	case dir == ir.In && late:
		d.reject, d.late = "drop", true
	case dir == ir.In:
		d.accept = "meta mark set meta mark | " + acceptMark + " accept"
	}
	return d
}

// filtered reports whether a guest NIC gets chains: guest firewall on and
// firewall=1 on the NIC.
func filtered(g ir.Guest, n ir.NIC) bool { return g.Enabled && n.Firewall }

// hasGuests reports whether any NIC is filtered, i.e. the bridge table has
// a body.
func (e *emitter) hasGuests() bool {
	for _, g := range e.rs.Guests {
		for _, n := range g.NICs {
			if filtered(g, n) {
				return true
			}
		}
	}
	return false
}

// guestTable builds table bridge fwc: one chain per filtered NIC and
// direction, dispatched by verdict maps so the cost per packet does not
// grow with the number of guests.
func (e *emitter) guestTable() *table {
	t := newTable(bridgeTable)
	dispatch(t)
	var outEl, inEl, macEl, uniEl []string
	seen := map[string]bool{} // bridge and MAC already in in-mac
	for _, g := range e.rs.Guests {
		for _, n := range g.NICs {
			if !filtered(g, n) {
				continue
			}
			name := fmt.Sprintf("guest-%d-net%d", g.VMID, n.Index)
			iface := quote(n.Iface, 0)
			e.guestOut(t, g, n, name+"-out")
			outEl = append(outEl, iface+" : goto "+name+"-out")
			// Two NICs with one MAC on one bridge cannot both own the
			// unicast path: the first does, the other is filtered late.
			key := n.Bridge + " " + n.MAC
			if n.MAC != "" && n.Bridge != "" && !seen[key] {
				seen[key] = true
				e.guestIn(t, g, n, name+"-in", false)
				macEl = append(macEl, quote(n.Bridge, 0)+" . "+mac(n.MAC)+" : goto "+name+"-in")
				uniEl = append(uniEl, iface+" . "+mac(n.MAC))
			}
			e.guestIn(t, g, n, name+"-in-late", true)
			inEl = append(inEl, iface+" : goto "+name+"-in-late")
		}
	}
	t.decls = append(t.decls,
		decl("map out-iface", "ifname : verdict", outEl),
		decl("map in-iface", "ifname : verdict", inEl),
		decl("map in-mac", "ifname . ether_addr : verdict", macEl),
		decl("set in-unicast", "ifname . ether_addr", uniEl))
	e.blacklistDrop(t)
	doReject(t, guestDialect(0, "", ir.Out, false))
	e.groupChains(t, true)
	e.declareSets(t)
	return t
}

// dispatch adds the base chains, which hand each frame to the chain of
// its NIC through the verdict maps guestTable fills.
func dispatch(t *table) {
	out := t.newChain("guest-out", baseHook("prerouting", "0"))
	uni := t.newChain("guest-in-unicast", baseHook("prerouting", "10"))
	late := t.newChain("guest-in", baseHook("postrouting", "0"))
	out.add("iifname vmap @out-iface")
	uni.add("meta ibrname . ether daddr vmap @in-mac")
	// The answers a bridge reject sends are built without a conntrack
	// entry and leave through the postrouting hook as if the host had sent
	// them; without these rules the late chain of a firewalled sender
	// would drop them as invalid. Only the host can send such frames.
	for _, m := range []string{"tcp flags & rst == rst", "icmp type destination-unreachable", "icmpv6 type destination-unreachable"} {
		late.add("meta pkttype host ct state invalid", m, "accept")
	}
	late.add("meta mark &", acceptMark, "==", acceptMark, "oifname . ether daddr @in-unicast accept")
	late.add("oifname vmap @in-iface")
}

// guestOut builds the chain for traffic from a guest NIC.
func (e *emitter) guestOut(t *table, g ir.Guest, n ir.NIC, name string) {
	c := t.newChain(name, "")
	d := guestDialect(g.VMID, name, ir.Out, false)
	e.conntrack(c, d)
	if g.MACFilter && n.MAC != "" {
		c.add("ether saddr !=", mac(n.MAC), "drop")
		c.add("arp saddr ether !=", mac(n.MAC), "drop")
	}
	if n.IPFilter != "" {
		t.useSet(n.IPFilter)
		if g.DHCP {
			// A DHCP client without a lease sends from 0.0.0.0, which no
			// ipfilter set contains.
			c.add("ip saddr 0.0.0.0 udp sport 68 udp dport 67 accept")
		}
		c.add("meta protocol ip ip saddr !=", "@"+setName(ir.IPv4, n.IPFilter), "drop")
		c.add("meta protocol ip6 ip6 saddr !=", "@"+setName(ir.IPv6, n.IPFilter), "drop")
		c.add("arp saddr ip !=", "@"+setName(ir.IPv4, n.IPFilter), "drop")
	}
	if g.DHCP {
		c.add("udp sport 68 udp dport 67 accept")
		c.add("udp sport 546 udp dport 547 accept")
	}
	if !g.RAdv {
		c.add("icmpv6 type nd-router-advert drop")
	}
	if g.NDP {
		// Router advertisements are dropped above unless radv.
		c.add(ndpTypes, "accept")
	}
	c.add("meta protocol arp accept")
	e.nicRules(c, g.Out, n, ir.Out, d)
	e.policy(c, g.PolicyOut, g.LogOut, d)
}

// guestIn builds a chain for traffic to a guest NIC, the prerouting
// (unicast) or the postrouting (late) variant.
func (e *emitter) guestIn(t *table, g ir.Guest, n ir.NIC, name string, late bool) {
	c := t.newChain(name, "")
	d := guestDialect(g.VMID, name, ir.In, late)
	e.conntrack(c, d)
	if e.rs.Host.Blacklist != "" {
		e.blacklist(t, c)
	}
	c.add("meta protocol arp", d.accept)
	if g.DHCP {
		c.add("udp sport 67 udp dport 68", d.accept)
		c.add("udp sport 547 udp dport 546", d.accept)
	}
	if g.NDP {
		c.add(ndpTypes, d.accept)
	}
	e.nicRules(c, g.In, n, ir.In, d)
	e.policy(c, g.PolicyIn, g.LogIn, d)
}

// nicRules adds the guest rules that apply to NIC n: those without -i and
// those naming n. The chain is the NIC's own, so no interface match is
// written.
func (e *emitter) nicRules(c *chain, rules []ir.Rule, n ir.NIC, dir ir.Direction, d dialect) {
	for _, r := range rules {
		if r.Iface != "" && r.Iface != n.Iface {
			continue
		}
		r.Iface = ""
		e.addRule(c, r, dir, "", d)
	}
}

// mac checks a MAC address written unquoted into the script.
func mac(s string) string {
	if hw, err := net.ParseMAC(s); err != nil || len(hw) != 6 || hw.String() != s {
		panic("nft: MAC not canonical: " + s)
	}
	return s
}
