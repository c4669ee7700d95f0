package explain_test

import (
	"net"
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fwc-project/fwc/explain"
	"github.com/fwc-project/fwc/internal/testtree"
	"github.com/fwc-project/fwc/ir"
	"github.com/fwc-project/fwc/pipeline"
)

// guestTree has two firewalled guests on vmbr0, one with a second NIC on
// vmbr1, a group, an ipfilter set and a blacklist.
var guestTree = map[string]string{
	"firewall/cluster.fw": `[OPTIONS]
enable: 1
policy_in: DROP

[IPSET blacklist]
198.51.100.66

[group web]
IN ACCEPT -p tcp -dport 80
`,
	"nodes/pve1/host.fw": `[OPTIONS]
enable: 1

[RULES]
IN ACCEPT -i vmbr0 -p tcp -dport 22
`,
	"nodes/pve1/qemu-server/100.conf": "net0: virtio=BC:24:11:00:01:00,bridge=vmbr0,firewall=1\n",
	"nodes/pve1/qemu-server/101.conf": "net0: virtio=BC:24:11:00:01:10,bridge=vmbr0,firewall=1\nnet1: virtio=BC:24:11:00:01:11,bridge=vmbr1,firewall=1\n",
	"firewall/100.fw": `[OPTIONS]
enable: 1
policy_in: REJECT

[IPSET ipfilter-net0]
10.0.0.100

[RULES]
GROUP web
IN ACCEPT -p icmp
OUT DROP -p tcp -dport 25
`,
	"firewall/101.fw": `[OPTIONS]
enable: 1

[RULES]
IN ACCEPT -p tcp -dport 443
`,
}

func load(t *testing.T, files map[string]string) *ir.Ruleset {
	t.Helper()
	rs, diags, err := pipeline.Load(testtree.Write(t, files), pipeline.Options{})
	if err != nil || diags.HasErrors() {
		t.Fatalf("load: %v %v", err, diags)
	}
	return rs
}

func ep(s string) explain.Endpoint {
	e, err := explain.ParseEndpoint(s)
	if err != nil {
		panic(err)
	}
	return e
}

// step is the part of a Step the table checks: chain, and the line
// when the step names one.
type step struct {
	Chain string
	Line  int
}

