package nft

import (
	"fmt"
	"net/netip"

	"github.com/fwc-project/fwc/ir"
)

// Helpers to build rulesets by hand.

func pfx(ss ...string) []netip.Prefix {
	var out []netip.Prefix
	for _, s := range ss {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}

func port(lo, hi uint16) ir.PortRange { return ir.PortRange{Lo: lo, Hi: hi} }

func tcp(dports ...ir.PortRange) ir.Rule {
	return ir.Rule{Proto: "tcp", ProtoNum: 6, DPort: dports}
}

func set(name string, v4, v6 []netip.Prefix) ir.Set { return ir.Set{Name: name, V4: v4, V6: v6} }

// baseHost is an enabled host with PVE's defaults.
func baseHost() ir.Host {
	return ir.Host{
		Enabled:  true,
		PolicyIn: ir.Drop, PolicyOut: ir.Accept, PolicyForward: ir.Accept,
		NDP: true, NoSmurfs: true,
		Management: "dc/management",
	}
}

func baseRuleset() *ir.Ruleset {
	return &ir.Ruleset{
		Node:         "pve1",
		Enabled:      true,
		LogRateLimit: ir.RateLimit{Enabled: true, Rate: 1, Unit: "second", Burst: 5},
		Host:         baseHost(),
		Sets:         []ir.Set{set("dc/management", pfx("192.0.2.0/24"), nil)},
	}
}

// guest is an enabled VM with PVE's defaults and one firewalled NIC.
func guest(vmid int, nics ...ir.NIC) ir.Guest {
	return ir.Guest{
		VMID: vmid, Enabled: true,
		PolicyIn: ir.Drop, PolicyOut: ir.Accept,
		MACFilter: true, DHCP: true, NDP: true,
		NICs: nics,
	}
}

func nic(vmid, index int, mac string) ir.NIC {
	return ir.NIC{
		Index: index, Iface: fmt.Sprintf("tap%di%d", vmid, index),
		MAC: mac, Bridge: "vmbr0", Firewall: true,
	}
}

// goldenCases are the rulesets of the golden tests, each covering some
// branches of the emitter; testdata/<name>.nft holds the expected script.
var goldenCases = []struct {
	name string
	rs   func() *ir.Ruleset
}{
	{"disabled", func() *ir.Ruleset {
		rs := baseRuleset()
		rs.Enabled = false
		return rs
	}},
	{"host-defaults", baseRuleset},
	{"host-options", hostOptions},
	{"host-rules", hostRules},
	{"guests", guests},
	{"guests-only", func() *ir.Ruleset {
		rs := guests()
		rs.Host.Enabled, rs.Host.AllowInvalid = false, true
		return rs
	}},
	{"kernel-log", func() *ir.Ruleset {
		rs := hostOptions()
		rs.LogRateLimit = ir.RateLimit{}
		return rs
	}},
}

// hostOptions turns on every host option and logs every policy.
func hostOptions() *ir.Ruleset {
	rs := baseRuleset()
	h := &rs.Host
	h.PolicyIn, h.PolicyOut, h.PolicyForward = ir.Reject, ir.Drop, ir.Drop
	h.LogIn, h.LogOut, h.LogForward = ir.Info, ir.Warn, ir.Debug
	h.SmurfLog, h.TCPFlagsLog = ir.Notice, ir.Err
	h.NDP, h.NoSmurfs, h.TCPFlags, h.AllowInvalid = false, true, true, true
	h.Synflood = &ir.Synflood{Rate: 200, Burst: 1000}
	h.LocalNetwork = pfx("192.0.2.0/24", "2001:db8::/64")
	h.Corosync = pfx("192.0.2.0/24", "2001:db8::/64")
	h.Blacklist = "dc/blacklist"
	h.Helpers = []string{"ftp", "irc", "sip", "amanda", "netbios-ns", "pptp", "sane", "snmp", "tftp"}
	rs.LogRateLimit = ir.RateLimit{Enabled: true, Rate: 10, Unit: "minute"}
	rs.Sets = []ir.Set{
		set("dc/blacklist", pfx("198.51.100.0/24", "203.0.113.7/32"), pfx("2001:db8:bad::/48")),
		set("dc/management", pfx("192.0.2.0/24"), pfx("2001:db8::/64")),
	}
	return rs
}

// hostRules exercises rule translation in the host chains.
func hostRules() *ir.Ruleset {
	rs := baseRuleset()
	h := &rs.Host
	ssh := tcp(port(22, 22))
	ssh.Iface, ssh.Comment, ssh.Log = "vmbr0", `ssh "admins"; } flush ruleset`, ir.Info
	web := tcp(port(80, 80), port(443, 443), port(8000, 8080))
	web.Src = ir.Addr{Set: "dc/office"}
	web.Verdict = ir.Reject
	ping := ir.Rule{Proto: "icmp", ProtoNum: 1, Family: ir.IPv4, Verdict: ir.Accept,
		ICMP: []ir.ICMPType{{Type: 8}, {Type: 0}}}
	frag := ir.Rule{Proto: "icmp", ProtoNum: 1, Family: ir.IPv4, Verdict: ir.Accept,
		ICMP: []ir.ICMPType{{Type: 3, Code: 4, HasCode: true}, {Type: 11}}}
	nd := ir.Rule{Proto: "ipv6-icmp", ProtoNum: 58, Family: ir.IPv6, Verdict: ir.Drop,
		ICMP: []ir.ICMPType{{Type: 135}, {Type: 200}}}
	v6only := ir.Rule{Family: ir.IPv6, Proto: "udp", ProtoNum: 17, SPort: []ir.PortRange{port(53, 53)}, Verdict: ir.Drop, Log: ir.Debug}
	lit := ir.Rule{Family: ir.IPv4, Verdict: ir.Drop,
		Src: ir.Addr{Prefixes: pfx("10.0.0.0/8", "172.16.0.1/32"), Ranges: []ir.AddrRange{{
			From: netip.MustParseAddr("192.168.1.10"), To: netip.MustParseAddr("192.168.1.20")}}},
		Dst: ir.Addr{Prefixes: pfx("10.1.2.3/32")}}
	gre := ir.Rule{Proto: "gre", ProtoNum: 47, Verdict: ir.Accept}
	jump := ir.Rule{Verdict: ir.Jump, Group: "web", Iface: "eth0"}
	h.In = []ir.Rule{ssh, web, ping, frag, nd, lit, gre, jump}
	h.Out = []ir.Rule{v6only, {Verdict: ir.Jump, Group: "web"}}
	h.Forward = []ir.Rule{{Verdict: ir.Jump, Group: "web"}, {Family: ir.IPv6, Dst: ir.Addr{Set: "dc/office"}, Verdict: ir.Accept}}
	webIn := tcp(port(443, 443))
	webIn.Src = ir.Addr{Set: "dc/office"}
	webIn.Log = ir.Warn
	rs.Groups = []ir.Group{
		{Name: "unused", In: []ir.Rule{tcp(port(1, 1))}},
		{Name: "web", In: []ir.Rule{webIn, {Verdict: ir.Reject}}, Out: []ir.Rule{tcp(port(25, 25))},
			Forward: []ir.Rule{{Verdict: ir.Drop, Comment: "no routing"}}},
	}
	rs.Sets = append(rs.Sets, set("dc/office", pfx("198.51.100.0/24"), pfx("2001:db8:1::/48")), set("dc/unused", pfx("10.0.0.0/8"), nil))
	return rs
}

// guests has two VMs and a container: MAC and IP filters, options off,
// per-NIC rules, groups from guests, a NIC without MAC and one without
// firewall, and a disabled guest.
func guests() *ir.Ruleset {
	rs := baseRuleset()
	rs.Host.Blacklist = "dc/blacklist"
	g100 := guest(100, nic(100, 0, "02:00:00:00:01:00"), nic(100, 1, "02:00:00:00:01:01"))
	g100.NICs[1].IPFilter = "guest-100/ipfilter-net1"
	g100.PolicyIn, g100.LogIn, g100.LogOut = ir.Reject, ir.Info, ir.Debug
	http := tcp(port(80, 80))
	http.Verdict, http.Log, http.Comment = ir.Accept, ir.Info, "web"
	only1 := tcp(port(22, 22))
	only1.Iface, only1.Verdict = "tap100i1", ir.Reject
	g100.In = []ir.Rule{http, only1, {Verdict: ir.Jump, Group: "web"}, {Verdict: ir.Jump, Group: "mail", Iface: "tap100i1"}}
	g100.Out = []ir.Rule{{Verdict: ir.Jump, Group: "web"}, {Dst: ir.Addr{Set: "dc/office"}, Verdict: ir.Reject}}
	g101 := guest(101, nic(101, 0, ""), ir.NIC{Index: 1, Iface: "tap101i1", Bridge: "vmbr0"})
	g101.MACFilter, g101.DHCP, g101.NDP, g101.RAdv = false, false, false, true
	g101.PolicyOut, g101.LogOut = ir.Drop, ir.Warn
	ct := guest(200, nic(200, 0, "02:00:00:00:02:00"))
	ct.Kind = ir.CT
	ct.NICs[0].Iface = "veth200i0"
	ct.NICs[0].IPFilter = "guest-200/ipfilter-net0"
	ct.RAdv = true
	off := guest(300, nic(300, 0, "02:00:00:00:03:00"))
	off.Enabled = false
	rs.Guests = []ir.Guest{g100, g101, ct, off}
	rs.Groups = []ir.Group{
		{Name: "mail", In: []ir.Rule{tcp(port(25, 25))}},
		{Name: "web", In: []ir.Rule{{Verdict: ir.Reject, Proto: "udp", ProtoNum: 17}, tcp(port(443, 443))},
			Out: []ir.Rule{{Verdict: ir.Drop, Proto: "udp", ProtoNum: 17, DPort: []ir.PortRange{port(19, 19)}, Log: ir.Info}}},
	}
	rs.Sets = []ir.Set{
		set("dc/blacklist", pfx("198.51.100.0/24"), nil),
		set("dc/management", pfx("192.0.2.0/24"), nil),
		set("dc/office", pfx("198.51.100.0/24"), pfx("2001:db8:1::/48")),
		set("guest-100/ipfilter-net1", pfx("192.0.2.100/32"), pfx("fe80::ff:fe00:101/128")),
		set("guest-200/ipfilter-net0", nil, pfx("fe80::ff:fe00:200/128")),
	}
	return rs
}
