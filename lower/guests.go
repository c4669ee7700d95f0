package lower

import (
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"

	"github.com/fwc-project/fwc/ir"
)

// lowerGuest builds one guest: its NICs from the config, its options and
// rules from its .fw file, and its IP sets (appended to rs.Sets).
func (l *lowerer) lowerGuest(in GuestInput, rs *ir.Ruleset) ir.Guest {
	g := ir.Guest{Pos: in.Conf.Pos, VMID: in.Conf.VMID, Kind: in.Conf.Kind}
	for _, n := range in.Conf.NICs {
		g.NICs = append(g.NICs, ir.NIC{
			Pos: n.Pos, Index: n.Index, Iface: ifaceName(g.Kind, g.VMID, n.Index),
			MAC: n.MAC, Bridge: n.Bridge, Firewall: n.Firewall, Addrs: n.Addrs, Gateways: n.Gateways,
			Tag: n.Tag, Trunks: n.Trunks,
		})
	}
	f := in.FW
	if f == nil {
		return g
	}
	g.Pos = ir.Pos{Filename: f.Name}
	s := newScope("guest-" + strconv.Itoa(g.VMID))
	s.addAliases(f, &l.d)
	s.addSets(f, l.dc, &l.d)
	o := collectOptions(f, guestOptions, &l.d)
	g.Enabled = o.boolean("enable", false)
	g.PolicyIn, _ = o.policy("policy_in", ir.Drop, true)
	g.PolicyOut, _ = o.policy("policy_out", ir.Accept, true)
	g.LogIn, g.LogOut = o.logLevel("log_level_in"), o.logLevel("log_level_out")
	g.MACFilter = o.boolean("macfilter", true)
	g.DHCP = o.boolean("dhcp", true)
	g.NDP = o.boolean("ndp", true)
	g.RAdv = o.boolean("radv", false)
	g.L2Protocols = o.ethertypes("layer2_protocols")
	ipfilter := o.boolean("ipfilter", false)
	if o.boolean("ips", false) {
		l.d.Add(o.byKey["ips"].Pos, ir.CodeUnsupported, "ips (Suricata NFQUEUE) is not supported by fwc; traffic is filtered without it")
	}
	env := ruleEnv{kind: envGuest, guest: &guestEnv{vmid: g.VMID, nics: g.NICs, scope: s}}
	for _, r := range f.Rules {
		if res, ok := l.lowerLine(r, env); ok {
			l.appendLowered(res, &g.In, &g.Out, nil)
		}
	}
	l.noteRejects(&g)
	extra := l.ipfilterSets(&g, s, ipfilter)
	rs.Sets = append(rs.Sets, l.setsOf(s, extra)...)
	l.warnUnusedGuest(s)
	return g
}

// ifaceName is the host-side interface of a guest NIC.
func ifaceName(k ir.GuestKind, vmid, index int) string {
	if k == ir.CT {
		return fmt.Sprintf("veth%di%d", vmid, index)
	}
	return fmt.Sprintf("tap%di%d", vmid, index)
}

// ipfilterSets turns on IP anti-spoofing per NIC as PVE does: an explicit
// ipfilter-netN set enables it for that NIC, the ipfilter option for all
// firewalled NICs. Each such set also allows the NIC's EUI-64 link-local
// address (other link-local sources stay out through fe80::/10 nomatch) and,
// for containers, the configured addresses. It returns the entries to add,
// by set key, and creates implicit sets in s.
func (l *lowerer) ipfilterSets(g *ir.Guest, s *scope, option bool) map[string][]ir.SetEntry {
	extra := map[string][]ir.SetEntry{}
	for i := range g.NICs {
		n := &g.NICs[i]
		key := "ipfilter-net" + strconv.Itoa(n.Index)
		set, explicit := s.sets[key]
		if !n.Firewall || (!explicit && !option) {
			continue
		}
		if !explicit {
			set = &ipset{name: s.label + "/" + key}
			s.sets[key] = set
			s.order = append(s.order, key)
		}
		set.used = true
		n.IPFilter = set.name
		var add []ir.SetEntry
		if ll, ok := linkLocal(n.MAC); ok {
			add = append(add, ir.SetEntry{Prefix: netip.PrefixFrom(ll, 128)})
		}
		add = append(add, ir.SetEntry{Prefix: netip.MustParsePrefix("fe80::/10"), NoMatch: true})
		for _, a := range n.Addrs {
			add = append(add, ir.SetEntry{Prefix: netip.PrefixFrom(a.Addr(), a.Addr().BitLen())})
		}
		extra[key] = add
	}
	return extra
}

// linkLocal is the EUI-64 IPv6 link-local address derived from a MAC.
func linkLocal(mac string) (netip.Addr, bool) {
	hw, err := net.ParseMAC(mac)
	if err != nil || len(hw) != 6 {
		return netip.Addr{}, false
	}
	var b [16]byte
	b[0], b[1] = 0xfe, 0x80
	b[8], b[9], b[10] = hw[0]^0x02, hw[1], hw[2]
	b[11], b[12] = 0xff, 0xfe
	b[13], b[14], b[15] = hw[3], hw[4], hw[5]
	return netip.AddrFrom16(b), true
}

// warnUnusedGuest reports a guest's aliases and IP sets nothing refers to.
func (l *lowerer) warnUnusedGuest(s *scope) {
	for _, a := range s.aliases {
		if !a.used {
			l.d.Add(a.def.Pos, ir.CodeUnusedAlias, "alias %q is never used", a.def.Name)
		}
	}
	for _, key := range s.order {
		if set := s.sets[key]; !set.used && set.def != nil && !strings.HasPrefix(key, "ipfilter-net") {
			l.d.Add(set.def.Pos, ir.CodeUnusedIpset, "IP set %q is never used", set.def.Name)
		}
	}
}

// noteRejects points out where REJECT towards a guest can only drop: the
// kernel allows reject in bridge tables only at prerouting, where fwc
// evaluates frames unicast to the NIC's MAC; flooded frames and frames from
// the host itself are filtered later and dropped instead.
func (l *lowerer) noteRejects(g *ir.Guest) {
	for _, r := range g.In {
		if r.Verdict == ir.Reject {
			l.d = append(l.d, ir.Diag(r.Pos, ir.CodeRejectDegrades, "REJECT towards a guest rejects frames unicast to the NIC; broadcast, multicast, unknown-destination and host-originated traffic is dropped instead"))
		}
	}
}
