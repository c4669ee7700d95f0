package nft

import (
	"fmt"

	"github.com/fwc-project/fwc/ir"
)

// Ports the host keeps open under a DROP or REJECT input policy, from the
// management set: API/GUI, VNC consoles, SPICE proxy, SSH, live migration.
const managementPorts = "tcp dport { 22, 3128, 5900-5999, 8006, 60000-60050 }"

// localPorts are the ports PVE lets the host reach on local_network
// whatever the output policy.
const localPorts = "tcp dport { 22, 3128, 5900-5999, 8006 }"

// hostTable builds table inet fwc: traffic to, from and routed by the host.
func (e *emitter) hostTable() *table {
	h := &e.rs.Host
	t := newTable(inetTable)
	in := t.newChain("input", baseHook("input", "filter"))
	out := t.newChain("output", baseHook("output", "filter"))
	fwd := t.newChain("forward", baseHook("forward", "filter"))
	e.helpers(t)
	user := [3]*chain{t.newChain("host-in", ""), t.newChain("host-out", ""), t.newChain("host-forward", "")}
	for i, rules := range [3][]ir.Rule{h.In, h.Out, h.Forward} {
		dir := ir.Direction(i)
		for _, r := range rules {
			e.addRule(user[i], r, dir, hostIface(dir), hostDialect(user[i].name))
		}
	}
	e.input(t, in)
	e.blacklistDrop(t)
	e.output(out)
	e.conntrack(fwd, hostDialect("forward"))
	fwd.add("jump host-forward")
	e.policy(fwd, h.PolicyForward, h.LogForward, hostDialect("forward"))
	doReject(t, hostDialect(""))
	e.groupChains(t, false)
	e.declareSets(t)
	return t
}

// hostIface is the interface a host rule's -i matches.
func hostIface(dir ir.Direction) string {
	switch dir {
	case ir.In:
		return "iifname"
	case ir.Out:
		return "oifname"
	}
	return "" // forward rules have none (lower)
}

// input fills the input chain in PVE's order.
func (e *emitter) input(t *table, c *chain) {
	h := &e.rs.Host
	d := hostDialect("input")
	c.add(`iifname "lo" accept`)
	e.conntrack(c, d)
	if h.NDP {
		c.add("icmpv6 type { nd-router-solicit, nd-router-advert, nd-neighbor-solicit, nd-neighbor-advert } accept")
	}
	if h.Blacklist != "" {
		e.blacklist(t, c)
	}
	if h.Synflood != nil {
		synflood(t, c, h.Synflood)
	}
	if h.NoSmurfs {
		e.smurfs(t, c)
	}
	if h.TCPFlags {
		e.tcpFlags(t, c)
	}
	c.add("meta l4proto igmp accept")
	c.add("jump host-in")
	e.allowances(t, c)
	e.policy(c, h.PolicyIn, h.LogIn, d)
}

// output fills the output chain in PVE's order.
func (e *emitter) output(c *chain) {
	h := &e.rs.Host
	c.add(`oifname "lo" accept`)
	e.conntrack(c, hostDialect("output"))
	if h.NDP {
		c.add("icmpv6 type { nd-router-solicit, nd-neighbor-solicit, nd-neighbor-advert } accept")
	}
	c.add("meta l4proto igmp accept")
	c.add("jump host-out")
	v4, v6 := split(h.LocalNetwork)
	if len(v4) > 0 {
		c.add("ip daddr "+anonSet(v4), localPorts, "accept")
	}
	if len(v6) > 0 {
		c.add("ip6 daddr "+anonSet(v6), localPorts, "accept")
	}
	e.policy(c, h.PolicyOut, h.LogOut, hostDialect("output"))
}

// allowances keeps management, corosync and vital ICMP open under any
// input policy. The management set already contains local_network (lower).
func (e *emitter) allowances(t *table, c *chain) {
	h := &e.rs.Host
	t.useSet(h.Management)
	c.add("ip saddr @"+setName(ir.IPv4, h.Management), managementPorts, "accept")
	c.add("ip6 saddr @"+setName(ir.IPv6, h.Management), managementPorts, "accept")
	const corosync = "udp dport 5405-5412 accept"
	v4, v6 := split(h.Corosync)
	if len(v4)+len(v6) == 0 {
		c.add(corosync)
	}
	if len(v4) > 0 {
		c.add("ip saddr "+anonSet(v4), corosync)
	}
	if len(v6) > 0 {
		c.add("ip6 saddr "+anonSet(v6), corosync)
	}
	c.add("icmp type { destination-unreachable, source-quench, time-exceeded } accept")
	c.add("icmpv6 type { destination-unreachable, packet-too-big, time-exceeded, parameter-problem } accept")
}

