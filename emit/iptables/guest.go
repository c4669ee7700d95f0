package iptables

import (
	"encoding/binary"
	"fmt"
	"net"
	"net/netip"
	"strings"

	"github.com/fwc-project/fwc/ir"
)

// guests builds one IN and one OUT chain per filtered NIC and the two
// dispatch chains that pick them by bridge port (physdev).
//
// Bridged traffic between two guests crosses FORWARD once: the sender's OUT
// chain, then the receiver's IN chain. So an OUT chain never accepts: its
// accept sets the accept bit and returns (-g FWC-SET-ACCEPT-MARK) and the
// IN chain decides; IN chains accept with ACCEPT. REJECT works in both,
// since FORWARD allows the REJECT target; this is one place where the nft
// backend differs (it must degrade REJECT to DROP for flooded frames).
func (e *emitter) guests() error {
	for gi := range e.rs.Guests {
		g := &e.rs.Guests[gi]
		if !g.Enabled {
			continue
		}
		for _, n := range g.NICs {
			if !n.Firewall {
				continue
			}
			if err := e.nicOut(g, n); err != nil {
				return err
			}
			if err := e.nicIn(g, n); err != nil {
				return err
			}
		}
	}
	return nil
}

// nicOut filters traffic from the guest in the order of emit/nft/guest.go
// ("What a guest may send"): the MAC, the ipfilter set, NDP's link-layer
// options and targets, router advertisements and redirects, all before
// conntrack; then DHCP, NDP, the guest's OUT rules, the policy. VLAN tags,
// ARP and layer2_protocols are ebtables' (ebtables.go).
func (e *emitter) nicOut(g *ir.Guest, n ir.NIC) error {
	name := chainName(n.Iface + "-OUT")
	e.filter.chain(chGuestOut).add("-m physdev --physdev-in "+n.Iface, "-j "+name)
	c := ctx{chain: e.filter.chain(name), vmid: g.VMID, accept: "-g " + e.setAccept(), dir: ir.Out}
	out := c.chain
	checkMAC := g.MACFilter && n.MAC != ""
	if checkMAC {
		out.add("-m mac ! --mac-source " + n.MAC + " -j DROP")
	}
	if n.IPFilter != "" {
		if g.DHCP && !e.v6 {
			// A DHCP client without a lease sends from 0.0.0.0, which no
			// ipfilter set contains.
			out.add("-s 0.0.0.0/32 -p udp -m udp --sport 68 --dport 67", c.accept)
		}
		out.add("-m set ! --match-set "+e.set(n.IPFilter)+" src", "-j DROP")
	}
	if e.v6 && (checkMAC || n.IPFilter != "") {
		e.ndpChecks(out, n, checkMAC)
	}
	if !g.RAdv {
		if e.v6 {
			e.icmp6(out, "-j DROP", ndpRA, ndpRedirect)
		} else {
			out.add("-p icmp -m icmp --icmp-type 5 -j DROP")
		}
	}
	e.conntrack(out, c.accept)
	if g.DHCP {
		if e.v6 {
			out.add("-p udp -m udp --sport 546 --dport 547", c.accept)
		} else {
			out.add("-p udp -m udp --sport 68 --dport 67", c.accept)
		}
	}
	if e.v6 && g.NDP {
		e.icmp6(out, c.accept, ndpRS, ndpNS, ndpNA)
		if g.RAdv {
			e.icmp6(out, c.accept, ndpRA)
		}
	}
	if err := e.rules(c, nicRules(g.Out, n)); err != nil {
		return err
	}
	e.policy(c, g.PolicyOut, g.LogOut)
	return nil
}

// u32 offsets of NDP without extension headers (the only NDP ndpChecks
// lets through): the IPv6 payload length and next header, the ICMPv6
// type, an RS's first option and an NS's or NA's (after the target), and
// the target.
const (
	u32NoExt    = "4>>8&0xFF=58"
	u32Length   = "4>>16"
	u32Type     = "40>>24"
	u32RSOpt    = 48
	u32NSOpt    = 64
	u32Target   = 48
	ndpRedirect = 137
)

