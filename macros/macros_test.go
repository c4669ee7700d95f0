package macros

import (
	"fmt"
	"strings"
	"testing"

	"github.com/fwc-project/fwc/ir"
	"github.com/fwc-project/fwc/netdb"
	"github.com/google/go-cmp/cmp"
)

func TestTableShape(t *testing.T) {
	all := All()
	pve := 0
	for i, m := range all {
		if !m.Extension {
			pve++
		}
		if m.Doc == "" || len(m.Entries) == 0 {
			t.Errorf("%s: empty description or entries", m.Name)
		}
		if i > 0 && strings.ToLower(all[i-1].Name) >= strings.ToLower(m.Name) {
			t.Errorf("%s after %s: names not sorted or not unique (case-insensitively)", m.Name, all[i-1].Name)
		}
	}
	if pve != 86 {
		t.Errorf("%d PVE macros, want 86", pve)
	}
}

// TestEntriesResolve checks every entry against netdb the way the lowering
// stage reads it: a known protocol, ports only where the protocol has them,
// ICMP type names PVE accepts, and a family that agrees with the protocol.
func TestEntriesResolve(t *testing.T) {
	for _, m := range All() {
		for i, e := range m.Entries {
			where := fmt.Sprintf("%s entry %d", m.Name, i+1)
			_, num, ok := netdb.Protocol(e.Proto)
			if !ok {
				t.Errorf("%s: unknown protocol %q", where, e.Proto)
				continue
			}
			switch num {
			case 1, 58:
				v6 := num == 58
				if want := map[bool]ir.Family{false: ir.IPv4, true: ir.IPv6}[v6]; e.Family != want {
					t.Errorf("%s: %s entry has family %v, want %v", where, e.Proto, e.Family, want)
				}
				if _, ok := netdb.ICMPType(v6, e.DPort); !ok || !netdb.ICMPTypeInPVE(v6, e.DPort) {
					t.Errorf("%s: %q is not a PVE %s type", where, e.DPort, e.Proto)
				}
				if e.SPort != "" {
					t.Errorf("%s: ICMP entry with sport", where)
				}
			default:
				if !netdb.HasPorts(num) && (e.DPort != "" || e.SPort != "") {
					t.Errorf("%s: ports on protocol %q", where, e.Proto)
				}
				checkPorts(t, where, e.DPort)
				checkPorts(t, where, e.SPort)
			}
		}
	}
}

// checkPorts checks a port list in PVE's syntax: numbers, services and
// ascending A:B ranges.
func checkPorts(t *testing.T, where, list string) {
	t.Helper()
	if list == "" {
		return
	}
	for _, item := range strings.Split(list, ",") {
		lo, hi, isRange := strings.Cut(item, ":")
		a, okA := port(lo)
		b, okB := port(hi)
		if !okA || isRange && (!okB || a > b) {
			t.Errorf("%s: bad port item %q", where, item)
		}
	}
}

func port(s string) (int, bool) {
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			p, _, ok := netdb.Service(s)
			return int(p), ok
		}
		n = n*10 + int(c-'0')
	}
	return n, s != "" && n <= 65535
}

