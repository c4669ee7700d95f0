package iptables

import (
	"net/netip"

	"github.com/fwc-project/fwc/ir"
)

// The cases below are hand-built rulesets, one per area, together covering
// every branch of the emitter. Each has a golden bundle in testdata and is
// loaded by the real tools in the system test.

func pfx(ss ...string) []netip.Prefix {
	var ps []netip.Prefix
	for _, s := range ss {
		ps = append(ps, netip.MustParsePrefix(s))
	}
	return ps
}

func prs(rs ...[2]uint16) []ir.PortRange {
	var out []ir.PortRange
	for _, r := range rs {
		out = append(out, ir.PortRange{Lo: r[0], Hi: r[1]})
	}
	return out
}

func port(p uint16) [2]uint16 { return [2]uint16{p, p} }

// baseHost is an enabled host with PVE's defaults.
func baseHost() ir.Host {
	return ir.Host{
		Enabled:       true,
		PolicyIn:      ir.Drop,
		PolicyOut:     ir.Accept,
		PolicyForward: ir.Accept,
		NDP:           true,
		NoSmurfs:      true,
		Management:    "dc/management",
	}
}

var mgmt = ir.Set{Name: "dc/management", V4: pfx("192.0.2.0/24"), V6: pfx("2001:db8::/64")}

type testCase struct {
	name string
	rs   *ir.Ruleset
	o    Options
}

var cases = []testCase{
	{name: "disabled", rs: &ir.Ruleset{Node: "pve1", Host: baseHost(), Sets: []ir.Set{mgmt}}},
	{name: "host-default", rs: &ir.Ruleset{
		Node: "pve1", Enabled: true, Host: func() ir.Host {
			h := baseHost()
			h.LocalNetwork = pfx("192.0.2.0/24", "2001:db8::/64")
			return h
		}(),
		Sets: []ir.Set{mgmt},
	}},
	{name: "host-options", rs: &ir.Ruleset{
		Node: "pve1", Enabled: true,
		LogRateLimit: ir.RateLimit{Enabled: true, Rate: 10, Unit: "minute", Burst: 20},
		Host: ir.Host{
			Enabled:       true,
			PolicyIn:      ir.Reject,
			PolicyOut:     ir.Drop,
			PolicyForward: ir.Reject,
			LogIn:         ir.Info, LogOut: ir.Warn, LogForward: ir.Debug,
			SmurfLog: ir.Err, TCPFlagsLog: ir.Notice,
			NoSmurfs: true, TCPFlags: true, AllowInvalid: true,
			Synflood:   &ir.Synflood{Rate: 100, Burst: 500},
			Helpers:    []string{"ftp", "irc"},
			Management: "dc/management",
			Blacklist:  "dc/blacklist",
			Corosync:   pfx("10.10.0.0/24"),
		},
		Sets: []ir.Set{
			{Name: "dc/blacklist", V4: pfx("0.0.0.0/0"), V6: pfx("2001:db8:bad::/48")},
			mgmt,
		},
	}},
	{name: "host-rules", rs: hostRules()},
	{name: "guests", rs: guestsCase()},
	{name: "names", rs: namesCase()},
	{name: "kernel-log", rs: hostRules(), o: Options{KernelLog: true}},
}

func hostRules() *ir.Ruleset {
	long := make([]netip.Prefix, 0, 80)
	for i := range 80 {
		long = append(long, netip.PrefixFrom(netip.AddrFrom4([4]byte{198, 51, 100, byte(i)}), 32))
	}
	many := make([]ir.PortRange, 0, 20)
	for i := range 20 {
		many = append(many, ir.PortRange{Lo: uint16(1000 + 10*i), Hi: uint16(1000 + 10*i + i%2)})
	}
	return &ir.Ruleset{
		Node: "pve1", Enabled: true,
		LogRateLimit: ir.RateLimit{Enabled: true, Rate: 1, Unit: "second"},
		Host: func() ir.Host {
			h := baseHost()
			h.In, h.Out, h.Forward = hostIn(long, many), hostOut(long), hostFwd()
			return h
		}(),
		Groups: []ir.Group{{
			Name:    "web",
			In:      []ir.Rule{{Proto: "tcp", DPort: prs(port(80), port(443)), Verdict: ir.Accept, Log: ir.Info}, {Proto: "udp", Verdict: ir.Reject}},
			Out:     []ir.Rule{{Iface: "vmbr0", Verdict: ir.Drop}},
			Forward: []ir.Rule{{Iface: "vmbr1", Proto: "tcp", DPort: prs(port(3306)), Verdict: ir.Accept}},
		}},
		Sets: []ir.Set{{Name: "dc/office", V4: pfx("203.0.113.0/24")}, mgmt},
	}
}

