package iptables

import (
	"bytes"

	"github.com/fwc-project/fwc/ir"
)

// ebtables is the "ebtables-restore --noflush" input: what IP rules cannot
// see on a bridge. Per filtered NIC whose guest filters MACs or IPs, frames
// from the port with another source MAC are dropped (every protocol, ARP's
// sender MAC too), and with an ipfilter set, ARP whose sender IP is not in
// its IPv4 part. FWC-BRIDGE is hooked from INPUT (frames to the host) and
// FORWARD (bridged frames). User chains return by default, so frames fwc
// has no objection to go on through the built-in chain.
func ebtables(rs *ir.Ruleset, sets map[string]*ir.Set) []byte {
	t := newTable("filter")
	dispatch := t.chain(chBridge)
	for _, g := range rs.Guests {
		if !rs.Enabled || !g.Enabled {
			continue
		}
		for _, n := range g.NICs {
			mac := g.MACFilter && n.MAC != ""
			if !n.Firewall || (!mac && n.IPFilter == "") {
				continue
			}
			name := chainName(n.Iface + "-OUT")
			dispatch.add("-i "+n.Iface, "-j "+name)
			out := t.chain(name)
			if mac {
				out.add("-s ! " + n.MAC + " -j DROP")
				out.add("-p ARP --arp-mac-src ! " + n.MAC + " -j DROP")
			}
			if n.IPFilter != "" {
				arp := chainName(n.Iface + "-ARP")
				out.add("-p ARP -j " + arp)
				c := t.chain(arp)
				for _, p := range sets[n.IPFilter].V4 {
					c.add("-p ARP --arp-ip-src " + p.String() + " -j RETURN")
				}
				c.add("-j DROP")
			}
		}
	}
	var b bytes.Buffer
	t.write(&b, "RETURN")
	return b.Bytes()
}