func TestExplain(t *testing.T) {
	rs := load(t, guestTree)
	tests := []struct {
		name  string
		q     explain.Packet
		want  ir.Verdict
		steps []step
		note  string // a substring of some note, when one is expected
	}{
		{
			name:  "guest to host, user rule",
			q:     explain.Packet{From: ep("100"), To: ep("host"), DPort: 22},
			want:  ir.Accept,
			steps: []step{{"guest-out", 0}, {"guest-100-net0-out", 0}, {"input", 0}, {"host-in", 5}},
		},
		{
			name:  "guest to host, input policy",
			q:     explain.Packet{From: ep("100"), To: ep("host"), DPort: 23},
			want:  ir.Drop,
			steps: []step{{"guest-out", 0}, {"guest-100-net0-out", 0}, {"input", 3}},
		},
		{
			name:  "bridged, group accepts on the unicast path",
			q:     explain.Packet{From: ep("101"), To: ep("100"), DPort: 80},
			want:  ir.Accept,
			steps: []step{{"guest-out", 0}, {"guest-101-net0-out", 0}, {"guest-in-unicast", 0}, {"guest-100-net0-in", 9}, {"group-web-in", 9}, {"bridged", 0}, {"guest-in", 0}},
		},
		{
			name:  "bridged, REJECT policy really rejects",
			q:     explain.Packet{From: ep("101/net0"), To: ep("100/net0"), DPort: 81},
			want:  ir.Reject,
			steps: []step{{"guest-out", 0}, {"guest-101-net0-out", 0}, {"guest-in-unicast", 0}, {"guest-100-net0-in", 9}, {"group-web-in", 9}, {"guest-100-net0-in", 0}, {"do-reject", 0}},
		},
		{
			name:  "host-sent frames take the late path, where REJECT drops",
			q:     explain.Packet{From: ep("host"), To: ep("100"), DPort: 81},
			want:  ir.Drop,
			steps: []step{{"output", 0}, {"guest-in", 0}, {"guest-100-net0-in-late", 9}, {"group-web-in-late", 9}, {"guest-100-net0-in-late", 0}},
			note:  "the iptables backend rejects",
		},
		{
			name:  "guest OUT rule",
			q:     explain.Packet{From: ep("100"), To: ep("101"), DPort: 25},
			want:  ir.Drop,
			steps: []step{{"guest-out", 0}, {"guest-100-net0-out", 11}},
		},
		{
			name:  "ipfilter drops a forged source",
			q:     explain.Packet{From: ep("100"), To: ep("101"), Proto: "icmp", Src: netip.MustParseAddr("10.9.9.9")},
			want:  ir.Drop,
			steps: []step{{"guest-out", 0}, {"guest-100-net0-out", 5}},
		},
		{
			name:  "macfilter drops a forged MAC",
			q:     explain.Packet{From: ep("101"), To: ep("100"), Proto: "icmp", SrcMAC: net.HardwareAddr{2, 0, 0, 0, 0, 0x99}},
			want:  ir.Drop,
			steps: []step{{"guest-out", 0}, {"guest-101-net0-out", 1}},
		},
		{
			name:  "ARP is flooded and accepted",
			q:     explain.Packet{From: ep("100"), To: ep("101"), Proto: "arp"},
			want:  ir.Accept,
			steps: []step{{"guest-out", 0}, {"guest-100-net0-out", 0}, {"bridged", 0}, {"guest-in", 0}, {"guest-101-net0-in-late", 0}},
		},
		{
			name:  "router advertisements are blocked without radv",
			q:     explain.Packet{From: ep("100"), To: ep("101"), Proto: "icmpv6", ICMPType: "nd-router-advert", Src: netip.MustParseAddr("fe80::be24:11ff:fe00:100"), Dst: netip.MustParseAddr("ff02::1")},
			want:  ir.Drop,
			steps: []step{{"guest-out", 0}, {"guest-100-net0-out", 0}},
		},
		{
			name:  "routed from outside to a second NIC",
			q:     explain.Packet{From: ep("outside"), To: ep("101/net1"), DPort: 443},
			want:  ir.Accept,
			steps: []step{{"forward", 0}, {"guest-in", 0}, {"guest-101-net1-in-late", 5}},
		},
		{
			name:  "blacklist",
			q:     explain.Packet{From: ep("outside"), To: ep("host"), DPort: 22, Src: netip.MustParseAddr("198.51.100.66")},
			want:  ir.Drop,
			steps: []step{{"input", 5}, {"blacklist-drop", 0}},
		},
		{
			name:  "established traffic passes conntrack",
			q:     explain.Packet{From: ep("101"), To: ep("100"), DPort: 81, State: explain.Established},
			want:  ir.Accept,
			steps: []step{{"guest-out", 0}, {"guest-101-net0-out", 0}, {"guest-in-unicast", 0}, {"guest-100-net0-in", 0}, {"bridged", 0}, {"guest-in", 0}},
		},
		{
			name:  "conntrack calls a stray FIN invalid",
			q:     explain.Packet{From: ep("outside"), To: ep("host"), DPort: 22, Flags: explain.FIN | explain.ACK},
			want:  ir.Drop,
			steps: []step{{"input", 0}},
			note:  "invalid",
		},
		{
			name:  "multicast sources are martians",
			q:     explain.Packet{From: ep("outside"), To: ep("host"), Proto: "icmp", Src: netip.MustParseAddr("224.0.0.5")},
			want:  ir.Drop,
			steps: []step{{"(kernel)", 0}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := explain.Explain(rs, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if res.Verdict != tt.want {
				t.Errorf("verdict %s, want %s", res.Verdict, tt.want)
			}
			var got []step
			for _, s := range res.Path {
				got = append(got, step{s.Chain, s.Pos.Line})
			}
			if diff := cmp.Diff(tt.steps, got); diff != "" {
				t.Errorf("path (-want +got):\n%s\n%v", diff, res.Path)
			}
			if tt.note != "" && !strings.Contains(strings.Join(res.Notes, "\n"), tt.note) {
				t.Errorf("notes %q lack %q", res.Notes, tt.note)
			}
		})
	}
}

func TestExplainErrors(t *testing.T) {
	rs := load(t, guestTree)
	tests := []struct {
		q    explain.Packet
		want string
	}{
		{explain.Packet{From: ep("105"), To: ep("host")}, "no endpoint 105 on this node; endpoints are host, outside, 100/net0, 101/net0, 101/net1"},
		{explain.Packet{From: ep("100/net3"), To: ep("host")}, "no endpoint 100/net3"},
		{explain.Packet{From: ep("host"), To: ep("host")}, "source and destination are the same"},
		{explain.Packet{From: ep("100"), To: ep("host"), Proto: "udp", ICMPType: "8"}, "--icmp-type needs -p icmp"},
		{explain.Packet{From: ep("100"), To: ep("host"), Proto: "icmp", DPort: 22}, "ports need a protocol with ports"},
		{explain.Packet{From: ep("100"), To: ep("101/net1"), Proto: "arp"}, "ARP and other non-IP frames do not cross the host"},
		{explain.Packet{From: ep("100"), To: ep("host"), Proto: "nosuch"}, `unknown protocol "nosuch"`},
		{explain.Packet{From: ep("100"), To: ep("host"), EtherType: 0x0806}, "ask about IPv4, IPv6 and ARP with the protocol"},
		{explain.Packet{From: ep("100"), To: ep("host"), EtherType: 0x88b5, Proto: "udp"}, "has no protocol, ports or ICMP type"},
	}
	for _, tt := range tests {
		_, err := explain.Explain(rs, tt.q)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v: error %v, want %q", tt.q, err, tt.want)
		}
	}
}

