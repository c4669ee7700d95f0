package plan

import (
	"net/netip"

	"github.com/fwc-project/fwc/ir"
)

// Cond is one condition of a rule. The set of conditions is closed (the
// types in this file): printers and evaluators switch over them
// exhaustively, and plan's tests check that every backend handles each.
type Cond interface{ cond() }

// Side is the source or destination part of a packet or frame.
type Side int

// Sides.
const (
	Src Side = iota
	Dst
)

// L3 is a network protocol a rule can be restricted to.
type L3 int

// Network protocols. ARP exists only in the bridge table.
const (
	IPv4 L3 = iota
	IPv6
	ARP
)

// Protocol restricts a rule to one network protocol (Not: to any other).
type Protocol struct {
	Proto L3
	Not   bool
}

// Iface matches the input (Side Src) or output (Side Dst) interface name.
type Iface struct {
	Side Side
	Name string
}

// L4 matches the transport protocol: one of the numbers.
type L4 struct {
	Protos []uint8
}

// Port matches a transport port. Proto is the protocol the port belongs
// to (and implies), or 0 for whichever the rule's L4 condition selects.
type Port struct {
	Proto  uint8
	Side   Side
	Ranges []ir.PortRange
}

// PortInSet matches a transport port against a named port set of the
// table (TypeService); Proto as in Port.
type PortInSet struct {
	Proto uint8
	Side  Side
	Set   string
}

// ICMP matches ICMP (V6 false) or ICMPv6 types. With a code there is
// exactly one type.
type ICMP struct {
	V6    bool
	Types []ir.ICMPType
}

// ICMPRange matches the ICMP or ICMPv6 types Lo to Hi.
type ICMPRange struct {
	V6     bool
	Lo, Hi uint8
}

// Addr matches an IP address of one family against literal prefixes and
// ranges.
type Addr struct {
	Side     Side
	V6       bool
	Prefixes []netip.Prefix
	Ranges   []ir.AddrRange
}

// AddrInSet matches an IP address against a named address set of the
// table (Not: the address is not in it).
type AddrInSet struct {
	Side Side
	V6   bool
	Set  string
	Not  bool
}

// AddrType matches the routing type of an address (nft fib, iptables
// addrtype): one of Types.
type AddrType struct {
	Side  Side
	Types []RouteType
}

// RouteType is a routing type of an address.
type RouteType int

// Routing types.
const (
	Broadcast RouteType = iota
	Multicast
	Anycast
)

// PktType matches the link-layer packet type of a frame: one of Types.
type PktType struct {
	Types []LinkType
}

// LinkType is the link-layer type of a frame.
type LinkType int

// Link-layer types: addressed to this host's (or a bridge port's) MAC,
// broadcast, multicast.
const (
	LinkHost LinkType = iota
	LinkBroadcast
	LinkMulticast
)

// CtState matches the conntrack state: one of States.
type CtState struct {
	States []State
}

// State is a conntrack state.
type State int

// Conntrack states.
const (
	StateNew State = iota
	StateEstablished
	StateRelated
	StateInvalid
)

// TCPFlags matches (flags & Mask) == Value, or != with Not.
type TCPFlags struct {
	Mask, Value Flags
	Not         bool
}

// Flags is a set of TCP flags.
type Flags uint8

// TCP flags, in the header's bit order.
const (
	FIN Flags = 1 << iota
	SYN
	RST
	PSH
	ACK
	URG
)

// EtherAddr matches a frame's source or destination MAC (canonical
// lower-case form).
type EtherAddr struct {
	Side Side
	MAC  string
	Not  bool
}

// ARPSenderMAC matches the sender hardware address inside an ARP packet.
type ARPSenderMAC struct {
	MAC string
	Not bool
}

// ARPSenderInSet matches the sender IPv4 address inside an ARP packet
// against a named set.
type ARPSenderInSet struct {
	Set string
	Not bool
}

// Mark matches (packet mark & Mask) == Value.
type Mark struct {
	Mask, Value uint32
}

// InSet matches a tuple of packet keys against a named set of the table.
type InSet struct {
	Keys []Key
	Set  string
}

// Key is a packet property used to look up a set or a verdict map.
type Key int

// Lookup keys.
const (
	KeyIIFName  Key = iota // input interface name
	KeyOIFName             // output interface name
	KeyBridge              // name of the bridge the frame entered
	KeyEtherDst            // destination MAC
)

