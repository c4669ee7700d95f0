package packet

import (
	"bytes"
	"encoding/binary"
	"net"
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestChecksumRFC1071(t *testing.T) {
	// The worked example of RFC 1071 section 3: the sum is 0xddf2.
	got := Checksum([]byte{0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7}, 0)
	if got != ^uint16(0xddf2) {
		t.Errorf("Checksum = %#04x, want %#04x", got, ^uint16(0xddf2))
	}
}

// TestTransportChecksums checks that every builder leaves a segment whose
// checksum verifies, which is what the receiving kernel does.
func TestTransportChecksums(t *testing.T) {
	v4s, v4d := netip.MustParseAddr("10.0.0.110"), netip.MustParseAddr("10.0.0.1")
	v6s, v6d := netip.MustParseAddr("fd00::110"), netip.MustParseAddr("fd00::1")
	marker := []byte("fwclab-marker-01")
	tests := []struct {
		name     string
		src, dst netip.Addr
		proto    uint8
		seg      []byte
	}{
		{"echo4", v4s, v4d, ProtoICMP, Echo(v4s, v4d, 7, 1, marker)},
		{"echo6", v6s, v6d, ProtoICMPv6, Echo(v6s, v6d, 7, 1, marker)},
		{"udp4", v4s, v4d, ProtoUDP, UDP(v4s, v4d, 1000, 53, marker)},
		{"udp6-odd", v6s, v6d, ProtoUDP, UDP(v6s, v6d, 1000, 53, marker[:5])},
		{"tcp4", v4s, v4d, ProtoTCP, TCP(v4s, v4d, 1000, 22, SYN|FIN, 1, marker)},
		{"tcp6", v6s, v6d, ProtoTCP, TCP(v6s, v6d, 1000, 22, SYN, 1, nil)},
		{"ns", netip.MustParseAddr("fe80::1"), netip.MustParseAddr("ff02::1:ff00:110"), ProtoICMPv6,
			NeighborSolicit(netip.MustParseAddr("fe80::1"), netip.MustParseAddr("ff02::1:ff00:110"), v6d, net.HardwareAddr{2, 0, 0, 0, 0, 1}, marker)},
		{"na", netip.MustParseAddr("fe80::1"), netip.MustParseAddr("ff02::1"), ProtoICMPv6,
			NeighborAdvert(netip.MustParseAddr("fe80::1"), netip.MustParseAddr("ff02::1"), v6d, net.HardwareAddr{2, 0, 0, 0, 0, 1}, marker)},
		{"ra", netip.MustParseAddr("fe80::1"), netip.MustParseAddr("ff02::1"), ProtoICMPv6,
			RouterAdvert(netip.MustParseAddr("fe80::1"), netip.MustParseAddr("ff02::1"), marker)},
	}
	for _, tt := range tests {
		var pseudo uint32
		if tt.proto != ProtoICMP {
			pseudo = pseudoSum(tt.src, tt.dst, tt.proto, len(tt.seg))
		}
		if c := Checksum(tt.seg, pseudo); c != 0 {
			t.Errorf("%s: checksum does not verify (residue %#04x)", tt.name, c)
		}
	}
}

func TestIPHeader(t *testing.T) {
	src, dst := netip.MustParseAddr("192.0.2.2"), netip.MustParseAddr("10.0.1.110")
	p := IP(src, dst, ProtoUDP, 64, make([]byte, 12))
	if c := Checksum(p[:20], 0); c != 0 {
		t.Errorf("IPv4 header checksum does not verify (residue %#04x)", c)
	}
	got := []any{p[0], binary.BigEndian.Uint16(p[2:]), p[9], netip.AddrFrom4([4]byte(p[12:16])), netip.AddrFrom4([4]byte(p[16:20]))}
	want := []any{byte(0x45), uint16(32), byte(ProtoUDP), src, dst}
	if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b netip.Addr) bool { return a == b })); diff != "" {
		t.Errorf("IPv4 header (-want +got):\n%s", diff)
	}
	p6 := IP(netip.MustParseAddr("fd00::110"), netip.MustParseAddr("fd00:1::1"), ProtoTCP, 255, make([]byte, 20))
	if p6[0] != 0x60 || binary.BigEndian.Uint16(p6[4:]) != 20 || p6[6] != ProtoTCP || p6[7] != 255 || len(p6) != 60 {
		t.Errorf("IPv6 header = % x", p6[:8])
	}
}

func TestL2Frames(t *testing.T) {
	mac := net.HardwareAddr{2, 0, 0, 0, 0, 1}
	arp := ARP(ARPRequest, mac, netip.MustParseAddr("10.0.0.99"), make(net.HardwareAddr, 6), netip.MustParseAddr("10.0.0.1"), []byte("mk"))
	if len(arp) != 30 || binary.BigEndian.Uint16(arp[6:]) != ARPRequest || arp[14] != 10 || arp[17] != 99 || string(arp[28:]) != "mk" {
		t.Errorf("ARP = % x", arp)
	}
	f := Ether(Broadcast, mac, EtherARP, arp)
	if diff := cmp.Diff([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 1, 8, 6}, f[:14]); diff != "" {
		t.Errorf("Ethernet header (-want +got):\n%s", diff)
	}
	if got := MulticastMAC(netip.MustParseAddr("ff02::1:2")).String(); got != "33:33:00:01:00:02" {
		t.Errorf("MulticastMAC = %s", got)
	}
	if got := SolicitedNode(netip.MustParseAddr("fd00::12:3456")); got != netip.MustParseAddr("ff02::1:ff12:3456") {
		t.Errorf("SolicitedNode = %s", got)
	}
	na := NeighborAdvert(netip.MustParseAddr("fe80::1"), netip.MustParseAddr("ff02::1"), netip.MustParseAddr("fd00::9"), mac, []byte("mk"))
	if na[0] != ICMPv6NeighAdv || na[4] != 0x20 || netip.AddrFrom16([16]byte(na[8:24])) != netip.MustParseAddr("fd00::9") ||
		na[24] != 2 || na[25] != 1 || !bytes.Equal(na[26:32], mac) || na[32] != 253 || string(na[34:36]) != "mk" {
		t.Errorf("NeighborAdvert = % x", na)
	}
	d := DHCP(BootReply, 0x01020304, mac, netip.MustParseAddr("10.0.0.50"), []byte("mk"))
	if d[0] != BootReply || binary.BigEndian.Uint32(d[4:]) != 0x01020304 || d[19] != 50 || string(d[44:46]) != "mk" || d[len(d)-2] != 2 {
		t.Errorf("DHCP offer = % x", d)
	}
	d6 := DHCPv6(DHCPv6Advertise, 0xabcdef, []byte("mk"))
	if diff := cmp.Diff([]byte{2, 0xab, 0xcd, 0xef, 0, 1, 0, 4, 0, 4, 'm', 'k'}, d6); diff != "" {
		t.Errorf("DHCPv6 (-want +got):\n%s", diff)
	}
}
