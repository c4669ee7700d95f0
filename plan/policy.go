package plan

import (
	"net/netip"

	"github.com/fwc-project/fwc/ir"
)

// The built-in PVE policy: everything fwc adds to the user's rules. Section
// numbers refer to ../shared/spec/pve-format.md ("the spec"); where fwc
// departs from PVE the reason is in ../shared/spec/fwc-semantics.md or the
// README's Compatibility section.

// Item names a built-in policy item: the origin of the rules it makes.
type Item string

// Built-in policy items. ItemUser marks rules made from the user's rules.
const (
	ItemUser          Item = ""
	ItemLoopback      Item = "loopback"         // the host's lo is never filtered (spec §7.1 #1, §7.2 #1)
	ItemConntrack     Item = "conntrack"        // invalid dropped, established and related accepted (§7.1 #2-3, §7.3)
	ItemNDP           Item = "ndp"              // neighbour discovery (host/guest option ndp; §7.1 #4, §7.2 #4, §7.3)
	ItemBlacklist     Item = "blacklist"        // sources in cluster.fw's [IPSET blacklist] are dropped (§7.1 #5)
	ItemSynflood      Item = "synflood"         // protection_synflood (§9.5, §10.5)
	ItemSmurfs        Item = "smurfs"           // nosmurfs (§7.1 #6)
	ItemTCPFlags      Item = "tcpflags"         // tcpflags (§7.1 #7)
	ItemIGMP          Item = "igmp"             // IGMP always passes (§7.1 #8, §7.2 #5)
	ItemRules         Item = "rules"            // entering a user rule chain
	ItemManagement    Item = "management"       // the management set may reach ManagementPorts (§7.1 #10)
	ItemCorosync      Item = "corosync"         // cluster communication, CorosyncPorts (§7.1 #11-12, NFT's range)
	ItemVitalICMP     Item = "vital-icmp"       // ICMP errors path MTU discovery and traceroute need (§7.5, NFT)
	ItemLocalNetwork  Item = "local-network"    // the host may reach LocalPorts in local_network (§7.2 #7)
	ItemPolicy        Item = "policy"           // a chain's policy (§7.4)
	ItemNoise         Item = "noise"            // PVEFW-Drop / PVEFW-Reject: dropped before the policy, unlogged (§7.4)
	ItemReject        Item = "reject"           // how REJECT answers, PVEFW-reject (§7.4)
	ItemHelpers       Item = "helpers"          // nf_conntrack_helpers (§9.5, §10.5)
	ItemDispatch      Item = "dispatch"         // bridge base chains handing frames to the chains of their NIC
	ItemBridged       Item = "bridged"          // bridged frames carry BridgedMark; inet forward lets them pass (br_netfilter)
	ItemRejectAnswers Item = "reject-answers"   // the host's reject answers leave towards guests (guest.go)
	ItemUnicast       Item = "unicast"          // frames the unicast IN chain accepted pass postrouting (guest.go)
	ItemMACFilter     Item = "macfilter"        // a guest sends only from its NIC's MAC (§7.3 OUT #3)
	ItemIPFilter      Item = "ipfilter"         // a guest sends only from its ipfilter set (§6.3, §7.3 OUT #5)
	ItemDHCP          Item = "dhcp"             // DHCP client traffic (guest option dhcp; §7.3)
	ItemRAdv          Item = "radv"             // router advertisements from guests are dropped unless radv (§7.3 OUT #4)
	ItemARP           Item = "arp"              // ARP passes guest chains (after macfilter and ipfilter)
	ItemVLAN          Item = "vlan"             // VLAN tags a guest may send: none, or one of trunks= (guest.go)
	ItemNDPShape      Item = "ndp-shape"        // NDP from a guest comes without extension headers (guest.go)
	ItemL2Protocols   Item = "layer2-protocols" // layer2_protocols: the ethertypes besides IP a guest may send
)

// ManagementPorts are the TCP ports the management set may reach under
// any input policy: SSH 22, SPICE proxy 3128, VNC 5900-5999, API/GUI 8006
// and PVE's live migration range 60000-60050 (§7.1 #10; DOC and NFT omit
// the migration range). The management set already holds local_network
// (lower).
var ManagementPorts = []ir.PortRange{{Lo: 22, Hi: 22}, {Lo: 3128, Hi: 3128}, {Lo: 5900, Hi: 5999}, {Lo: 8006, Hi: 8006}, {Lo: 60000, Hi: 60050}}

// LocalPorts are the TCP ports the host may always reach in local_network
// (§7.2 #7): ManagementPorts without migration.
var LocalPorts = ManagementPorts[:4]

// CorosyncPorts is the UDP range of cluster communication, from the
// corosync network or from anywhere when it is unknown (NFT's range and
// behaviour; PVE opens 5404-5405 towards ring peers only, §7.4).
var CorosyncPorts = []ir.PortRange{{Lo: 5405, Hi: 5412}}

// CorosyncMemberPorts is the UDP range opened between cluster members when
// corosync.conf names them: PVE's code opens 5404-5405, its documentation
// 5405-5412 for knet's links; the union lets every corosync version work.
var CorosyncMemberPorts = []ir.PortRange{{Lo: 5404, Hi: 5412}}

// VitalICMP are the ICMP errors host input accepts under any policy:
// destination-unreachable, source-quench, time-exceeded (DOC, NFT §7.5).
var VitalICMP = []ir.ICMPType{{Type: 3}, {Type: 4}, {Type: 11}}