func hostIn(long []netip.Prefix, many []ir.PortRange) []ir.Rule {
	return []ir.Rule{
		{Iface: "eth0", Src: ir.Addr{Set: "dc/office"}, Proto: "tcp", DPort: prs(port(22)), Verdict: ir.Accept, Log: ir.Info},
		{Family: ir.IPv4, Src: ir.Addr{Prefixes: pfx("10.0.0.0/8", "172.16.0.0/12")}, Dst: ir.Addr{Prefixes: pfx("192.0.2.1/32")}, Proto: "udp", SPort: prs(port(53), [2]uint16{67, 68}), DPort: prs([2]uint16{1000, 2000}, port(3000)), Verdict: ir.Drop},
		{Family: ir.IPv4, Src: ir.Addr{Ranges: []ir.AddrRange{{From: netip.MustParseAddr("10.0.0.1"), To: netip.MustParseAddr("10.0.0.9")}}}, Verdict: ir.Accept},
		{Family: ir.IPv4, Src: ir.Addr{Prefixes: pfx("10.1.0.0/16"), Ranges: []ir.AddrRange{{From: netip.MustParseAddr("10.2.0.1"), To: netip.MustParseAddr("10.2.0.6")}}}, Verdict: ir.Reject, Log: ir.Warn},
		{Family: ir.IPv6, Dst: ir.Addr{Prefixes: pfx("2001:db8:1::/48")}, Proto: "ipv6-icmp", ProtoNum: 58, ICMP: []ir.ICMPType{{Type: 128}, {Type: 1, Code: 4, HasCode: true}}, Verdict: ir.Accept},
		{Proto: "icmp", ProtoNum: 1, ICMP: []ir.ICMPType{{Type: 8}, {Type: 3, Code: 4, HasCode: true}}, Verdict: ir.Accept},
		{Proto: "gre", ProtoNum: 47, Verdict: ir.Accept},
		{Proto: "tcp", DPort: many, Verdict: ir.Accept},
		{Family: ir.IPv4, Src: ir.Addr{Prefixes: long}, Proto: "tcp", DPort: prs(port(25)), Verdict: ir.Drop},
		{Iface: "eth1", Proto: "tcp", SPort: prs(port(1234)), DPort: prs(port(8080)), Verdict: ir.Jump, Group: "web"},
		{Proto: "sctp", DPort: prs(port(9)), Verdict: ir.Accept, Comment: `discard "sink" \ test`},
	}
}

// hostOut reuses the long list of hostIn as a destination: both share one
// literal set.
func hostOut(long []netip.Prefix) []ir.Rule {
	return []ir.Rule{
		{Iface: "eth0", Dst: ir.Addr{Set: "dc/office"}, Verdict: ir.Reject},
		{Verdict: ir.Jump, Group: "web"},
		{Family: ir.IPv4, Dst: ir.Addr{Prefixes: long}, Verdict: ir.Drop},
	}
}

func hostFwd() []ir.Rule {
	return []ir.Rule{
		{Iface: "vmbr1", Proto: "udplite", DPort: prs(port(5000)), Verdict: ir.Drop, Log: ir.Alert},
		{Iface: "vmbr1", Verdict: ir.Jump, Group: "web", Log: ir.Info},
	}
}

