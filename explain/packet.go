package explain

import (
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"

	"github.com/fwc-project/fwc/ir"
	"github.com/fwc-project/fwc/netdb"
	"github.com/fwc-project/fwc/plan/eval"
)

// State is the packet's conntrack state.
type State int

// Conntrack states a question can ask about.
const (
	New State = iota
	Established
)

func (s State) String() string {
	if s == Established {
		return "established"
	}
	return "new"
}

// TCP flag bits.
const (
	FIN uint8 = 1 << iota
	SYN
	RST
	PSH
	ACK
	URG
)

// Packet is the question: a packet from one endpoint to another. Zero
// fields take defaults: addresses and MACs are the endpoints' own, the
// family is IPv4 unless an address says otherwise, TCP flags are SYN for
// a new connection and ACK for an established one, and ICMP is an echo
// request.
type Packet struct {
	From, To Endpoint
	// Proto is a protocol name or number as /etc/protocols has it, or
	// "arp"; "icmp" with an IPv6 family means ICMPv6. Default tcp.
	Proto        string
	SPort, DPort uint16
	ICMPType     string // name or number; "" is echo-request
	Src, Dst     netip.Addr
	IPv6         bool             // the family when Src and Dst are unset
	SrcMAC       net.HardwareAddr // a forged source MAC; nil is the endpoint's own
	State        State
	Flags        uint8 // TCP flags; 0 for the default
	// Raw says the sender builds the frame itself (a forged packet) and
	// so does no neighbour discovery of its own. A source MAC other than
	// the endpoint's, or a source address off its subnets, implies it.
	Raw bool
	// EtherType asks about a frame of another protocol than IPv4, IPv6
	// and ARP (what layer2_protocols restricts); Proto is then unset.
	EtherType uint16
	// Tags are the VLAN tags of a forged frame, outermost first.
	Tags []Tag
	// Target is the target address of a neighbour solicitation or
	// advertisement; unset, the destination address.
	Target netip.Addr
	// LLAddr is the ARP sender MAC and the link-layer address option of
	// NDP; nil is the frame's source MAC.
	LLAddr net.HardwareAddr
	// Link stops the walk where a frame reaches the host's interface, so
	// the host's IP input is not asked: what a packet socket on the host
	// sees (the kernel lab's forged frames).
	Link bool
}

// Tag is one VLAN tag: an 802.1Q tag, or an 802.1ad service tag (S).
type Tag struct {
	S   bool
	VID uint16
}

// pkt is a packet with every field resolved, plus where it is now.
type pkt struct {
	arp        bool
	fam        int // 4 or 6; 0 for ARP
	proto      uint8
	protoName  string
	sport      uint16
	dport      uint16
	icmp, code uint8
	src, dst   netip.Addr
	smac, dmac net.HardwareAddr
	state      State
	invalid    bool // conntrack calls it invalid (ct state invalid)
	untracked  bool // conntrack leaves it alone (neighbour discovery)
	flags      uint8
	ether      uint16 // a non-IP, non-ARP frame's ethertype; 0 otherwise
	tags       []Tag
	target     netip.Addr       // NS/NA target
	lla        net.HardwareAddr // ARP sender MAC, NDP link-layer address option; nil: smac

	mark uint32 // the packet mark, as the rules on the way left it
}

func (p *pkt) hasPorts() bool { return !p.arp && eval.HasPorts(p.proto) }

// ndpMessage is the ICMPv6 message of a router or neighbour solicitation
// or a neighbour advertisement as a stack sends it: the target (NS, NA)
// and the link-layer address option (nil for other packets).
func (p *pkt) ndpMessage() []byte {
	if p.proto != 58 {
		return nil
	}
	opt := append([]byte{1, 1}, p.llAddr()...)
	switch p.icmp {
	case 133:
		return append([]byte{p.icmp, 0, 0, 0, 0, 0, 0, 0}, opt...)
	case 136:
		opt[0] = 2
		fallthrough
	case 135:
		b := append([]byte{p.icmp, 0, 0, 0, 0, 0, 0, 0}, p.target.AsSlice()...)
		return append(b, opt...)
	}
	return nil
}

// ip reports whether p is an IP packet, not ARP or another frame.
func (p *pkt) ip() bool { return !p.arp && p.ether == 0 }

// etherType is the protocol of a non-IP frame.
func (p *pkt) etherType() uint16 {
	if p.arp {
		return 0x0806
	}
	return p.ether
}

// llAddr is the ARP sender MAC or NDP link-layer address option.
func (p *pkt) llAddr() net.HardwareAddr {
	if p.lla == nil {
		return p.smac
	}
	return p.lla
}

func (p *pkt) isICMP() bool { return p.proto == 1 && p.fam == 4 || p.proto == 58 && p.fam == 6 }

