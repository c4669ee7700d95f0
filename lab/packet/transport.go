package packet

import (
	"encoding/binary"
	"net/netip"
)

// ICMP echo types of both families.
const (
	ICMPv4EchoRequest = 8
	ICMPv4EchoReply   = 0
	ICMPv4Unreachable = 3
	ICMPv6EchoRequest = 128
	ICMPv6EchoReply   = 129
	ICMPv6Unreachable = 1
	ICMPv6RouterAdv   = 134
	ICMPv6NeighSol    = 135
	ICMPv6NeighAdv    = 136
)

// TCP flag bits.
const (
	FIN = 1 << iota
	SYN
	RST
	PSH
	ACK
	URG
)

// ICMP returns an ICMP (IPv4) or ICMPv6 message of the given type and
// code whose body (after the checksum) is rest; the checksum covers the
// pseudo-header for ICMPv6.
func ICMP(src, dst netip.Addr, typ, code uint8, rest []byte) []byte {
	b := make([]byte, 4, 4+len(rest))
	b[0], b[1] = typ, code
	b = append(b, rest...)
	if src.Is4() {
		binary.BigEndian.PutUint16(b[2:], Checksum(b, 0))
		return b
	}
	return finish(src, dst, ProtoICMPv6, b, 2)
}

// Echo returns an echo request of src's family with the given id and
// sequence number, carrying data.
func Echo(src, dst netip.Addr, id, seq uint16, data []byte) []byte {
	rest := make([]byte, 4, 4+len(data))
	binary.BigEndian.PutUint16(rest[0:], id)
	binary.BigEndian.PutUint16(rest[2:], seq)
	typ := uint8(ICMPv4EchoRequest)
	if src.Is6() {
		typ = ICMPv6EchoRequest
	}
	return ICMP(src, dst, typ, 0, append(rest, data...))
}

// UDP returns a UDP datagram with a valid checksum.
func UDP(src, dst netip.Addr, sport, dport uint16, payload []byte) []byte {
	b := make([]byte, 8, 8+len(payload))
	binary.BigEndian.PutUint16(b[0:], sport)
	binary.BigEndian.PutUint16(b[2:], dport)
	binary.BigEndian.PutUint16(b[4:], uint16(8+len(payload)))
	return finish(src, dst, ProtoUDP, append(b, payload...), 6)
}

// TCP returns a TCP segment with the given flags and sequence number,
// a 64 KiB window and payload, with a valid checksum.
func TCP(src, dst netip.Addr, sport, dport uint16, flags uint8, seq uint32, payload []byte) []byte {
	b := make([]byte, 20, 20+len(payload))
	binary.BigEndian.PutUint16(b[0:], sport)
	binary.BigEndian.PutUint16(b[2:], dport)
	binary.BigEndian.PutUint32(b[4:], seq)
	b[12] = 5 << 4
	b[13] = flags
	binary.BigEndian.PutUint16(b[14:], 0xffff)
	return finish(src, dst, ProtoTCP, append(b, payload...), 16)
}