func guestsCase() *ir.Ruleset {
	h := baseHost()
	h.Blacklist = "dc/blacklist"
	return &ir.Ruleset{
		Node: "pve1", Enabled: true, Host: h,
		Groups: []ir.Group{{Name: "ssh", In: []ir.Rule{{Proto: "tcp", DPort: prs(port(22)), Verdict: ir.Accept}}}},
		Guests: []ir.Guest{
			{
				VMID: 100, Kind: ir.VM, Enabled: true,
				PolicyIn: ir.Drop, PolicyOut: ir.Accept, LogIn: ir.Info,
				MACFilter: true, DHCP: true, NDP: true,
				NICs: []ir.NIC{
					{Index: 0, Iface: "tap100i0", MAC: "0e:0b:38:b8:b3:21", Bridge: "vmbr0", Firewall: true, IPFilter: "guest-100/ipfilter-net0"},
					{Index: 1, Iface: "tap100i1", MAC: "0e:0b:38:b8:b3:22", Bridge: "vmbr0", Firewall: true},
					{Index: 2, Iface: "tap100i2", MAC: "0e:0b:38:b8:b3:23", Bridge: "vmbr0"},
				},
				In: []ir.Rule{
					{Verdict: ir.Jump, Group: "ssh"},
					{Iface: "tap100i1", Proto: "tcp", DPort: prs(port(80)), Verdict: ir.Reject, Log: ir.Debug},
				},
				Out: []ir.Rule{{Iface: "tap100i0", Proto: "tcp", DPort: prs(port(25)), Verdict: ir.Drop}},
			},
			{
				VMID: 101, Kind: ir.CT, Enabled: true,
				PolicyIn: ir.Reject, PolicyOut: ir.Drop, LogOut: ir.Warn,
				RAdv: true,
				NICs: []ir.NIC{{Index: 0, Iface: "veth101i0", Bridge: "vmbr0", Firewall: true}},
				Out:  []ir.Rule{{Proto: "udp", DPort: prs(port(53)), Verdict: ir.Accept}},
			},
			{
				VMID: 102, Kind: ir.VM, Enabled: false, MACFilter: true,
				NICs: []ir.NIC{{Index: 0, Iface: "tap102i0", MAC: "0e:0b:38:b8:b3:24", Firewall: true}},
			},
		},
		Sets: []ir.Set{
			{Name: "dc/blacklist", V4: pfx("198.51.100.0/24")},
			mgmt,
			{Name: "guest-100/ipfilter-net0", V4: pfx("192.0.2.10/32", "192.0.2.64/26"), V6: pfx("fe80::c0b:38ff:feb8:b321/128")},
		},
	}
}

// namesCase has names over the kernel limits: a long group name, a long
// set name and a five-digit VMID.
func namesCase() *ir.Ruleset {
	h := baseHost()
	h.Enabled = false
	return &ir.Ruleset{
		Node: "pve1", Enabled: true, Host: h,
		Groups: []ir.Group{{Name: "a-very-long-group-name", Out: []ir.Rule{{Dst: ir.Addr{Set: "dc/a-very-long-ipset-name-for-hash"}, Verdict: ir.Accept, Log: ir.Emerg}}}},
		Guests: []ir.Guest{{
			VMID: 1234567, Kind: ir.CT, Enabled: true, PolicyIn: ir.Reject, LogIn: ir.Debug, PolicyOut: ir.Accept, LogOut: ir.Debug, MACFilter: true,
			NDP: true, RAdv: true,
			NICs: []ir.NIC{{Index: 31, Iface: "veth1234567i31", MAC: "0e:0b:38:b8:b3:25", Firewall: true, IPFilter: "guest-1234567/ipfilter-net31"}},
			Out:  []ir.Rule{{Verdict: ir.Jump, Group: "a-very-long-group-name"}},
		}},
		Sets: []ir.Set{
			{Name: "dc/a-very-long-ipset-name-for-hash", V4: pfx("192.0.2.0/24")},
			mgmt,
			{Name: "guest-1234567/ipfilter-net31", V4: pfx("192.0.2.7/32")},
		},
	}
}
