package nft

import (
	"fmt"
	"net"
	"net/netip"
	"strings"

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

// decl renders a one-line map or set declaration.
func decl(head, typ string, elems []string) string {
	d := head + " { type " + typ + ";"
	if len(elems) > 0 {
		d += " elements = { " + strings.Join(elems, ", ") + " }"
	}
	return d + " }"
}

// What a guest may send: the OUT chain of a NIC, in this order.
//
// Every check a guest's options turn on runs on every frame the guest
// sends, before anything can accept it: conntrack's established/related
// accept comes only after them, so a guest can neither spoof inside a flow
// (its own or another guest's) nor pass forged ICMP errors and redirects
// as RELATED. (PVE accepts established/related first.)
//
//  1. VLAN tags. A NIC without trunks= sends no tagged frame at all, a
//     priority tag (VID 0) included: the kernel strips one tag before the
//     bridge sees the frame, so "ether type" reads 8021q or 8021ad, while
//     "meta protocol" is the protocol inside. A NIC with trunks= may send
//     one 802.1Q tag with a listed VID; S-tags (8021ad) and double tags are
//     dropped. tag= needs no rule: the guest sends untagged frames and the
//     bridge tags them after prerouting.
//  2. From here on every match reads the frame inside the tag: protocols
//     are pinned with "meta protocol", never "ether type" (which reads the
//     tag), and transport matches use the inner headers.
//  3. macfilter (when the NIC has a MAC): the Ethernet source, the ARP
//     sender MAC and the link-layer address options of NDP (source
//     link-layer in RS and NS, target link-layer in NA) are the NIC's MAC.
//     NDP (types 133-137) must come without extension headers, so these
//     checks find the options at fixed offsets (see ndpOptions).
//  4. layer2_protocols: only IPv4, IPv6 and the listed ethertypes leave.
//  5. ipfilter: the IPv4/IPv6 source, the ARP sender IP and the target of
//     a neighbour advertisement are in the NIC's ipfilter set (which holds
//     the link-local address derived from the MAC). The target of a
//     neighbour solicitation is the address asked for, someone else's, and
//     is not checked; duplicate address detection comes from :: and is
//     dropped as a source outside the set. A DHCP request from 0.0.0.0 is
//     accepted before the source check when dhcp is on.
//  6. Router advertisements and redirects (ICMP and ICMPv6) are dropped
//     unless radv: 1, the option that lets a guest act as a router.
//  7. Then conntrack (invalid drop, established/related accept), DHCP,
//     NDP and ARP accepts, the guest's OUT rules and the policy.
//
// emit/iptables follows the same order (ebtables for 1 and the link-layer
// parts of 3 and 4); explain/guest.go evaluates it.

// guestOut builds the chain for traffic from a guest NIC.
func (e *emitter) guestOut(t *table, g ir.Guest, n ir.NIC, name string) {
	c := t.newChain(name, "")
	d := guestDialect(g.VMID, name, ir.Out, false)
	vlanPolicy(c, n)
	if g.MACFilter && n.MAC != "" || n.IPFilter != "" {
		c.add("meta protocol ip6 icmpv6 type 133-137 ip6 nexthdr != ipv6-icmp drop")
	}
	if g.MACFilter && n.MAC != "" {
		c.add("ether saddr !=", mac(n.MAC), "drop")
		c.add("meta protocol arp arp saddr ether !=", mac(n.MAC), "drop")
		ndpOptions(c, n.MAC)
	}
	if g.L2Protocols != nil {
		types := []string{"ip", "ip6"}
		for _, t := range g.L2Protocols {
			types = append(types, fmt.Sprintf("0x%04x", t))
		}
		c.add("meta protocol != {", strings.Join(types, ", "), "} drop")
	}
	if n.IPFilter != "" {
		t.useSet(n.IPFilter)
		if g.DHCP {
			// A DHCP client without a lease sends from 0.0.0.0, which no
			// ipfilter set contains.
			c.add("meta protocol ip ip saddr 0.0.0.0 udp sport 68 udp dport 67 accept")
		}
		c.add("meta protocol ip ip saddr !=", "@"+setName(ir.IPv4, n.IPFilter), "drop")
		c.add("meta protocol ip6 ip6 saddr !=", "@"+setName(ir.IPv6, n.IPFilter), "drop")
		c.add("meta protocol arp arp saddr ip !=", "@"+setName(ir.IPv4, n.IPFilter), "drop")
		c.add(ndpCheckable+" icmpv6 type nd-neighbor-advert", naTarget(e.setByName(n.IPFilter).V6), "drop")
	}
	if !g.RAdv {
		c.add("meta protocol ip6 icmpv6 type nd-router-advert drop")
		c.add("meta protocol ip6 icmpv6 type nd-redirect drop")
		c.add("meta protocol ip icmp type redirect drop")
	}
	e.conntrack(c, d)
	if g.DHCP {
		c.add("meta protocol ip udp sport 68 udp dport 67 accept")
		c.add("meta protocol ip6 udp sport 546 udp dport 547 accept")
	}
	if g.NDP {
		// Router advertisements are dropped above unless radv.
		c.add("meta protocol ip6", ndpTypes, "accept")
	}
	c.add("meta protocol arp accept")
	e.nicRules(c, g.Out, n, ir.Out, d)
	e.policy(c, g.PolicyOut, g.LogOut, d)
}

// vlanPolicy drops the tagged frames a NIC may not send (step 1 above).
func vlanPolicy(c *chain, n ir.NIC) {
	if len(n.Trunks) == 0 {
		// Two rules rather than an anonymous set: one set per NIC chain
		// made large rulesets slow to load (TestNoAnonymousSets).
		c.add("ether type 8021q drop")
		c.add("ether type 8021ad drop")
		return
	}
	var ids []string
	for _, r := range n.Trunks {
		if r.Lo == r.Hi {
			ids = append(ids, fmt.Sprint(r.Lo))
		} else {
			ids = append(ids, fmt.Sprintf("%d-%d", r.Lo, r.Hi))
		}
	}
	c.add("ether type 8021ad drop")
	c.add("ether type 8021q vlan type { 8021q, 8021ad } drop")
	c.add("ether type 8021q vlan id != {", strings.Join(ids, ", "), "} drop")
}

// ndpCheckable matches IPv6 without extension headers: there the options
// of NDP sit at fixed offsets of the transport header. NDP with extension
// headers is dropped first.
const ndpCheckable = "meta protocol ip6 ip6 nexthdr ipv6-icmp"

// ndpOptions checks the link-layer address options of NDP against the
// NIC's MAC (step 3 above). The kernel takes the first option of a type
// and skips unknown ones, so the first option must be the NIC's own
// link-layer address of the type the message uses (source in RS and NS,
// target in NA): a later one of that type is then ignored. An NS may
// carry a DAD nonce instead, alone. Offsets: an RS's options start at
// byte 8 of the ICMPv6 header, an NS's or NA's at byte 24 (after the
// target); an option is type, length in units of 8 bytes, value. "ip6
// length" is the ICMPv6 length, since there are no extension headers.
func ndpOptions(c *chain, m string) {
	hex := strings.ReplaceAll(mac(m), ":", "")
	c.add(ndpCheckable, "icmpv6 type nd-router-solicit ip6 length > 8 @th,64,64 != 0x0101"+hex, "drop")
	c.add(ndpCheckable, "icmpv6 type nd-neighbor-solicit ip6 length > 24 @th,192,64 != 0x0101"+hex, "@th,192,16 != 0x0e01 drop")
	c.add(ndpCheckable, "icmpv6 type nd-neighbor-solicit ip6 length > 32 @th,192,16 0x0e01 drop")
	c.add(ndpCheckable, "icmpv6 type nd-neighbor-advert ip6 length > 24 @th,192,64 != 0x0201"+hex, "drop")
}

// naTarget matches a neighbour advertisement's target (bytes 8-23 of the
// ICMPv6 header) outside ps, the IPv6 part of an ipfilter set. A raw
// payload cannot look up a typed set, so the set is written out as ranges
// of 128-bit numbers.
func naTarget(ps []netip.Prefix) string {
	if len(ps) == 0 {
		return ""
	}
	var rs []string
	for _, p := range ps {
		lo := p.Masked().Addr().As16()
		hi := lo
		for i := p.Bits(); i < 128; i++ {
			hi[i/8] |= 0x80 >> (i % 8)
		}
		if p.Bits() == 128 {
			rs = append(rs, fmt.Sprintf("0x%x", lo))
		} else {
			rs = append(rs, fmt.Sprintf("0x%x-0x%x", lo, hi))
		}
	}
	return "@th,64,128 != { " + strings.Join(rs, ", ") + " }"
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
