package plan

import (
	"net/netip"
	"time"

	"github.com/fwc-project/fwc/ir"
)

// hostTable builds table inet fwc: traffic to, from and routed by the
// host, in PVE's order (§7.1, §7.2): conntrack, NDP, blacklist, synflood,
// smurfs, TCP flags, IGMP, user rules, allowances, policy.
func hostTable(rs *ir.Ruleset) *Table {
	h := &rs.Host
	b := newBuilder(rs, Inet)
	in := b.base("input", RoleInput, "input", 0)
	out := b.base("output", RoleOutput, "output", 0)
	fwd := b.base("forward", RoleForward, "forward", 0)
	b.helpers()
	user := [3]*Chain{b.chain("host-in", RoleRules), b.chain("host-out", RoleRules), b.chain("host-forward", RoleRules)}
	for i, rules := range [3][]ir.Rule{h.In, h.Out, h.Forward} {
		user[i].Dir = ir.Direction(i)
		for j := range rules {
			b.userRule(user[i], &rules[j], ir.Direction(i), true, dialect{})
		}
	}
	b.input(in)
	b.blacklistDrop()
	b.output(out)
	if bridgedMarking(rs) {
		fwd.add(builtin(ItemBridged, ir.Pos{}), Accept{}, Mark{Mask: BridgedMark, Value: BridgedMark})
	}
	b.conntrack(fwd, dialect{}, ir.Pos{})
	fwd.add(builtin(ItemRules, ir.Pos{}), Jump{Chain: "host-forward"})
	b.policy(fwd, h.PolicyForward, h.LogForward, dialect{}, h.PolicyPos[ir.Forward])
	at := len(b.t.Chains)
	b.groupChains()
	b.doReject(dialect{}, at)
	b.declareSets()
	return b.t
}

// input fills the input chain.
func (b *builder) input(c *Chain) {
	h := &b.rs.Host
	d := dialect{}
	c.add(builtin(ItemLoopback, ir.Pos{}), Accept{}, Iface{Side: Src, Name: "lo"})
	b.conntrack(c, d, ir.Pos{})
	if h.NDP {
		c.add(builtin(ItemNDP, ir.Pos{}), Accept{}, ICMP{V6: true, Types: HostInNDP})
	}
	if h.Blacklist != "" {
		b.blacklist(c)
	}
	if h.Synflood != nil {
		b.synflood(c, h.Synflood)
	}
	if h.NoSmurfs {
		b.smurfs(c)
	}
	if h.TCPFlags {
		b.tcpFlags(c)
	}
	c.add(builtin(ItemIGMP, ir.Pos{}), Accept{}, L4{Protos: []uint8{protoIGMP}})
	c.add(builtin(ItemRules, ir.Pos{}), Jump{Chain: "host-in"})
	b.allowances(c)
	b.policy(c, h.PolicyIn, h.LogIn, d, h.PolicyPos[ir.In])
}

// output fills the output chain.
func (b *builder) output(c *Chain) {
	h := &b.rs.Host
	c.add(builtin(ItemLoopback, ir.Pos{}), Accept{}, Iface{Side: Dst, Name: "lo"})
	b.conntrack(c, dialect{}, ir.Pos{})
	if h.NDP {
		c.add(builtin(ItemNDP, ir.Pos{}), Accept{}, ICMP{V6: true, Types: HostOutNDP})
	}
	c.add(builtin(ItemIGMP, ir.Pos{}), Accept{}, L4{Protos: []uint8{protoIGMP}})
	c.add(builtin(ItemRules, ir.Pos{}), Jump{Chain: "host-out"})
	o := builtin(ItemLocalNetwork, ir.Pos{})
	v4, v6 := split(h.LocalNetwork)
	if len(v4) > 0 {
		c.add(o, Accept{}, Addr{Side: Dst, Prefixes: v4}, Port{Proto: protoTCP, Side: Dst, Ranges: LocalPorts})
	}
	if len(v6) > 0 {
		c.add(o, Accept{}, Addr{Side: Dst, V6: true, Prefixes: v6}, Port{Proto: protoTCP, Side: Dst, Ranges: LocalPorts})
	}
	if h.Cluster != nil {
		b.corosyncMembers(c, ir.Out)
	}
	b.policy(c, h.PolicyOut, h.LogOut, dialect{}, h.PolicyPos[ir.Out])
}

// allowances keeps management, corosync and vital ICMP open under any
// input policy. The management set already contains local_network
// (lower).
func (b *builder) allowances(c *Chain) {
	h := &b.rs.Host
	b.useSet(h.Management)
	o := builtin(ItemManagement, b.setPos(h.Management))
	for _, v6 := range []bool{false, true} {
		c.add(o, Accept{}, AddrInSet{Side: Src, V6: v6, Set: SetName(v6, h.Management)}, Port{Proto: protoTCP, Side: Dst, Ranges: ManagementPorts})
	}
	if h.Cluster != nil {
		b.corosyncMembers(c, ir.In)
	} else {
		o = builtin(ItemCorosync, ir.Pos{})
		corosync := Port{Proto: protoUDP, Side: Dst, Ranges: CorosyncPorts}
		v4, v6 := split(h.Corosync)
		if len(v4)+len(v6) == 0 {
			c.add(o, Accept{}, corosync)
		}
		if len(v4) > 0 {
			c.add(o, Accept{}, Addr{Side: Src, Prefixes: v4}, corosync)
		}
		if len(v6) > 0 {
			c.add(o, Accept{}, Addr{Side: Src, V6: true, Prefixes: v6}, corosync)
		}
	}
	o = builtin(ItemVitalICMP, ir.Pos{})
	c.add(o, Accept{}, ICMP{Types: VitalICMP})
	c.add(o, Accept{}, ICMP{V6: true, Types: VitalICMPv6})
}