// VitalICMPv6 are ICMPv6's: destination-unreachable, packet-too-big,
// time-exceeded, parameter-problem.
var VitalICMPv6 = []ir.ICMPType{{Type: 1}, {Type: 2}, {Type: 3}, {Type: 4}}

// NDP message types: router solicitation and advertisement, neighbour
// solicitation and advertisement (§7.1 #4).
const (
	NDPRouterSolicit   = 133
	NDPRouterAdvert    = 134
	NDPNeighborSolicit = 135
	NDPNeighborAdvert  = 136
	NDPRedirect        = 137
	ICMPRedirect       = 5 // ICMP (v4) redirect
)

// Ethertypes the built-in rules use.
const (
	EtherIPv4 = 0x0800
	EtherARP  = 0x0806
	EtherIPv6 = 0x86dd
	EtherVLAN = 0x8100 // 802.1Q tag
	EtherQinQ = 0x88a8 // 802.1ad service tag
)

// HostInNDP are the NDP types host input accepts (§7.1 #4); host output
// sends no router advertisements (§7.2 #4).
var (
	HostInNDP  = []ir.ICMPType{{Type: NDPRouterSolicit}, {Type: NDPRouterAdvert}, {Type: NDPNeighborSolicit}, {Type: NDPNeighborAdvert}}
	HostOutNDP = []ir.ICMPType{{Type: NDPRouterSolicit}, {Type: NDPNeighborSolicit}, {Type: NDPNeighborAdvert}}
)

// GuestNDP are the NDP types guest chains accept (router advertisements
// from a guest are dropped before unless radv). Written as a range, not a
// set: an anonymous set per guest chain made large rulesets load slowly.
var GuestNDP = ICMPRange{V6: true, Lo: NDPRouterSolicit, Hi: NDPNeighborAdvert}

// DHCP traffic of a guest's client (§7.3): requests from the client's to
// the server's port, replies back.
var (
	DHCPRequest   = []Cond{Port{Proto: protoUDP, Side: Src, Ranges: ports(68)}, Port{Proto: protoUDP, Side: Dst, Ranges: ports(67)}}
	DHCPv6Request = []Cond{Port{Proto: protoUDP, Side: Src, Ranges: ports(546)}, Port{Proto: protoUDP, Side: Dst, Ranges: ports(547)}}
	DHCPReply     = []Cond{Port{Proto: protoUDP, Side: Src, Ranges: ports(67)}, Port{Proto: protoUDP, Side: Dst, Ranges: ports(68)}}
	DHCPv6Reply   = []Cond{Port{Proto: protoUDP, Side: Src, Ranges: ports(547)}, Port{Proto: protoUDP, Side: Dst, Ranges: ports(546)}}
)

// Multicast address ranges: sources there are smurfs, destinations there
// are noise (§7.4 PVEFW-DropBroadcast).
var (
	Multicast4 = netip.MustParsePrefix("224.0.0.0/4")
	Multicast6 = netip.MustParsePrefix("ff00::/8")
)

// Unspecified4 is where a DHCP client without a lease sends from: never a
// smurf, and let through ipfilter.
var Unspecified4 = netip.MustParsePrefix("0.0.0.0/32")

// SynAlone is the flag test of a TCP packet that opens a connection: of
// FIN, SYN, RST and ACK only SYN.
var SynAlone = TCPFlags{Mask: FIN | SYN | RST | ACK, Value: SYN}

// IllegalTCPFlags are the flag combinations no TCP stack sends, PVE's
// PVEFW-tcpflags (§7.1 #7); each entry is the match of one rule.
var IllegalTCPFlags = [][]Cond{
	{TCPFlags{Mask: FIN | SYN | RST | PSH | ACK | URG, Value: FIN | PSH | URG}},
	{TCPFlags{Mask: FIN | SYN | RST | PSH | ACK | URG, Value: 0}},
	{TCPFlags{Mask: SYN | RST, Value: SYN | RST}},
	{TCPFlags{Mask: FIN | SYN, Value: FIN | SYN}},
	{Port{Proto: protoTCP, Side: Src, Ranges: ports(0)}, SynAlone},
}

// Helper is a conntrack helper PVE can enable (nf_conntrack_helpers) and
// the port it watches (§9.5).
type Helper struct {
	Name   string
	Proto  uint8
	Port   uint16
	V4Only bool
}

// Helpers is PVE's list; lower admits only these names.
var Helpers = []Helper{
	{"amanda", protoUDP, 10080, false},
	{"ftp", protoTCP, 21, false},
	{"irc", protoTCP, 6667, true},
	{"netbios-ns", protoUDP, 137, true},
	{"pptp", protoTCP, 1723, true},
	{"sane", protoTCP, 6566, false},
	{"sip", protoUDP, 5060, false},
	{"snmp", protoUDP, 161, true},
	{"tftp", protoUDP, 69, false},
}

// IP protocol numbers the built-in rules use.
const (
	protoICMP   = 1
	protoIGMP   = 2
	protoTCP    = 6
	protoUDP    = 17
	protoICMPv6 = 58

	icmpDestUnreachable   = 3 // ICMP destination unreachable
	icmpv6DestUnreachable = 1 // ICMPv6 destination unreachable
)

// ports is a list of single ports.
func ports(ps ...uint16) []ir.PortRange {
	out := make([]ir.PortRange, len(ps))
	for i, p := range ps {
		out[i] = ir.PortRange{Lo: p, Hi: p}
	}
	return out
}