// blacklist drops sources in the cluster's blacklist set. PVE logs these
// drops at log_level_out, an accident of the order it creates chains in;
// fwc logs them at log_level_in, the direction of the dropped traffic.
func (e *emitter) blacklist(t *table, c *chain) {
	name := e.rs.Host.Blacklist
	t.useSet(name)
	c.add("ip saddr @"+setName(ir.IPv4, name), "goto blacklist-drop")
	c.add("ip6 saddr @"+setName(ir.IPv6, name), "goto blacklist-drop")
}

// blacklistDrop adds the chain blacklisted sources go to, when there is a
// blacklist.
func (e *emitter) blacklistDrop(t *table) {
	if e.rs.Host.Blacklist != "" {
		e.logDrop(t, "blacklist-drop", e.rs.Host.LogIn)
	}
}

// synflood drops a source's TCP SYNs only above its rate, per IPv4
// address or IPv6 /64 as PVE's hashlimit does (NFT's version drops every
// SYN). Entries expire after 60 s, PVE's default.
func synflood(t *table, c *chain, s *ir.Synflood) {
	lim := fmt.Sprintf("limit rate over %d/second", s.Rate)
	if s.Burst > 0 {
		lim += fmt.Sprintf(" burst %d packets", s.Burst)
	}
	t.decls = append(t.decls,
		"set synflood-v4 { type ipv4_addr; flags dynamic,timeout; timeout 60s; }",
		"set synflood-v6 { type ipv6_addr; flags dynamic,timeout; timeout 60s; }")
	const syn = "tcp flags & (fin|syn|rst|ack) == syn"
	c.add(syn, "update @synflood-v4 { ip saddr", lim, "} drop")
	c.add(syn, "update @synflood-v6 { ip6 saddr & ffff:ffff:ffff:ffff::", lim, "} drop")
}

// smurfs drops new IPv4 packets from broadcast or multicast sources
// (answers to them would flood a network), PVE's PVEFW-smurfs.
func (e *emitter) smurfs(t *table, c *chain) {
	c.add("meta nfproto ipv4 ct state new,invalid jump smurfs")
	s := t.newChain("smurfs", "")
	s.add("ip saddr 0.0.0.0 return") // DHCP clients
	s.add("fib saddr type broadcast goto smurf-drop")
	s.add("ip saddr 224.0.0.0/4 goto smurf-drop")
	e.logDrop(t, "smurf-drop", e.rs.Host.SmurfLog)
}

// tcpFlags drops illegal TCP flag combinations, PVE's PVEFW-tcpflags.
func (e *emitter) tcpFlags(t *table, c *chain) {
	c.add("meta l4proto tcp jump tcpflags")
	f := t.newChain("tcpflags", "")
	for _, m := range []string{
		"tcp flags & (fin|syn|rst|psh|ack|urg) == fin|psh|urg",
		"tcp flags & (fin|syn|rst|psh|ack|urg) == 0x0",
		"tcp flags & (syn|rst) == syn|rst",
		"tcp flags & (fin|syn) == fin|syn",
		"tcp sport 0 tcp flags & (fin|syn|rst|ack) == syn",
	} {
		f.add(m, "goto tcpflags-drop")
	}
	e.logDrop(t, "tcpflags-drop", e.rs.Host.TCPFlagsLog)
}

// groupChains adds the chains of every security group t's rules jump to,
// in IR order. In the bridge table an IN chain can exist twice (see
// guest.go); the inet table never uses the late variant.
func (e *emitter) groupChains(t *table, bridge bool) {
	for _, g := range e.rs.Groups {
		for i, rules := range [3][]ir.Rule{g.In, g.Out, g.Forward} {
			dir := ir.Direction(i)
			for _, late := range []bool{false, true} {
				name := groupChain(g.Name, dir, late)
				if !t.groups[name] {
					continue
				}
				c := t.newChain(name, "")
				d := hostDialect(name)
				iface := hostIface(dir)
				if bridge {
					d = guestDialect(0, name, dir, late)
					iface = "" // lower allows -i only on the GROUP rule
				}
				for _, r := range rules {
					e.addRule(c, r, dir, iface, d)
				}
			}
		}
	}
}
