package packet

import (
	"encoding/binary"
	"net"
	"net/netip"
)

// ARP operations.
const (
	ARPRequest = 1
	ARPReply   = 2
)

// ARP returns an Ethernet/IPv4 ARP message. Bytes in trailer follow the
// 28-byte body, where Ethernet padding would be; the lab puts its marker
// there, since the kernel forwards padding untouched.
func ARP(op uint16, sha net.HardwareAddr, spa netip.Addr, tha net.HardwareAddr, tpa netip.Addr, trailer []byte) []byte {
	b := make([]byte, 28, 28+len(trailer))
	binary.BigEndian.PutUint16(b[0:], 1) // Ethernet
	binary.BigEndian.PutUint16(b[2:], EtherIPv4)
	b[4], b[5] = 6, 4
	binary.BigEndian.PutUint16(b[6:], op)
	copy(b[8:14], sha)
	s, t := spa.As4(), tpa.As4()
	copy(b[14:18], s[:])
	copy(b[18:24], tha)
	copy(b[24:28], t[:])
	return append(b, trailer...)
}

// RouterAdvert returns an ICMPv6 router advertisement from src to dst
// announcing a router lifetime of 1800 s and no prefixes. The marker goes
// into an experimental option (type 253, RFC 4727), which receivers skip.
func RouterAdvert(src, dst netip.Addr, marker []byte) []byte {
	rest := make([]byte, 12)
	rest[0] = 64                               // cur hop limit
	binary.BigEndian.PutUint16(rest[2:], 1800) // router lifetime
	return ICMP(src, dst, ICMPv6RouterAdv, 0, append(rest, markerOption(marker)...))
}

// markerOption is an NDP option of the experimental type 253 (RFC 4727)
// carrying marker; receivers skip options they do not know.
func markerOption(marker []byte) []byte {
	opt := make([]byte, 8*((2+len(marker)+7)/8))
	opt[0] = 253
	opt[1] = uint8(len(opt) / 8)
	copy(opt[2:], marker)
	return opt
}

// lladdrOption is a source (1) or target (2) link-layer address option.
func lladdrOption(typ uint8, mac net.HardwareAddr) []byte {
	return append([]byte{typ, 1}, mac...)
}

// NeighborSolicit returns an NDP neighbour solicitation for target from
// src (link-layer address mac) to dst, usually target's solicited-node
// group.
func NeighborSolicit(src, dst, target netip.Addr, mac net.HardwareAddr, marker []byte) []byte {
	rest := make([]byte, 4, 64)
	rest = append(rest, target.AsSlice()...)
	rest = append(rest, lladdrOption(1, mac)...)
	return ICMP(src, dst, ICMPv6NeighSol, 0, append(rest, markerOption(marker)...))
}

// NeighborAdvert returns an unsolicited, overriding NDP neighbour
// advertisement that target is at mac.
func NeighborAdvert(src, dst, target netip.Addr, mac net.HardwareAddr, marker []byte) []byte {
	rest := make([]byte, 4, 64)
	rest[0] = 0x20 // override
	rest = append(rest, target.AsSlice()...)
	rest = append(rest, lladdrOption(2, mac)...)
	return ICMP(src, dst, ICMPv6NeighAdv, 0, append(rest, markerOption(marker)...))
}

// SolicitedNode returns the solicited-node multicast group of a.
func SolicitedNode(a netip.Addr) netip.Addr {
	b := a.As16()
	g := [16]byte{0xff, 0x02, 10: 0, 11: 1, 12: 0xff, 13: b[13], 14: b[14], 15: b[15]}
	return netip.AddrFrom16(g)
}

// BOOTP message types.
const (
	BootRequest = 1
	BootReply   = 2
)

// DHCP returns a DHCPv4 message: a BOOTREQUEST (DISCOVER) or BOOTREPLY
// (OFFER) for client chaddr, offering yiaddr in a reply. The marker is
// written into the server host name field.
func DHCP(op uint8, xid uint32, chaddr net.HardwareAddr, yiaddr netip.Addr, marker []byte) []byte {
	b := make([]byte, 236, 236+16)
	b[0], b[1], b[2] = op, 1, 6
	binary.BigEndian.PutUint32(b[4:], xid)
	if yiaddr.IsValid() {
		y := yiaddr.As4()
		copy(b[16:20], y[:])
	}
	copy(b[28:34], chaddr)
	copy(b[44:108], marker) // sname
	msgType := byte(1)      // DISCOVER
	if op == BootReply {
		msgType = 2 // OFFER
	}
	return append(b, 99, 130, 83, 99, 53, 1, msgType, 255)
}

// DHCPv6 message types.
const (
	DHCPv6Solicit   = 1
	DHCPv6Advertise = 2
)

// DHCPv6 returns a DHCPv6 message of the given type carrying the marker
// in a client identifier option (DUID of type 4, a UUID).
func DHCPv6(typ uint8, xid uint32, marker []byte) []byte {
	b := []byte{typ, byte(xid >> 16), byte(xid >> 8), byte(xid)}
	opt := make([]byte, 6, 6+len(marker))
	binary.BigEndian.PutUint16(opt[0:], 1) // client identifier
	binary.BigEndian.PutUint16(opt[2:], uint16(2+len(marker)))
	binary.BigEndian.PutUint16(opt[4:], 4)
	return append(b, append(opt, marker...)...)
}

// Tag inserts a VLAN tag after the MAC addresses of an Ethernet frame: an
// 802.1Q tag, or an 802.1ad service tag when s. VID 0 is a priority tag.
func Tag(frame []byte, s bool, vid uint16) []byte {
	tpid := uint16(EtherVLAN)
	if s {
		tpid = EtherQinQ
	}
	out := append([]byte{}, frame[:12]...)
	out = binary.BigEndian.AppendUint16(out, tpid)
	out = binary.BigEndian.AppendUint16(out, vid&0x0fff)
	return append(out, frame[12:]...)
}