// resolveProto fills the protocol fields of p from the question.
func (p *pkt) resolveProto(q Packet) error {
	if q.EtherType != 0 {
		switch {
		case q.Proto != "" || q.ICMPType != "" || q.SPort != 0 || q.DPort != 0:
			return fmt.Errorf("a frame of ethertype 0x%04x has no protocol, ports or ICMP type", q.EtherType)
		case q.EtherType < 0x0600 || q.EtherType == 0x0800 || q.EtherType == 0x86dd || q.EtherType == 0x0806:
			return fmt.Errorf("ethertype 0x%04x: ask about IPv4, IPv6 and ARP with the protocol; other ethertypes are 0x0600 or above", q.EtherType)
		}
		p.ether, p.fam, p.untracked = q.EtherType, 0, true
		return nil
	}
	name := strings.ToLower(q.Proto)
	if name == "" {
		name = "tcp"
		if q.ICMPType != "" {
			name = "icmp"
		}
	}
	if name == "arp" {
		p.arp, p.fam = true, 0
		return nil
	}
	if p.fam == 6 && (name == "icmp" || name == "icmpv6") {
		name = "ipv6-icmp"
	}
	if p.fam == 4 && name == "icmpv6" {
		return fmt.Errorf("-p icmpv6 with an IPv4 address")
	}
	canon, num, ok := netdb.Protocol(name)
	if !ok {
		return fmt.Errorf("unknown protocol %q", q.Proto)
	}
	if num == 58 {
		p.fam = 6
	}
	p.proto, p.protoName = num, canon
	if q.ICMPType != "" && !p.isICMP() {
		return fmt.Errorf("--icmp-type needs -p icmp or icmpv6")
	}
	if (q.SPort != 0 || q.DPort != 0) && !p.hasPorts() {
		return fmt.Errorf("ports need a protocol with ports (tcp, udp, sctp, dccp, udplite), not %s", canon)
	}
	if p.isICMP() {
		t := q.ICMPType
		if t == "" {
			t = "echo-request"
		}
		it, ok := icmpType(p.fam == 6, t)
		if !ok {
			return fmt.Errorf("unknown ICMP type %q for %s: a name or TYPE[/CODE]", t, canon)
		}
		p.icmp, p.code = it.Type, it.Code
	}
	p.sport, p.dport = q.SPort, q.DPort
	if p.hasPorts() && p.sport == 0 {
		p.sport = defaultSPort
	}
	p.flags = q.Flags
	if p.proto == 6 && p.flags == 0 {
		p.flags = SYN
		if q.State == Established {
			p.flags = ACK
		}
	}
	if p.state == New {
		p.invalid = p.proto == 6 && !validOpener(p.flags)
		if p.isICMP() {
			switch icmpState(p.fam, p.icmp) {
			case "invalid":
				p.invalid = true
			case "untracked":
				p.untracked = true
			}
		}
	}
	return nil
}

// isICMPv6Name reports whether a -p value names ICMPv6.
func isICMPv6Name(proto string) bool {
	switch strings.ToLower(proto) {
	case "icmpv6", "ipv6-icmp", "58":
		return true
	}
	return false
}

// validOpener reports whether conntrack accepts a TCP segment with these
// flags as the first of a connection: a SYN, or a bare ACK it picks up
// mid-stream (nf_conntrack_tcp_loose). Anything else, other illegal
// combinations included, is invalid.
func validOpener(flags uint8) bool {
	switch flags &^ PSH {
	case SYN, SYN | URG, ACK, ACK | URG:
		return true
	}
	return false
}

// icmpState is what conntrack makes of an ICMP message that belongs to
// no connection: only requests (echo, timestamp, information, address
// mask; ICMPv6 echo and node information) open one, neighbour discovery
// and multicast listener messages stay untracked, and everything else,
// errors and replies included, is invalid.
func icmpState(fam int, t uint8) string {
	if fam == 6 {
		switch t {
		case 128, 139:
			return "new"
		case 130, 131, 132, 133, 134, 135, 136, 143:
			return "untracked"
		}
		return "invalid"
	}
	switch t {
	case 8, 13, 15, 17:
		return "new"
	}
	return "invalid"
}

// icmpType reads an ICMP type name or TYPE[/CODE] numbers.
func icmpType(v6 bool, s string) (ir.ICMPType, bool) {
	if t, ok := netdb.ICMPType(v6, s); ok {
		return t, true
	}
	ts, cs, hasCode := strings.Cut(s, "/")
	t, err := strconv.ParseUint(ts, 10, 8)
	if err != nil {
		return ir.ICMPType{}, false
	}
	c, err := strconv.ParseUint(cs, 10, 8)
	if hasCode && err != nil {
		return ir.ICMPType{}, false
	}
	return ir.ICMPType{Type: uint8(t), Code: uint8(c), HasCode: hasCode}, true
}

// defaultSPort is the source port when the question gives none: an
// ephemeral port, as a client would use.
const defaultSPort = 40000