func TestParseEndpoint(t *testing.T) {
	for in, want := range map[string]explain.Endpoint{
		"host":       {Kind: explain.Host},
		"outside":    {Kind: explain.Outside},
		"100":        {Kind: explain.Guest, VMID: 100, NIC: -1},
		"100/net2":   {Kind: explain.Guest, VMID: 100, NIC: 2},
		"vm100/net0": {Kind: explain.Guest, VMID: 100, NIC: 0},
	} {
		got, err := explain.ParseEndpoint(in)
		if err != nil || got != want {
			t.Errorf("ParseEndpoint(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "guest", "0", "100/eth0", "100/net-1"} {
		if _, err := explain.ParseEndpoint(in); err == nil {
			t.Errorf("ParseEndpoint(%q) succeeded", in)
		}
	}
}

// TestIPTablesVerdict checks that the iptables backend's verdict is
// reported where it differs: REJECT towards a guest on the late path.
func TestIPTablesVerdict(t *testing.T) {
	rs := load(t, guestTree)
	tests := []struct {
		q             explain.Packet
		nft, iptables ir.Verdict
	}{
		{explain.Packet{From: ep("host"), To: ep("100"), DPort: 81}, ir.Drop, ir.Reject},
		{explain.Packet{From: ep("host"), To: ep("100"), Proto: "udp", DPort: 81}, ir.Drop, ir.Reject},
		{explain.Packet{From: ep("host"), To: ep("100"), Proto: "icmp", IPv6: true}, ir.Drop, ir.Drop}, // no answer to ICMP
		{explain.Packet{From: ep("101"), To: ep("100"), DPort: 81}, ir.Reject, ir.Reject},
	}
	for _, tt := range tests {
		res, err := explain.Explain(rs, tt.q)
		if err != nil {
			t.Fatal(err)
		}
		if res.Verdict != tt.nft || res.IPTables != tt.iptables {
			t.Errorf("%v: nft %s, iptables %s; want %s, %s", tt.q, res.Verdict, res.IPTables, tt.nft, tt.iptables)
		}
	}
}
