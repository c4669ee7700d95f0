package iptables

import (
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

// nicOut filters traffic from the guest: conntrack, anti-spoofing, DHCP,
// NDP, router advertisements, the guest's OUT rules, the policy.
func (e *emitter) nicOut(g *ir.Guest, n ir.NIC) error {
	name := chainName(n.Iface + "-OUT")
	e.filter.chain(chGuestOut).add("-m physdev --physdev-in "+n.Iface, "-j "+name)
	c := ctx{chain: e.filter.chain(name), vmid: g.VMID, accept: "-g " + e.setAccept(), dir: ir.Out}
	out := c.chain
	e.conntrack(out, c.accept)
	if g.MACFilter && n.MAC != "" {
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
	if g.DHCP {
		if e.v6 {
			out.add("-p udp -m udp --sport 546 --dport 547", c.accept)
		} else {
			out.add("-p udp -m udp --sport 68 --dport 67", c.accept)
		}
	}
	if e.v6 {
		if !g.RAdv {
			e.icmp6(out, "-j DROP", ndpRA)
		}
		if g.NDP {
			e.icmp6(out, c.accept, ndpRS, ndpNS, ndpNA)
			if g.RAdv {
				e.icmp6(out, c.accept, ndpRA)
			}
		}
	}
	if err := e.rules(c, nicRules(g.Out, n)); err != nil {
		return err
	}
	e.policy(c, g.PolicyOut, g.LogOut)
	return nil
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
