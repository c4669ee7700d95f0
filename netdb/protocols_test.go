package netdb

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestProtocol(t *testing.T) {
	type result struct {
		Name string
		Num  uint8
		OK   bool
	}
	tests := []struct {
		in   string
		want result
	}{
		{"tcp", result{"tcp", 6, true}},
		{"udp", result{"udp", 17, true}},
		{"icmp", result{"icmp", 1, true}},
		{"icmpv6", result{"ipv6-icmp", 58, true}},
		{"ipv6-icmp", result{"ipv6-icmp", 58, true}},
		{"58", result{"ipv6-icmp", 58, true}},
		{"6", result{"tcp", 6, true}},
		{"47", result{"gre", 47, true}},
		{"50", result{"esp", 50, true}},
		{"gre", result{"gre", 47, true}},
		{"ax.25", result{"ax.25", 93, true}},
		{"mobility-header", result{"mobility-header", 135, true}},
		{"ethernet", result{"ethernet", 143, true}},
		{"sctp", result{"sctp", 132, true}},
		{"udplite", result{"udplite", 136, true}},
		{"0", result{"ip", 0, true}},
		{"hopopt", result{"ip", 0, true}},
		{"TCP", result{}},   // aliases are not names for PVE
		{"7", result{}},     // not listed in netbase
		{"06", result{}},    // not the listed spelling
		{"256", result{}},   // not a protocol number
		{"mptcp", result{}}, // 262 is no IP protocol number
		{"ipv6icmp", result{}},
		{"", result{}},
	}
	for _, tc := range tests {
		name, num, ok := Protocol(tc.in)
		if diff := cmp.Diff(tc.want, result{name, num, ok}); diff != "" {
			t.Errorf("Protocol(%q) (-want +got):\n%s", tc.in, diff)
		}
	}
}

// TestProtocolNames checks every name of the netbase 6.4 list in
// pve-format.md §4.8 resolves (except mptcp, see Protocol).
func TestProtocolNames(t *testing.T) {
	names := []string{"ip", "hopopt", "icmp", "igmp", "ggp", "ipencap", "st", "tcp", "egp", "igp",
		"pup", "udp", "hmp", "xns-idp", "rdp", "iso-tp4", "dccp", "xtp", "ddp", "idpr-cmtp", "ipv6",
		"ipv6-route", "ipv6-frag", "idrp", "rsvp", "gre", "esp", "ah", "skip", "ipv6-icmp",
		"ipv6-nonxt", "ipv6-opts", "rspf", "vmtp", "eigrp", "ospf", "ax.25", "ipip", "etherip",
		"encap", "pim", "ipcomp", "vrrp", "l2tp", "isis", "sctp", "fc", "mobility-header", "udplite",
		"mpls-in-ip", "manet", "hip", "shim6", "wesp", "rohc", "ethernet"}
	for _, n := range names {
		if _, _, ok := Protocol(n); !ok {
			t.Errorf("Protocol(%q) not found", n)
		}
	}
	if got, want := len(protocols), len(names); got != want {
		t.Errorf("table has %d protocols, §4.8 lists %d", got, want)
	}
}

func TestProtocolName(t *testing.T) {
	tests := []struct {
		num  uint8
		want string
	}{{0, "ip"}, {1, "icmp"}, {6, "tcp"}, {58, "ipv6-icmp"}, {94, "ipip"}, {7, ""}, {255, ""}}
	for _, tc := range tests {
		if got := ProtocolName(tc.num); got != tc.want {
			t.Errorf("ProtocolName(%d) = %q, want %q", tc.num, got, tc.want)
		}
	}
}

func TestHasPorts(t *testing.T) {
	var got []uint8
	for n := range 256 {
		if HasPorts(uint8(n)) {
			got = append(got, uint8(n))
		}
	}
	if diff := cmp.Diff([]uint8{6, 17, 33, 132, 136}, got); diff != "" {
		t.Errorf("HasPorts (-want +got):\n%s", diff)
	}
}
