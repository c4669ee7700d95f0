// Package packet builds the raw frames the kernel lab forges: Ethernet,
// ARP, IPv4/IPv6 and the ICMP, UDP, TCP, router advertisement and DHCP
// payloads inside them. It only assembles bytes; sending is lab's job.
package packet

import (
	"encoding/binary"
	"net"
	"net/netip"
)

// EtherType values used by the lab.
const (
	EtherIPv4 = 0x0800
	EtherARP  = 0x0806
	EtherIPv6 = 0x86dd
	EtherVLAN = 0x8100 // 802.1Q tag
	EtherQinQ = 0x88a8 // 802.1ad service tag
)

// IP protocol numbers used by the lab.
const (
	ProtoICMP   = 1
	ProtoTCP    = 6
	ProtoUDP    = 17
	ProtoICMPv6 = 58
)

// Broadcast is the Ethernet broadcast address.
var Broadcast = net.HardwareAddr{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}

// Ether wraps payload in an Ethernet II header.
func Ether(dst, src net.HardwareAddr, etherType uint16, payload []byte) []byte {
	b := make([]byte, 14, 14+len(payload))
	copy(b[0:6], dst)
	copy(b[6:12], src)
	binary.BigEndian.PutUint16(b[12:14], etherType)
	return append(b, payload...)
}

// EtherTypeOf returns the EtherType that carries IP packets of addr's family.
func EtherTypeOf(addr netip.Addr) uint16 {
	if addr.Is4() {
		return EtherIPv4
	}
	return EtherIPv6
}

// MulticastMAC returns the Ethernet group address an IPv6 multicast
// address maps to (33:33 and its low 32 bits).
func MulticastMAC(group netip.Addr) net.HardwareAddr {
	a := group.As16()
	return net.HardwareAddr{0x33, 0x33, a[12], a[13], a[14], a[15]}
}

// IP wraps a transport payload in an IPv4 or IPv6 header, chosen by the
// family of src and dst, with TTL/hop limit ttl.
func IP(src, dst netip.Addr, proto uint8, ttl uint8, payload []byte) []byte {
	if src.Is4() {
		b := make([]byte, 20, 20+len(payload))
		b[0] = 0x45
		binary.BigEndian.PutUint16(b[2:4], uint16(20+len(payload)))
		b[6] = 0x40 // don't fragment
		b[8] = ttl
		b[9] = proto
		s, d := src.As4(), dst.As4()
		copy(b[12:16], s[:])
		copy(b[16:20], d[:])
		binary.BigEndian.PutUint16(b[10:12], Checksum(b, 0))
		return append(b, payload...)
	}
	b := make([]byte, 40, 40+len(payload))
	b[0] = 0x60
	binary.BigEndian.PutUint16(b[4:6], uint16(len(payload)))
	b[6] = proto
	b[7] = ttl
	s, d := src.As16(), dst.As16()
	copy(b[8:24], s[:])
	copy(b[24:40], d[:])
	return append(b, payload...)
}

// Checksum is the Internet checksum of b, starting from the partial sum
// initial (a pseudo-header sum, or 0).
func Checksum(b []byte, initial uint32) uint16 {
	sum := initial
	for i := 0; i+1 < len(b); i += 2 {
		sum += uint32(binary.BigEndian.Uint16(b[i:]))
	}
	if len(b)%2 == 1 {
		sum += uint32(b[len(b)-1]) << 8
	}
	for sum > 0xffff {
		sum = sum>>16 + sum&0xffff
	}
	return ^uint16(sum)
}

// pseudoSum is the partial checksum of the IPv4 or IPv6 pseudo-header.
func pseudoSum(src, dst netip.Addr, proto uint8, length int) uint32 {
	var sum uint32
	add := func(b []byte) {
		for i := 0; i+1 < len(b); i += 2 {
			sum += uint32(binary.BigEndian.Uint16(b[i:]))
		}
	}
	add(src.AsSlice())
	add(dst.AsSlice())
	sum += uint32(proto) + uint32(length)
	return sum
}

// finish writes the transport checksum at offset off of seg.
func finish(src, dst netip.Addr, proto uint8, seg []byte, off int) []byte {
	binary.BigEndian.PutUint16(seg[off:], 0)
	c := Checksum(seg, pseudoSum(src, dst, proto, len(seg)))
	if proto == ProtoUDP && c == 0 {
		c = 0xffff
	}
	binary.BigEndian.PutUint16(seg[off:], c)
	return seg
}
