package iptables

import (
	"bytes"
	"fmt"

	"github.com/fwc-project/fwc/ir"
)

// ebtables is the "ebtables-restore --noflush" input: the link-layer part
// of what a guest may send (emit/nft/guest.go, "What a guest may send"),
// which IP rules cannot see. It lives in the nat table's PREROUTING hook
// (FWC-BRIDGE), where a frame is as the guest sent it: later, a
// VLAN-aware bridge has put its tag= VLAN on it. Per filtered NIC:
//   - VLAN tags (step 1): none without trunks=; with trunks=, one 802.1Q
//     tag with a listed VID. ebtables sees the tag, not what it carries,
//     so a trunk NIC's tagged ARP is dropped whenever its ARP is checked
//     (macfilter or ipfilter): only the nft target checks ARP inside a
//     tag. Tagged IP goes on to iptables (apply.sh sets
//     bridge-nf-filter-vlan-tagged), where the NIC's chains check it.
//   - macfilter (step 3): the source MAC and the ARP sender MAC.
//   - layer2_protocols (step 4): IPv4, IPv6 and the listed ethertypes,
//     tagged or not.
//   - ipfilter (step 5): the ARP sender IP in the set's IPv4 part.
//
// User chains return by default, so frames fwc has no objection to go on.
func ebtables(rs *ir.Ruleset, sets map[string]*ir.Set) []byte {
	t := newTable("nat")
	dispatch := t.chain(chBridge)
	for _, g := range rs.Guests {
		if !rs.Enabled || !g.Enabled {
			continue
		}
		for _, n := range g.NICs {
			if !n.Firewall {
				continue
			}
			name := chainName(n.Iface + "-OUT")
			dispatch.add("-i "+n.Iface, "-j "+name)
			out := t.chain(name)
			mac := g.MACFilter && n.MAC != ""
			ebVLAN(t, out, n, mac || n.IPFilter != "")
			if mac {
				out.add("-s ! " + n.MAC + " -j DROP")
				out.add("-p ARP --arp-mac-src ! " + n.MAC + " -j DROP")
			}
			if g.L2Protocols != nil {
				proto := chainName(n.Iface + "-PROTO")
				out.add("-j " + proto)
				c := t.chain(proto)
				for _, typ := range append([]uint16{0x0800, 0x86dd}, g.L2Protocols...) {
					c.add(fmt.Sprintf("-p 0x%04x -j RETURN", typ))
					if len(n.Trunks) > 0 {
						c.add(fmt.Sprintf("-p 802_1Q --vlan-encap 0x%04x -j RETURN", typ))
					}
				}
				c.add("-j DROP")
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

// ebVLAN drops the tagged frames n may not send; checkARP says its ARP is
// checked, which ebtables cannot do inside a tag.
func ebVLAN(t *table, out *chain, n ir.NIC, checkARP bool) {
	out.add("-p 0x88a8 -j DROP")
	if len(n.Trunks) == 0 {
		out.add("-p 802_1Q -j DROP")
		return
	}
	out.add("-p 802_1Q --vlan-encap 802_1Q -j DROP")
	out.add("-p 802_1Q --vlan-encap 0x88a8 -j DROP")
	if checkARP {
		out.add("-p 802_1Q --vlan-encap ARP -j DROP")
	}
	vlan := chainName(n.Iface + "-VLAN")
	out.add("-p 802_1Q -j " + vlan)
	c := t.chain(vlan)
	for _, r := range n.Trunks {
		for id := r.Lo; id <= r.Hi; id++ {
			c.add(fmt.Sprintf("-p 802_1Q --vlan-id %d -j RETURN", id))
		}
	}
	c.add("-j DROP")
}
