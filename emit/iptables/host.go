package iptables

import (
	"net/netip"
	"strings"

	"github.com/fwc-project/fwc/ir"
)

// Ports kept open to the management set under any input policy (the
// documentation's list, with PVE's migration range), and the subset the
// host may always reach in the local network (output).
const (
	managementPorts = "8006,5900:5999,3128,22,60000:60050"
	localOutPorts   = "8006,22,5900:5999,3128"
	corosyncPorts   = "5405:5412"
	// Between the members corosync.conf names: PVE's 5404-5405 and the
	// documentation's 5405-5412 (plan.CorosyncMemberPorts).
	corosyncMemberPorts = "5404:5412"
)

// NDP message types: router solicitation, advertisement, neighbour
// solicitation, advertisement.
const (
	ndpRS = 133
	ndpRA = 134
	ndpNS = 135
	ndpNA = 136
)

// host builds the host's input, output and forward chains in the order of
// fwc-semantics.md (Host defaults). The host's accept is RETURN, as PVE's:
// the packet leaves fwc's chains and the built-in chain carries on.
func (e *emitter) host() error {
	if err := e.hostIn(); err != nil {
		return err
	}
	if err := e.hostOut(); err != nil {
		return err
	}
	h := &e.rs.Host
	fwd := ctx{chain: e.filter.chain(chHostFwd), accept: "-j RETURN", ifFlag: "-i", dir: ir.Forward}
	e.conntrack(fwd.chain, "-j ACCEPT")
	if err := e.rules(fwd, h.Forward); err != nil {
		return err
	}
	e.policy(fwd, h.PolicyForward, h.LogForward)
	return nil
}

func (e *emitter) hostIn() error {
	h := &e.rs.Host
	c := ctx{chain: e.filter.chain(chHostIn), accept: "-j RETURN", ifFlag: "-i", dir: ir.In}
	in := c.chain
	in.add("-i lo -j ACCEPT")
	e.conntrack(in, "-j ACCEPT")
	if e.v6 && h.NDP {
		e.icmp6(in, "-j RETURN", ndpRS, ndpRA, ndpNS, ndpNA)
	}
	e.blacklist(in)
	e.synflood(in)
	if !e.v6 && h.NoSmurfs {
		in.add("-m conntrack --ctstate INVALID,NEW -j " + e.smurfs())
	}
	if h.TCPFlags {
		in.add("-p tcp -j " + e.tcpflags())
	}
	in.add("-p 2 -j RETURN") // IGMP
	if err := e.rules(c, h.In); err != nil {
		return err
	}
	// The management set already holds local_network (lower).
	in.add(setMatch(e.set(h.Management), "src"), "-p tcp -m multiport --dports "+managementPorts, "-j RETURN")
	e.corosync(in)
	e.vitalICMP(in)
	e.policy(c, h.PolicyIn, h.LogIn)
	return nil
}

func (e *emitter) hostOut() error {
	h := &e.rs.Host
	c := ctx{chain: e.filter.chain(chHostOut), accept: "-j RETURN", ifFlag: "-o", dir: ir.Out}
	out := c.chain
	out.add("-o lo -j ACCEPT")
	e.conntrack(out, "-j ACCEPT")
	if e.v6 && h.NDP {
		e.icmp6(out, "-j RETURN", ndpRS, ndpNS, ndpNA)
	}
	out.add("-p 2 -j RETURN") // IGMP
	if err := e.rules(c, h.Out); err != nil {
		return err
	}
	if l := e.prefixes(h.LocalNetwork); l != "" {
		out.add("-d "+l, "-p tcp -m multiport --dports "+localOutPorts, "-j RETURN")
	}
	if h.Cluster != nil {
		e.corosyncMembers(out, ir.Out)
	}
	e.policy(c, h.PolicyOut, h.LogOut)
	return nil
}

// corosync allows cluster traffic from the corosync network, or from any
// peer when it is unknown.
func (e *emitter) corosync(c *chain) {
	if e.rs.Host.Cluster != nil {
		e.corosyncMembers(c, ir.In)
		return
	}
	peers := e.rs.Host.Corosync
	if len(peers) == 0 {
		c.add("-p udp -m udp --dport " + corosyncPorts + " -j RETURN")
		return
	}
	if l := e.prefixes(peers); l != "" {
		c.add("-s "+l, "-p udp -m udp --dport "+corosyncPorts, "-j RETURN")
	}
}