func TestLookup(t *testing.T) {
	e := func(proto, dport, sport string, f ir.Family) Entry { return Entry{proto, dport, sport, f} }
	tests := []struct {
		name string
		want Macro
	}{
		{"SMB", Macro{Name: "SMB", Doc: "Microsoft SMB traffic", Entries: []Entry{
			e("udp", "135,445", "", ir.Any), e("udp", "137:139", "", ir.Any),
			e("udp", "1024:65535", "137", ir.Any), e("tcp", "135,139,445", "", ir.Any)}}},
		{"trcrt", Macro{Name: "Trcrt", Doc: "Traceroute (for up to 30 hops) traffic", Entries: []Entry{
			e("udp", "33434:33524", "", ir.Any), e("icmp", "echo-request", "", ir.IPv4),
			e("icmpv6", "echo-request", "", ir.IPv6)}}},
		{"IPsec", Macro{Name: "IPsec", Doc: "IPsec traffic", Entries: []Entry{
			e("udp", "500", "500", ir.Any), e("50", "", "", ir.Any)}}},
		{"IPSECNAT", Macro{Name: "IPsecnat", Doc: "IPsec traffic and Nat-Traversal", Entries: []Entry{
			e("udp", "500", "", ir.Any), e("udp", "4500", "", ir.Any), e("50", "", "", ir.Any)}}},
		{"Ceph", Macro{Name: "Ceph", Doc: "Ceph Storage Cluster traffic (Ceph Monitors, OSD & MDS Daemons)", Entries: []Entry{
			e("tcp", "6789", "", ir.Any), e("tcp", "3300", "", ir.Any), e("tcp", "6800:7300", "", ir.Any)}}},
		{"SixXS", Macro{Name: "SixXS", Doc: "SixXS IPv6 Deployment and Tunnel Broker", Entries: []Entry{
			e("tcp", "3874", "", ir.Any), e("udp", "3740", "", ir.Any), e("41", "", "", ir.Any),
			e("udp", "5072,8374", "", ir.Any)}}},
		{"NeighborDiscovery", Macro{Name: "NeighborDiscovery", Doc: "IPv6 neighbor solicitation, neighbor and router advertisement", Entries: []Entry{
			e("icmpv6", "router-solicitation", "", ir.IPv6), e("icmpv6", "router-advertisement", "", ir.IPv6),
			e("icmpv6", "neighbor-solicitation", "", ir.IPv6), e("icmpv6", "neighbor-advertisement", "", ir.IPv6)}}},
		{"dhcpv6", Macro{Name: "DHCPv6", Doc: "DHCPv6 traffic", Entries: []Entry{
			e("udp", "546:547", "546:547", ir.IPv6)}}},
		{"DHCPfwd", Macro{Name: "DHCPfwd", Doc: "Forwarded DHCP traffic", Entries: []Entry{
			e("udp", "67:68", "67:68", ir.Any)}}},
		{"ping", Macro{Name: "Ping", Doc: "ICMP echo request", Entries: []Entry{
			e("icmp", "echo-request", "", ir.IPv4), e("icmpv6", "echo-request", "", ir.IPv6)}}},
		{"PBS", Macro{Name: "PBS", Doc: "Proxmox Backup Server", Extension: true, Entries: []Entry{
			e("tcp", "8007", "", ir.Any)}}},
		{"ssh", Macro{Name: "SSH", Doc: "Secure shell traffic", Entries: []Entry{e("tcp", "22", "", ir.Any)}}},
		{"GRE", Macro{Name: "GRE", Doc: "Generic Routing Encapsulation tunneling protocol", Entries: []Entry{
			e("47", "", "", ir.Any)}}},
		{"PPtP", Macro{Name: "PPtP", Doc: "Point-to-Point Tunneling Protocol", Entries: []Entry{
			e("47", "", "", ir.Any), e("tcp", "1723", "", ir.Any)}}},
		{"Mail", Macro{Name: "Mail", Doc: "Mail traffic (SMTP, SMTPS, Submission)", Entries: []Entry{
			e("tcp", "25", "", ir.Any), e("tcp", "465", "", ir.Any), e("tcp", "587", "", ir.Any)}}},
		{"DNS", Macro{Name: "DNS", Doc: "Domain Name System traffic (upd and tcp)", Entries: []Entry{
			e("udp", "53", "", ir.Any), e("tcp", "53", "", ir.Any)}}},
		{"SNMP", Macro{Name: "SNMP", Doc: "Simple Network Management Protocol", Entries: []Entry{
			e("udp", "161:162", "", ir.Any), e("tcp", "161", "", ir.Any)}}},
		{"Whois", Macro{Name: "Whois", Doc: "Whois (nicname, RFC 3912) traffic", Entries: []Entry{
			e("tcp", "43", "", ir.Any)}}},
	}
	for _, tc := range tests {
		got, ok := Lookup(tc.name)
		if !ok {
			t.Errorf("Lookup(%q) not found", tc.name)
			continue
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("Lookup(%q) (-want +got):\n%s", tc.name, diff)
		}
	}
	for _, name := range []string{"HTTP/3", "", "SSH(ACCEPT)", "Pings"} {
		if m, ok := Lookup(name); ok {
			t.Errorf("Lookup(%q) = %s, want not found", name, m.Name)
		}
	}
}
