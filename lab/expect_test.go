package lab

import (
	"net"
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/fwc-project/fwc/lab/packet"
)

var cmpAddr = cmp.Comparer(func(a, b netip.Addr) bool { return a == b })

func TestParseExpect(t *testing.T) {
	host := Endpoint{Kind: Host, NIC: -1}
	vm100 := Endpoint{Kind: GuestEnd, Prefix: "vm", VMID: 100, NIC: -1}
	vm101 := Endpoint{Kind: GuestEnd, Prefix: "vm", VMID: 101, NIC: -1}
	tests := []struct {
		line string
		want Probe
	}{
		{"vm100/net0 -> host tcp/22 ACCEPT", Probe{
			Src: Endpoint{Kind: GuestEnd, Prefix: "vm", VMID: 100, NIC: 0}, Dst: host, Proto: "tcp", Port: 22, Want: Accept}},
		{"outside -> ct101/net2 udp6/53 DROP", Probe{
			Src: Endpoint{Kind: Outside, NIC: -1}, Dst: Endpoint{Kind: GuestEnd, Prefix: "ct", VMID: 101, NIC: 2},
			Proto: "udp", IPv6: true, Port: 53, Want: Drop}},
		{"host -> vm100@10.0.0.7 icmp REJECT", Probe{
			Src: host, Dst: Endpoint{Kind: GuestEnd, Prefix: "vm", VMID: 100, NIC: -1, Addr: netip.MustParseAddr("10.0.0.7")},
			Proto: "icmp", ICMPType: 8, Want: Reject}},
		{"outside -> vm100 tcp/22 sport 1000 ACCEPT  # a comment", Probe{
			Src: Endpoint{Kind: Outside, NIC: -1}, Dst: vm100, Proto: "tcp", Port: 22, SPort: 1000, Want: Accept}},
		{"vm100 spoof-ip 10.9.9.9 spoof-mac 02:00:00:00:00:99 -> vm101 icmp DROP", Probe{
			Src: vm100, Dst: vm101, SpoofIP: netip.MustParseAddr("10.9.9.9"),
			SpoofMAC: net.HardwareAddr{2, 0, 0, 0, 0, 0x99}, Proto: "icmp", ICMPType: 8, Want: Drop}},
		{"outside -> host icmp/timestamp-request DROP", Probe{
			Src: Endpoint{Kind: Outside, NIC: -1}, Dst: host, Proto: "icmp", ICMPType: 13, Want: Drop}},
		{"outside -> vm100 icmp/3/4 ACCEPT", Probe{
			Src: Endpoint{Kind: Outside, NIC: -1}, Dst: vm100, Proto: "icmp", ICMPType: 3, ICMPCode: 4, Want: Accept}},
		{"vm100 -> host icmp6/nd-router-advert DROP", Probe{
			Src: vm100, Dst: host, Proto: "icmp", IPv6: true, ICMPType: 134, Want: Drop}},
		{"vm100 arp-spoof 10.0.0.99 -> host DROP", Probe{
			Src: vm100, Dst: host, Frame: ARP, ClaimIP: netip.MustParseAddr("10.0.0.99"), Want: Drop}},
		{"vm100 arp-spoof 10.0.0.99 02:00:00:00:00:99 -> vm101 DROP", Probe{
			Src: vm100, Dst: vm101, Frame: ARP, ClaimIP: netip.MustParseAddr("10.0.0.99"),
			ClaimMAC: net.HardwareAddr{2, 0, 0, 0, 0, 0x99}, Want: Drop}},
		{"vm100 send-ra -> vm101 DROP", Probe{Src: vm100, Dst: vm101, Frame: RouterAdvert, Want: Drop}},
		{"vm100 ndp -> host ACCEPT", Probe{Src: vm100, Dst: host, Frame: NeighborSolicit, Want: Accept}},
		{"vm100 ndp-spoof fd00::111 02:00:00:00:00:99 -> vm101 DROP", Probe{
			Src: vm100, Dst: vm101, Frame: NeighborAdvert, ClaimIP: netip.MustParseAddr("fd00::111"),
			ClaimMAC: net.HardwareAddr{2, 0, 0, 0, 0, 0x99}, Want: Drop}},
		{"vm100 dhcp-offer -> vm101 DROP", Probe{Src: vm100, Dst: vm101, Frame: DHCPOffer, Want: Drop}},
		{"outside -> host tcp6/22 flags syn,fin DROP", Probe{
			Src: Endpoint{Kind: Outside, NIC: -1}, Dst: host, Proto: "tcp", IPv6: true, Port: 22,
			Flags: packet.SYN | packet.FIN, Want: Drop}},
		{"host -> vm100 tcp/25 DROP iptables=REJECT", Probe{Src: host, Dst: vm100, Proto: "tcp", Port: 25, Want: Drop,
			Backends: []BackendVerdict{{Backend: "iptables", Want: Reject}}}},
		{`outside -> host tcp/23 repeat 8 log ":0:6:host-in: DROP: "  log "x" logs 3 DROP`, Probe{
			Src: Endpoint{Kind: Outside, NIC: -1}, Dst: host, Proto: "tcp", Port: 23, Repeat: 8,
			Log: []string{":0:6:host-in: DROP: ", "x"}, CountLogs: true, Logs: 3, Want: Drop}},
		{"outside -> host tcp/24 nolog DROP", Probe{
			Src: Endpoint{Kind: Outside, NIC: -1}, Dst: host, Proto: "tcp", Port: 24, CountLogs: true, Want: Drop}},
	}
	for _, tt := range tests {
		got, err := ParseExpect(tt.line)
		if err != nil {
			t.Errorf("%q: %v", tt.line, err)
			continue
		}
		tt.want.Line = 1
		tt.want.Text = got[0].Text
		if diff := cmp.Diff([]Probe{tt.want}, got, cmpAddr); diff != "" {
			t.Errorf("%q (-want +got):\n%s", tt.line, diff)
		}
	}
}