// corosyncMembers opens cluster communication between this node and its
// peers as corosync.conf lists them: per link, UDP CorosyncMemberPorts
// from the peers' addresses to this node's (dir In) or back (dir Out), and
// with transport udp the peers' (or this node's) multicast as well.
func (b *builder) corosyncMembers(c *Chain, dir ir.Direction) {
	cs := b.rs.Host.Cluster
	ports := Port{Proto: protoUDP, Side: Dst, Ranges: CorosyncMemberPorts}
	for _, l := range cs.Links {
		o := builtin(ItemCorosync, l.LocalPos)
		v6 := l.Local.Is6()
		local := []netip.Prefix{netip.PrefixFrom(l.Local, l.Local.BitLen())}
		var peers []netip.Prefix
		for _, p := range l.Peers {
			peers = append(peers, netip.PrefixFrom(p.Addr, p.Addr.BitLen()))
		}
		src, dst := peers, local
		if dir == ir.Out {
			src, dst = local, peers
		}
		if len(peers) == 0 {
			continue // a link no peer shares carries no traffic
		}
		c.add(o, Accept{}, Addr{Side: Src, V6: v6, Prefixes: src}, Addr{Side: Dst, V6: v6, Prefixes: dst}, ports)
		if cs.Multicast() {
			c.add(o, Accept{}, Addr{Side: Src, V6: v6, Prefixes: src}, AddrType{Side: Dst, Types: []RouteType{Multicast}}, ports)
		}
	}
}

// synfloodExpiry is how long a source's SYN meter lives, PVE's default.
const synfloodExpiry = 60 * time.Second

// synflood drops a source's TCP SYNs only above its rate, per IPv4
// address or IPv6 /64 as PVE's hashlimit does (NFT's version drops every
// SYN).
func (b *builder) synflood(c *Chain, s *ir.Synflood) {
	o := builtin(ItemSynflood, ir.Pos{})
	for _, v6 := range []bool{false, true} {
		name, typ, bits := "synflood-v4", TypeIPv4Addr, 32
		if v6 {
			name, typ, bits = "synflood-v6", TypeIPv6Addr, 64
		}
		b.t.Sets = append(b.t.Sets, &Set{Name: name, Type: []DataType{typ}, Dynamic: synfloodExpiry})
		c.add(o, Drop{}, SynAlone, SourceRate{V6: v6, Set: name, Bits: bits, Rate: s.Rate, Burst: s.Burst})
	}
}

// smurfs drops new IPv4 packets from broadcast or multicast sources
// (answers to them would flood a network), PVE's PVEFW-smurfs.
func (b *builder) smurfs(c *Chain) {
	o := builtin(ItemSmurfs, ir.Pos{})
	c.add(o, Jump{Chain: "smurfs"}, Protocol{Proto: IPv4}, CtState{States: []State{StateNew, StateInvalid}})
	s := b.chain("smurfs", RoleSmurfs)
	s.add(o, Return{}, Addr{Side: Src, Prefixes: []netip.Prefix{Unspecified4}}) // DHCP clients
	s.add(o, Goto{Chain: "smurf-drop"}, AddrType{Side: Src, Types: []RouteType{Broadcast}})
	s.add(o, Goto{Chain: "smurf-drop"}, Addr{Side: Src, Prefixes: []netip.Prefix{Multicast4}})
	b.logDrop("smurf-drop", b.rs.Host.SmurfLog, ItemSmurfs)
}

// tcpFlags drops illegal TCP flag combinations, PVE's PVEFW-tcpflags.
func (b *builder) tcpFlags(c *Chain) {
	o := builtin(ItemTCPFlags, ir.Pos{})
	c.add(o, Jump{Chain: "tcpflags"}, L4{Protos: []uint8{protoTCP}})
	f := b.chain("tcpflags", RoleTCPFlags)
	for _, m := range IllegalTCPFlags {
		f.add(o, Goto{Chain: "tcpflags-drop"}, m...)
	}
	b.logDrop("tcpflags-drop", b.rs.Host.TCPFlagsLog, ItemTCPFlags)
}

// helpers assigns the configured conntrack helpers to new connections on
// their ports, PVE's raw-table CT rules. The base chain runs in
// prerouting after conntrack, before the connection is confirmed, as
// helper assignment requires; the helpers' related connections are then
// accepted by the ct state rules. Unlike NFT, fwc does not open the
// helper ports.
func (b *builder) helpers() {
	names := b.rs.Host.Helpers
	if len(names) == 0 {
		return
	}
	c := b.base("helpers", RoleHelpers, "prerouting", 0)
	o := builtin(ItemHelpers, ir.Pos{})
	for _, name := range names {
		h := lookupHelper(name)
		obj := &CtHelper{Name: "helper-" + h.Name, Type: h.Name, Proto: h.Proto, V4Only: h.V4Only}
		b.t.Helpers = append(b.t.Helpers, obj)
		var m []Cond
		if h.V4Only {
			m = append(m, Protocol{Proto: IPv4})
		}
		m = append(m, Port{Proto: h.Proto, Side: Dst, Ranges: ports(h.Port)})
		c.add(o, nil, m...).Stmts = []Stmt{SetHelper{Helper: obj.Name}}
	}
}

func lookupHelper(name string) Helper {
	for _, h := range Helpers {
		if h.Name == name {
			return h
		}
	}
	impossible("unknown conntrack helper %s", name)
	return Helper{}
}