// corosyncMembers opens cluster communication between this node and the
// peers corosync.conf lists, per link of this table's family: from the
// peers to this node's address (dir In) or back (dir Out), and with
// transport udp the multicast group too.
func (e *emitter) corosyncMembers(c *chain, dir ir.Direction) {
	cs := e.rs.Host.Cluster
	for _, l := range cs.Links {
		if l.Local.Is6() != e.v6 {
			continue
		}
		var peers []string
		for _, p := range l.Peers {
			peers = append(peers, p.Addr.String())
		}
		src, dst := strings.Join(peers, ","), l.Local.String()
		if dir == ir.Out {
			src, dst = dst, src
		}
		if len(peers) == 0 {
			continue // a link no peer shares carries no traffic
		}
		c.add("-s "+src, "-d "+dst, "-p udp -m udp --dport "+corosyncMemberPorts, "-j RETURN")
		if cs.Multicast() {
			c.add("-s "+src, "-m addrtype --dst-type MULTICAST", "-p udp -m udp --dport "+corosyncMemberPorts, "-j RETURN")
		}
	}
}

// vitalICMP accepts the ICMP errors path MTU discovery and traceroute need:
// destination-unreachable, source-quench, time-exceeded (ICMPv6:
// destination-unreachable, packet-too-big, time-exceeded,
// parameter-problem).
func (e *emitter) vitalICMP(c *chain) {
	if e.v6 {
		e.icmp6(c, "-j RETURN", 1, 2, 3, 4)
		return
	}
	for _, t := range []uint8{3, 4, 11} {
		c.add("-p icmp", icmpMatch(false, ir.ICMPType{Type: t}), "-j RETURN")
	}
}

// icmp6 adds one rule per ICMPv6 type with the given target.
func (e *emitter) icmp6(c *chain, target string, types ...uint8) {
	for _, t := range types {
		c.add("-p ipv6-icmp", icmpMatch(true, ir.ICMPType{Type: t}), target)
	}
}

// prefixes is the comma list of ps in this family ("" when none).
func (e *emitter) prefixes(ps []netip.Prefix) string {
	var s []string
	for _, p := range ps {
		if p.Addr().Is6() == e.v6 {
			s = append(s, p.String())
		}
	}
	return strings.Join(s, ",")
}

// set is the kernel name of an IR set the options refer to (checked by
// checkSets).
func (e *emitter) set(name string) string { return setName(name, e.v6) }

// synflood drops a source's TCP SYNs above protection_synflood_rate, per
// IPv4 address or IPv6 /64, with PVE's hashlimit (§10.5: only the excess,
// unlike NFT's chain). It sits in host input, where the nft backend has
// it, not in PVE's raw PREROUTING, which would count SYNs to guests too.
func (e *emitter) synflood(c *chain) {
	s := e.rs.Host.Synflood
	if s == nil {
		return
	}
	mask, burst := "32", ""
	if e.v6 {
		mask = "64"
	}
	if s.Burst > 0 {
		burst = "--hashlimit-burst " + itoa(s.Burst)
	}
	c.add("-p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -m hashlimit --hashlimit-above "+itoa(s.Rate)+"/sec", burst,
		"--hashlimit-mode srcip --hashlimit-srcmask "+mask+" --hashlimit-name fwc-syn --hashlimit-htable-expire 60000 -j DROP")
}

// helper is a conntrack helper's protocol, port and families (§9.5).
type helper struct {
	proto  string
	port   int
	v4Only bool
}

var helperPorts = map[string]helper{
	"amanda": {"udp", 10080, false}, "ftp": {"tcp", 21, false}, "irc": {"tcp", 6667, true},
	"netbios-ns": {"udp", 137, true}, "pptp": {"tcp", 1723, true}, "sane": {"tcp", 6566, false},
	"sip": {"udp", 5060, false}, "snmp": {"udp", 161, true}, "tftp": {"udp", 69, false},
}

// helpers attaches the configured conntrack helpers in raw PREROUTING, so
// their related connections pass as RELATED (PVE; unlike NFT, enabling a
// helper does not open its port).
func (e *emitter) helpers() {
	for _, name := range e.rs.Host.Helpers {
		h, ok := helperPorts[name]
		if !ok {
			panic("iptables: unknown conntrack helper " + name) // lower checks the names
		}
		if h.v4Only && e.v6 {
			continue
		}
		e.raw.chain(chPrerouting).add("-p "+h.proto+" -m "+h.proto+" --dport "+itoa(h.port), "-j CT --helper "+name)
	}
}
