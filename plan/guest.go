package plan

import (
	"fmt"
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
//     firewalled NIC's MAC goes through guest-<vmid>-net<N>-in
//     (RoleGuestIn), where REJECT really rejects. Its accepts set the mark
//     bit AcceptMark.
//   - guest-in (postrouting) lets a frame pass without a second look only
//     when it carries the mark and leaves through the very NIC whose MAC it
//     is addressed to (the in-unicast set), i.e. the NIC whose rules already
//     accepted it. Everything else reaching a NIC is filtered by
//     guest-<vmid>-net<N>-in-late (RoleGuestInLate): flooded frames
//     (broadcast, multicast, unknown destination), frames to a NIC without
//     a known MAC, and frames the host sends itself, which take the bridge
//     output path and never see prerouting. REJECT can only drop there.
//   - The answers a reject sends back to a firewalled guest also leave
//     through postrouting; dispatch lets them pass.
//
// Both chains come from the same rules; only the dialect differs.

// Filtered reports whether a guest NIC gets chains: guest firewall on and
// firewall=1 on the NIC.
func Filtered(g *ir.Guest, n *ir.NIC) bool { return g.Enabled && n.Firewall }

// hasGuests reports whether any NIC is filtered, i.e. the bridge table has
// a body.
func hasGuests(rs *ir.Ruleset) bool {
	for i := range rs.Guests {
		g := &rs.Guests[i]
		for j := range g.NICs {
			if Filtered(g, &g.NICs[j]) {
				return true
			}
		}
	}
	return false
}

// Names of the bridge table's dispatch maps and set.
const (
	outIfaceMap  = "out-iface"  // input interface -> the NIC's OUT chain
	inIfaceMap   = "in-iface"   // output interface -> the NIC's late IN chain
	inMACMap     = "in-mac"     // bridge . destination MAC -> the NIC's unicast IN chain
	inUnicastSet = "in-unicast" // output interface . destination MAC of the NICs with a unicast IN chain
)

// guestTable builds table bridge fwc: one chain per filtered NIC and
// direction, dispatched by verdict maps so the cost per packet does not
// grow with the number of guests.
func guestTable(rs *ir.Ruleset) *Table {
	b := newBuilder(rs, Bridge)
	if bridgedMarking(rs) {
		mark := b.base("bridged", RoleBridged, "forward", -1)
		r := mark.add(builtin(ItemBridged, ir.Pos{}), nil)
		r.Stmts = []Stmt{SetMark{Bits: BridgedMark}}
	}
	if !hasGuests(rs) {
		return b.t
	}
	b.dispatch()
	out := &Map{Name: outIfaceMap, Type: []DataType{TypeIfName}}
	in := &Map{Name: inIfaceMap, Type: []DataType{TypeIfName}}
	byMAC := &Map{Name: inMACMap, Type: []DataType{TypeIfName, TypeEtherAddr}}
	unicast := &Set{Name: inUnicastSet, Type: []DataType{TypeIfName, TypeEtherAddr}}
	seen := map[string]bool{} // bridge and MAC already in in-mac
	for i := range rs.Guests {
		g := &rs.Guests[i]
		for j := range g.NICs {
			n := &g.NICs[j]
			if !Filtered(g, n) {
				continue
			}
			name := fmt.Sprintf("guest-%d-net%d", g.VMID, n.Index)
			b.guestOut(g, n, name+"-out")
			out.Elems = append(out.Elems, MapElem{Key: []string{n.Iface}, Goto: name + "-out"})
			// Two NICs with one MAC on one bridge cannot both own the
			// unicast path: the first does, the other is filtered late.
			key := n.Bridge + " " + n.MAC
			if n.MAC != "" && n.Bridge != "" && !seen[key] {
				seen[key] = true
				b.guestIn(g, n, name+"-in", false)
				byMAC.Elems = append(byMAC.Elems, MapElem{Key: []string{n.Bridge, n.MAC}, Goto: name + "-in"})
				unicast.Tuples = append(unicast.Tuples, []string{n.Iface, n.MAC})
			}
			b.guestIn(g, n, name+"-in-late", true)
			in.Elems = append(in.Elems, MapElem{Key: []string{n.Iface}, Goto: name + "-in-late"})
		}
	}
	b.t.Maps = append(b.t.Maps, out, in, byMAC)
	b.t.Sets = append(b.t.Sets, unicast)
	b.blacklistDrop()
	at := len(b.t.Chains)
	b.groupChains()
	b.doReject(dialect{bridge: true}, at)
	b.declareSets()
	return b.t
}

// dispatch adds the base chains, which hand each frame to the chain of
// its NIC through the verdict maps guestTable fills.
func (b *builder) dispatch() {
	o := builtin(ItemDispatch, ir.Pos{})
	out := b.base("guest-out", RoleGuestDispatchOut, "prerouting", 0)
	uni := b.base("guest-in-unicast", RoleGuestDispatchUnicast, "prerouting", 10)
	late := b.base("guest-in", RoleGuestDispatchLate, "postrouting", 0)
	out.add(o, VMap{Keys: []Key{KeyIIFName}, Map: outIfaceMap})
	uni.add(o, VMap{Keys: []Key{KeyBridge, KeyEtherDst}, Map: inMACMap})
	// The answers a bridge reject sends are built without a conntrack
	// entry and leave through the postrouting hook as if the host had sent
	// them; without these rules the late chain of a firewalled sender
	// would drop them as invalid. A frame that looks the same can also be
	// routed in from outside, forged: only where the host's forward chain
	// drops conntrack-invalid packets (host firewall on, no
	// nf_conntrack_allow_invalid) can it not reach here (lab
	// fwc-guest-forged-answers). Elsewhere the answers take the sender's IN
	// rules like any frame, and a REJECT may look like a DROP to a
	// firewalled sender: failing closed.
	if h := &b.rs.Host; h.Enabled && !h.AllowInvalid {
		answers := builtin(ItemRejectAnswers, ir.Pos{})
		for _, m := range []Cond{
			TCPFlags{Mask: RST, Value: RST},
			ICMP{Types: []ir.ICMPType{{Type: icmpDestUnreachable}}},
			ICMP{V6: true, Types: []ir.ICMPType{{Type: icmpv6DestUnreachable}}},
		} {
			late.add(answers, Accept{}, PktType{Types: []LinkType{LinkHost}}, CtState{States: []State{StateInvalid}}, m)
		}
	}
	late.add(builtin(ItemUnicast, ir.Pos{}), Accept{},
		Mark{Mask: AcceptMark, Value: AcceptMark}, InSet{Keys: []Key{KeyOIFName, KeyEtherDst}, Set: inUnicastSet})
	late.add(o, VMap{Keys: []Key{KeyOIFName}, Map: inIfaceMap})
}

// guestChain adds an empty chain for NIC n of guest g.
func (b *builder) guestChain(name string, role Role, dir ir.Direction, g *ir.Guest, n *ir.NIC) *Chain {
	c := b.chain(name, role)
	c.Dir, c.VMID, c.NIC = dir, g.VMID, n
	return c
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
//     bridge sees the frame, so EtherType reads 802.1Q or 802.1ad, while
//     InnerProtocol is the protocol inside. A NIC with trunks= may send
//     one 802.1Q tag with a listed VID; S-tags (802.1ad) and double tags
//     are dropped. tag= needs no rule: the guest sends untagged frames and
//     the bridge tags them after prerouting.
//  2. From here on every match reads the frame inside the tag: protocols
//     are pinned with Protocol (nft: meta protocol), never EtherType, and
//     transport matches use the inner headers.
//  3. macfilter (when the NIC has a MAC): the Ethernet source, the ARP
//     sender MAC and the link-layer address options of NDP (ndpOptions).
//     NDP (types 133-137) must come without extension headers, so these
//     checks find the options at fixed offsets.
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

// guestOut builds the chain for traffic from a guest NIC (§7.3 OUT).
func (b *builder) guestOut(g *ir.Guest, n *ir.NIC, name string) {
	c := b.guestChain(name, RoleGuestOut, ir.Out, g, n)
	d := guestDialect(g.VMID, ir.Out, false)
	vlanPolicy(c, n)
	pin6 := Protocol{Proto: IPv6}
	if g.MACFilter && n.MAC != "" || n.IPFilter != "" {
		c.add(builtin(ItemNDPShape, n.Pos), Drop{}, pin6, ICMPRange{V6: true, Lo: NDPRouterSolicit, Hi: NDPRedirect},
			IP6NextHdr{Proto: protoICMPv6, Not: true})
	}
	if g.MACFilter && n.MAC != "" {
		o := builtin(ItemMACFilter, n.Pos)
		c.add(o, Drop{}, EtherAddr{Side: Src, MAC: n.MAC, Not: true})
		c.add(o, Drop{}, Protocol{Proto: ARP}, ARPSenderMAC{MAC: n.MAC, Not: true})
		ndpOptions(c, o, n.MAC)
	}
	if g.L2Protocols != nil {
		types := append([]uint16{EtherIPv4, EtherIPv6}, g.L2Protocols...)
		c.add(builtin(ItemL2Protocols, g.Pos), Drop{}, InnerProtocol{Types: types, Not: true})
	}
	if n.IPFilter != "" {
		b.useSet(n.IPFilter)
		o := builtin(ItemIPFilter, b.setPos(n.IPFilter))
		if g.DHCP {
			// A DHCP client without a lease sends from 0.0.0.0, which no
			// ipfilter set contains.
			c.add(o, Accept{}, append([]Cond{Protocol{Proto: IPv4}, Addr{Side: Src, Prefixes: []netip.Prefix{Unspecified4}}}, DHCPRequest...)...)
		}
		c.add(o, Drop{}, Protocol{Proto: IPv4}, AddrInSet{Side: Src, Set: SetName(false, n.IPFilter), Not: true})
		c.add(o, Drop{}, pin6, AddrInSet{Side: Src, V6: true, Set: SetName(true, n.IPFilter), Not: true})
		c.add(o, Drop{}, Protocol{Proto: ARP}, ARPSenderInSet{Set: SetName(false, n.IPFilter), Not: true})
		na := []Cond{pin6, IP6NextHdr{Proto: protoICMPv6}, ICMP{V6: true, Types: []ir.ICMPType{{Type: NDPNeighborAdvert}}}}
		if s := b.irSet(n.IPFilter); s != nil && len(s.V6) > 0 {
			na = append(na, naTarget(s.V6)) // else no target is allowed
		}
		c.add(o, Drop{}, na...)
	}
	if !g.RAdv {
		o := builtin(ItemRAdv, g.Pos)
		c.add(o, Drop{}, pin6, ICMP{V6: true, Types: []ir.ICMPType{{Type: NDPRouterAdvert}}})
		c.add(o, Drop{}, pin6, ICMP{V6: true, Types: []ir.ICMPType{{Type: NDPRedirect}}})
		c.add(o, Drop{}, Protocol{Proto: IPv4}, ICMP{Types: []ir.ICMPType{{Type: ICMPRedirect}}})
	}
	b.conntrack(c, d, g.Pos)
	if g.DHCP {
		o := builtin(ItemDHCP, g.Pos)
		c.add(o, Accept{}, DHCPRequest...)
		c.add(o, Accept{}, DHCPv6Request...)
	}
	if g.NDP {
		// Router advertisements are dropped above unless radv.
		c.add(builtin(ItemNDP, g.Pos), Accept{}, GuestNDP)
	}
	c.add(builtin(ItemARP, g.Pos), Accept{}, Protocol{Proto: ARP})
	b.nicRules(c, g.Out, n, ir.Out, d)
	b.policy(c, g.PolicyOut, g.LogOut, d, g.Pos)
}

// vlanPolicy drops the tagged frames a NIC may not send (step 1 above).
// Two rules rather than an anonymous set when there are no trunks: one
// set per NIC chain made large rulesets slow to load.
func vlanPolicy(c *Chain, n *ir.NIC) {
	o := builtin(ItemVLAN, n.Pos)
	if len(n.Trunks) == 0 {
		c.add(o, Drop{}, EtherType{Types: []uint16{EtherVLAN}})
		c.add(o, Drop{}, EtherType{Types: []uint16{EtherQinQ}})
		return
	}
	c.add(o, Drop{}, EtherType{Types: []uint16{EtherQinQ}})
	c.add(o, Drop{}, EtherType{Types: []uint16{EtherVLAN}}, VLANType{Types: []uint16{EtherVLAN, EtherQinQ}})
	c.add(o, Drop{}, EtherType{Types: []uint16{EtherVLAN}}, VLANID{Ranges: n.Trunks, Not: true})
}

// ndpOptions checks the link-layer address options of NDP against the
// NIC's MAC (step 3 above). The kernel takes the first option of a type
// and skips unknown ones, so the first option must be the NIC's own
// link-layer address of the type the message uses (source in RS and NS,
// target in NA): a later one of that type is then ignored. An NS may
// carry a DAD nonce instead, alone. Offsets in bits: an RS's options start
// at byte 8 of the ICMPv6 header, an NS's or NA's at byte 24 (after the
// target); an option is type, length in units of 8 bytes, value.
// IP6Length is the ICMPv6 length, as there are no extension headers.
func ndpOptions(c *Chain, o Origin, mac string) {
	hex := strings.ReplaceAll(mac, ":", "")
	ndp := func(t uint8, longer uint16) []Cond {
		return []Cond{Protocol{Proto: IPv6}, IP6NextHdr{Proto: protoICMPv6}, ICMP{V6: true, Types: []ir.ICMPType{{Type: t}}},
			IP6Length{Lo: longer + 1, Hi: 0xffff}}
	}
	c.add(o, Drop{}, append(ndp(NDPRouterSolicit, 8), Transport{Offset: 64, Bits: 64, Values: []string{"0x0101" + hex}, Not: true})...)
	c.add(o, Drop{}, append(ndp(NDPNeighborSolicit, 24), Transport{Offset: 192, Bits: 64, Values: []string{"0x0101" + hex}, Not: true},
		Transport{Offset: 192, Bits: 16, Values: []string{ndpNonce}, Not: true})...)
	c.add(o, Drop{}, append(ndp(NDPNeighborSolicit, 32), Transport{Offset: 192, Bits: 16, Values: []string{ndpNonce}})...)
	c.add(o, Drop{}, append(ndp(NDPNeighborAdvert, 24), Transport{Offset: 192, Bits: 64, Values: []string{"0x0201" + hex}, Not: true})...)
}

// ndpNonce is the type and length of NDP's nonce option (RFC 3971), which
// Linux puts in the neighbour solicitations of duplicate address detection.
const ndpNonce = "0x0e01"

// naTarget matches a neighbour advertisement's target (bits 64-191 of the
// ICMPv6 header) outside ps, the IPv6 part of an ipfilter set, written as
// ranges of 128-bit numbers: a raw field cannot look up a typed set.
func naTarget(ps []netip.Prefix) Transport {
	t := Transport{Offset: 64, Bits: 128, Not: true}
	for _, p := range ps {
		lo := p.Masked().Addr().As16()
		hi := lo
		for i := p.Bits(); i < 128; i++ {
			hi[i/8] |= 0x80 >> (i % 8)
		}
		if p.Bits() == 128 {
			t.Values = append(t.Values, fmt.Sprintf("0x%x", lo))
		} else {
			t.Values = append(t.Values, fmt.Sprintf("0x%x-0x%x", lo, hi))
		}
	}
	return t
}

// guestIn builds a chain for traffic to a guest NIC (§7.3 IN), the
// prerouting (unicast) or the postrouting (late) variant.
func (b *builder) guestIn(g *ir.Guest, n *ir.NIC, name string, late bool) {
	role := RoleGuestIn
	if late {
		role = RoleGuestInLate
	}
	c := b.guestChain(name, role, ir.In, g, n)
	d := guestDialect(g.VMID, ir.In, late)
	b.conntrack(c, d, g.Pos)
	if b.rs.Host.Blacklist != "" {
		b.blacklist(c)
	}
	d.accept(c, builtin(ItemARP, g.Pos), Protocol{Proto: ARP})
	if g.DHCP {
		o := builtin(ItemDHCP, g.Pos)
		d.accept(c, o, DHCPReply...)
		d.accept(c, o, DHCPv6Reply...)
	}
	if g.NDP {
		d.accept(c, builtin(ItemNDP, g.Pos), GuestNDP)
	}
	b.nicRules(c, g.In, n, ir.In, d)
	b.policy(c, g.PolicyIn, g.LogIn, d, g.Pos)
}

// nicRules adds the guest rules that apply to NIC n: those without -i and
// those naming n. The chain is the NIC's own, so no interface match is
// made.
func (b *builder) nicRules(c *Chain, rules []ir.Rule, n *ir.NIC, dir ir.Direction, d dialect) {
	for i := range rules {
		if r := &rules[i]; r.Iface == "" || r.Iface == n.Iface {
			b.userRule(c, r, dir, false, d)
		}
	}
}