// ndpChecks drops NDP a guest may not send: with extension headers (the
// checks below need fixed offsets), with link-layer address options other
// than the NIC's MAC (macfilter), or advertising a target outside its
// ipfilter set.
func (e *emitter) ndpChecks(out *chain, n ir.NIC, checkMAC bool) {
	e.icmp6(out, "-m u32 ! --u32 \""+u32NoExt+"\" -j DROP", ndpRS, ndpRA, ndpNS, ndpNA, ndpRedirect)
	ndp := func(types, length string) string {
		return fmt.Sprintf("-p ipv6-icmp -m u32 --u32 \"%s&&%s=%s&&%s=%s\"", u32NoExt, u32Type, types, u32Length, length)
	}
	if checkMAC {
		// As emit/nft's ndpOptions: the first option is the NIC's own
		// link-layer address of the message's type, or an NS's lone nonce.
		hw, _ := net.ParseMAC(n.MAC)
		notLLA := func(off int, typ byte) string {
			return fmt.Sprintf("-m u32 ! --u32 \"%d=0x%02x01%02x%02x&&%d=0x%02x%02x%02x%02x\"", off, typ, hw[0], hw[1], off+4, hw[2], hw[3], hw[4], hw[5])
		}
		nonce := fmt.Sprintf("--u32 \"%d>>16=0x0e01\"", u32NSOpt)
		out.add(ndp("133", "9:0xFFFF"), notLLA(u32RSOpt, 1), "-j DROP")
		out.add(ndp("135", "25:0xFFFF"), notLLA(u32NSOpt, 1), "-m u32 !", nonce, "-j DROP")
		out.add(ndp("135", "33:0xFFFF"), "-m u32", nonce, "-j DROP")
		out.add(ndp("136", "25:0xFFFF"), notLLA(u32NSOpt, 2), "-j DROP")
	}
	if n.IPFilter != "" {
		na := chainName(n.Iface + "-NA")
		out.add(ndp("136", "24:0xFFFF"), "-j "+na)
		c := e.filter.chain(na)
		for _, p := range e.sets[n.IPFilter].V6 {
			c.add("-m u32 --u32 \"" + u32Prefix(u32Target, p) + "\" -j RETURN")
		}
		c.add("-j DROP")
	}
}

// u32Prefix is a u32 test that the 16 bytes at off lie in p.
func u32Prefix(off int, p netip.Prefix) string {
	a := p.Addr().As16()
	var tests []string
	for w := 0; w < 4 && w*32 < p.Bits(); w++ {
		bits := min(32, p.Bits()-w*32)
		mask := uint32(0xFFFFFFFF) << (32 - bits)
		v := binary.BigEndian.Uint32(a[w*4:]) & mask
		if mask == 0xFFFFFFFF {
			tests = append(tests, fmt.Sprintf("%d=0x%08x", off+w*4, v))
		} else {
			tests = append(tests, fmt.Sprintf("%d&0x%08x=0x%08x", off+w*4, mask, v))
		}
	}
	if len(tests) == 0 {
		return fmt.Sprintf("%d&0x0=0x0", off)
	}
	return strings.Join(tests, "&&")
}

// nicIn filters traffic to the guest: conntrack, the blacklist, DHCP, NDP,
// the guest's IN rules, the policy.
func (e *emitter) nicIn(g *ir.Guest, n ir.NIC) error {
	name := chainName(n.Iface + "-IN")
	e.filter.chain(chGuestIn).add("-m physdev --physdev-is-bridged --physdev-out "+n.Iface, "-j "+name)
	c := ctx{chain: e.filter.chain(name), vmid: g.VMID, accept: "-j ACCEPT", dir: ir.In}
	in := c.chain
	in.add("-m mark --mark "+rejectMark+"/"+rejectMark, c.accept)
	e.conntrack(in, c.accept)
	e.blacklist(in)
	if g.DHCP {
		if e.v6 {
			in.add("-p udp -m udp --sport 547 --dport 546", c.accept)
		} else {
			in.add("-p udp -m udp --sport 67 --dport 68", c.accept)
		}
	}
	if e.v6 && g.NDP {
		e.icmp6(in, c.accept, ndpRS, ndpRA, ndpNS, ndpNA)
	}
	if err := e.rules(c, nicRules(g.In, n)); err != nil {
		return err
	}
	e.policy(c, g.PolicyIn, g.LogIn)
	return nil
}

// nicRules are the guest rules that apply to NIC n: those without an
// interface and those naming n.
func nicRules(rs []ir.Rule, n ir.NIC) []ir.Rule {
	var out []ir.Rule
	for _, r := range rs {
		if r.Iface == "" || r.Iface == n.Iface {
			out = append(out, r)
		}
	}
	return out
}