func TestParseExpectErrors(t *testing.T) {
	tests := []struct{ line, want string }{
		{"vm100 host tcp/22 ACCEPT", `expect:1: unknown source option "host"`},
		{"vm100 -> host tcp ACCEPT", `expect:1: service "tcp": want tcp/PORT with a port from 1 to 65535`},
		{"vm100 -> host tcp/22 accept", `expect:1: verdict "accept": want ACCEPT, DROP or REJECT`},
		{"vm100 -> host tcp/22", `expect:1: missing verdict`},
		{"vm100 -> host tcp/22 ACCEPT now", `expect:1: unexpected "now" after the verdict (want BACKEND=VERDICT)`},
		{"vmx -> host icmp ACCEPT", `expect:1: endpoint "vmx": want vm<VMID> or ct<VMID>`},
		{"host/net0 -> vm100 icmp ACCEPT", `expect:1: endpoint "host/net0": only guests have NICs, written /net<N>`},
		{"vm100 spoof-ip 10.9.9.9 -> host icmp REJECT", `expect:1: forged probes observe delivery: ACCEPT or DROP, not REJECT`},
		{"vm100 spoof-ip fd00::9 -> host icmp DROP", `expect:1: spoof-ip fd00::9 does not match the icmp service's family`},
		{"host spoof-mac 02:00:00:00:00:01 -> vm100 icmp DROP", `expect:1: forged frames are sent from a guest or outside, not from the host`},
		{"vm100 -> host udp/53 flags syn DROP", `expect:1: flags needs a tcp service`},
		{"vm100 -> host icmp sport 7 DROP", `expect:1: sport needs a tcp or udp service`},
		{"vm100 tag 4096 -> vm101 udp/1 DROP", `expect:1: tag: bad VLAN id "4096" (0 to 4095)`},
		{"vm100 ethertype 0x0806 -> vm101 DROP", `expect:1: ethertype: want a hex number from 0x0600, not IPv4, IPv6 or ARP, got "0x0806"`},
		{"vm100 arp ethertype 0x88b5 -> vm101 DROP", `expect:1: "ethertype": a probe sends one kind of frame`},
		{"vm100 -> vm101 udp/1 quote-udp 1 2 DROP", `expect:1: quote-udp needs an ICMP error (icmp/TYPE)`},
		{"vm100 -> vm101 icmp/3/3 quote-udp 1 0 DROP", `expect:1: quote-udp "0": want a port from 1 to 65535`},
		{"vm100 -> host icmp/pong DROP", `expect:1: service "icmp/pong": unknown ICMP type "pong": want a name nft knows or a number`},
		{"vm100 -> host icmp6/1/x DROP", `expect:1: service "icmp6/1/x": ICMP code "x": want a number from 0 to 255`},
		{"host -> vm100 icmp/timestamp-request DROP", `expect:1: forged frames are sent from a guest or outside, not from the host`},
		{"vm100 -> host tcp/22 flags syn,xmas DROP", `expect:1: flags "syn,xmas": unknown flag "xmas" (fin, syn, rst, psh, ack, urg)`},
		{"host -> host icmp ACCEPT", `expect:1: source and destination are the same namespace`},
		{"vm100 -> vm101@fd00::1 icmp ACCEPT", `expect:1: vm101@fd00::1 does not match the service's family`},
		{"vm100 send-ra dhcp-offer -> vm101 DROP", `expect:1: "dhcp-offer": a probe sends one kind of frame`},
		{"vm100 arp-spoof fd00::1 -> host DROP", `expect:1: arp-spoof needs an IPv4 address, not fd00::1`},
		{"vm100 ndp-spoof 10.0.0.1 -> host DROP", `expect:1: ndp-spoof needs an IPv6 address, not 10.0.0.1`},
		{`vm100 -> host tcp/22 log ":0:6: DROP`, `expect:1: unterminated quoted string ":0:6: DROP`},
		{`vm100 -> host tcp/22 log "a" log "b" logs 1 DROP`, `expect:1: logs 1: fewer messages than the 2 prefixes listed`},
		{"vm100 -> host tcp/22 repeat 1 DROP", `expect:1: repeat "1": want a number of at least 2`},
	}
	for _, tt := range tests {
		_, err := ParseExpect(tt.line)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tt.want {
			t.Errorf("%q:\n got %s\nwant %s", tt.line, got, tt.want)
		}
	}
}