// SourceRate holds while the packet's source address exceeds Rate per
// second (plus Burst): a meter in the dynamic Set, one per source masked
// to Bits (a whole IPv4 address, an IPv6 /64).
type SourceRate struct {
	V6    bool
	Set   string
	Bits  int
	Rate  int
	Burst int
}

// EtherType matches the type field of the Ethernet header as the frame
// carries it, which reads a VLAN tag's TPID on a tagged frame (bridge
// table only): one of Types, or none of them with Not.
type EtherType struct {
	Types []uint16
	Not   bool
}

// VLANType matches the protocol inside the outermost 802.1Q tag: one of
// Types. It needs EtherType 802.1Q before it.
type VLANType struct {
	Types []uint16
}

// VLANID matches the VLAN id of the outermost 802.1Q tag against Ranges
// (Not: outside them). It needs EtherType 802.1Q before it.
type VLANID struct {
	Ranges []ir.VLANRange
	Not    bool
}

// InnerProtocol matches the protocol of the frame inside any VLAN tag
// (nft meta protocol; bridge table only): one of Types, or none with Not.
type InnerProtocol struct {
	Types []uint16
	Not   bool
}

// IP6NextHdr matches the next-header field of the IPv6 header itself
// (not the protocol after extension headers).
type IP6NextHdr struct {
	Proto uint8
	Not   bool
}

// IP6Length matches the IPv6 payload length: Lo to Hi.
type IP6Length struct {
	Lo, Hi uint16
}

// Transport matches Bits bits at bit Offset of the transport header
// against Values, hexadecimal numbers or ranges of them "0xA-0xB" (Not:
// none of them). For fields no named match has, such as NDP's options.
type Transport struct {
	Offset, Bits int
	Values       []string
	Not          bool
}

func (EtherType) cond()      {}
func (VLANType) cond()       {}
func (VLANID) cond()         {}
func (InnerProtocol) cond()  {}
func (IP6NextHdr) cond()     {}
func (IP6Length) cond()      {}
func (Transport) cond()      {}
func (Protocol) cond()       {}
func (Iface) cond()          {}
func (L4) cond()             {}
func (Port) cond()           {}
func (PortInSet) cond()      {}
func (ICMP) cond()           {}
func (ICMPRange) cond()      {}
func (Addr) cond()           {}
func (AddrInSet) cond()      {}
func (AddrType) cond()       {}
func (PktType) cond()        {}
func (CtState) cond()        {}
func (TCPFlags) cond()       {}
func (EtherAddr) cond()      {}
func (ARPSenderMAC) cond()   {}
func (ARPSenderInSet) cond() {}
func (Mark) cond()           {}
func (InSet) cond()          {}
func (SourceRate) cond()     {}

// AllConds holds a valid value of every condition type, for tests that
// check that each backend and evaluator handles each type.
var AllConds = []Cond{
	Protocol{Proto: IPv6}, Iface{Side: Src, Name: "eth0"}, L4{Protos: []uint8{protoTCP}},
	Port{Side: Dst, Ranges: ports(22)}, PortInSet{Proto: protoTCP, Side: Dst, Set: "ports-1"}, ICMP{Types: VitalICMP}, ICMPRange{V6: true, Lo: NDPRouterSolicit, Hi: NDPNeighborAdvert},
	Addr{Side: Dst, Prefixes: []netip.Prefix{Multicast4}}, AddrInSet{Side: Src, Set: "v4-s"},
	AddrType{Side: Dst, Types: []RouteType{Broadcast}}, PktType{Types: []LinkType{LinkMulticast}},
	CtState{States: []State{StateInvalid}}, SynAlone, EtherAddr{Side: Src, MAC: "02:00:00:00:00:01", Not: true},
	ARPSenderMAC{MAC: "02:00:00:00:00:01", Not: true}, ARPSenderInSet{Set: "v4-s", Not: true},
	Mark{Mask: AcceptMark, Value: AcceptMark}, InSet{Keys: []Key{KeyOIFName, KeyEtherDst}, Set: "s"},
	SourceRate{Set: "s", Bits: 32, Rate: 10},
	EtherType{Types: []uint16{EtherVLAN}}, VLANType{Types: []uint16{EtherVLAN, EtherQinQ}},
	VLANID{Ranges: []ir.VLANRange{{Lo: 10, Hi: 20}}, Not: true}, InnerProtocol{Types: []uint16{EtherIPv4, EtherIPv6}, Not: true},
	IP6NextHdr{Proto: protoICMPv6, Not: true}, IP6Length{Lo: 25, Hi: 0xffff},
	Transport{Offset: 192, Bits: 16, Values: []string{"0x0e01"}, Not: true},
}