func TestParseScenario(t *testing.T) {
	data := []byte(`Prose about the scenario: colons in prose are fine.
requires: bridge-conntrack, bridge-reject
node: pve2
uplink: vmbr0
bridge-nf-call: 0, 1

-- nodes/pve2/qemu-server/100.conf --
net0: virtio=02:00:00:00:01:00,bridge=vmbr0
-- expect --
# comment

vm100 -> host icmp ACCEPT
`)
	s, err := ParseScenario("x", data)
	if err != nil {
		t.Fatal(err)
	}
	want := &Scenario{
		Name: "x", Requires: []Requirement{BridgeConntrack, BridgeReject}, Node: "pve2", Uplink: "vmbr0",
		BridgeNF: []bool{false, true}, Files: s.Files,
		Probes: []Probe{{Line: 3, Text: "vm100 -> host icmp ACCEPT",
			Src: Endpoint{Kind: GuestEnd, Prefix: "vm", VMID: 100, NIC: -1}, Dst: Endpoint{Kind: Host, NIC: -1},
			Proto: "icmp", ICMPType: 8, Want: Accept}},
	}
	if diff := cmp.Diff(want, s, cmpAddr, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if len(s.Files) != 1 || s.Files[0].Name != "nodes/pve2/qemu-server/100.conf" {
		t.Errorf("tree files = %v", s.Files)
	}
	for _, bad := range []struct{ data, want string }{
		{"requires: bridge-magic\n-- expect --\nvm100 -> host icmp ACCEPT\n", `requires: unknown kernel feature "bridge-magic" (known: bridge-conntrack, bridge-reject)`},
		{"-- a.conf --\n", "no -- expect -- section"},
		{"bridge-nf-call: on\n-- expect --\nvm100 -> host icmp ACCEPT\n", `bridge-nf-call: "on": want 0 or 1, comma-separated`},
		{"-- expect --\n# nothing\n", "the expect section has no probes"},
		{"-- ../x --\n-- expect --\nvm100 -> host icmp ACCEPT\n", `section "../x": tree paths are relative and stay inside the tree`},
	} {
		_, err := ParseScenario("bad", []byte(bad.data))
		if err == nil || err.Error() != bad.want {
			t.Errorf("ParseScenario(%q) = %v, want %s", bad.data, err, bad.want)
		}
	}
}
