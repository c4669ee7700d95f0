package ir

import (
	"fmt"
	"strings"
)

// String renders a rule's matches and verdict on one line, for dumps,
// messages and explain output. Positions are left out.
func (r Rule) String() string {
	var b strings.Builder
	add := func(format string, args ...any) {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, format, args...)
	}
	if r.Iface != "" {
		add("iface %s", r.Iface)
	}
	if r.Family != Any {
		add("%s", r.Family)
	}
	if r.Proto != "" {
		add("proto %s", r.Proto)
	}
	if len(r.SPort) > 0 {
		add("sport %s", portsString(r.SPort))
	}
	if len(r.DPort) > 0 {
		add("dport %s", portsString(r.DPort))
	}
	if len(r.ICMP) > 0 {
		add("type %s", icmpString(r.ICMP))
	}
	if !r.Src.IsZero() {
		add("src %s", r.Src)
	}
	if !r.Dst.IsZero() {
		add("dst %s", r.Dst)
	}
	if r.Verdict == Jump {
		add("group %s", r.Group)
	} else {
		add("%s", r.Verdict)
	}
	if r.Log != NoLog {
		add("log %s", r.Log)
	}
	if r.Macro != "" {
		add("macro %s", r.Macro)
	}
	if r.Comment != "" {
		add("# %s", r.Comment)
	}
	return b.String()
}

// String renders an address match: @set or a comma list.
func (a Addr) String() string {
	if a.Set != "" {
		return "@" + a.Set
	}
	var parts []string
	for _, p := range a.Prefixes {
		parts = append(parts, p.String())
	}
	for _, r := range a.Ranges {
		parts = append(parts, r.From.String()+"-"+r.To.String())
	}
	s := strings.Join(parts, ",")
	if a.Alias != "" {
		s += " (alias " + a.Alias + ")"
	}
	return s
}

// String renders a port range as "80" or "8000-8080".
func (p PortRange) String() string {
	if p.Lo == p.Hi {
		return fmt.Sprint(p.Lo)
	}
	return fmt.Sprintf("%d-%d", p.Lo, p.Hi)
}

func portsString(ps []PortRange) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = p.String()
	}
	return strings.Join(parts, ",")
}

func icmpString(ts []ICMPType) string {
	parts := make([]string, len(ts))
	for i, t := range ts {
		parts[i] = fmt.Sprint(t.Type)
		if t.HasCode {
			parts[i] += fmt.Sprintf("/%d", t.Code)
		}
	}
	return strings.Join(parts, ",")
}

// Dump renders a ruleset as stable, indented text: the out/ir golden
// format. Every rule carries the position of its configuration line.
func Dump(rs *Ruleset) string {
	var b strings.Builder
	p := func(indent int, format string, args ...any) {
		b.WriteString(strings.Repeat("  ", indent))
		fmt.Fprintf(&b, format, args...)
		b.WriteByte('\n')
	}
	rules := func(indent int, name string, rs []Rule) {
		if len(rs) == 0 {
			return
		}
		p(indent, "%s:", name)
		for _, r := range rs {
			p(indent+1, "%s: %s", r.Pos, r)
		}
	}
	rl := rs.LogRateLimit
	p(0, "node %q enabled=%v log_ratelimit=%v,%d/%s,burst=%d", rs.Node, rs.Enabled, rl.Enabled, rl.Rate, rl.Unit, rl.Burst)
	h := rs.Host
	p(0, "host enabled=%v policy in=%s out=%s forward=%s", h.Enabled, h.PolicyIn, h.PolicyOut, h.PolicyForward)
	p(1, "log in=%s out=%s forward=%s smurf=%s tcpflags=%s", h.LogIn, h.LogOut, h.LogForward, h.SmurfLog, h.TCPFlagsLog)
	p(1, "ndp=%v nosmurfs=%v tcpflags=%v allow_invalid=%v helpers=%v", h.NDP, h.NoSmurfs, h.TCPFlags, h.AllowInvalid, h.Helpers)
	if h.Synflood != nil {
		p(1, "synflood rate=%d burst=%d", h.Synflood.Rate, h.Synflood.Burst)
	}
	for _, s := range h.Sysctls {
		p(1, "sysctl %s=%d", s.Key, s.Value)
	}
	p(1, "local_network=%v management=%s blacklist=%q corosync=%v", h.LocalNetwork, h.Management, h.Blacklist, h.Corosync)
	if c := h.Cluster; c != nil {
		p(1, "corosync.conf transport=%s multicast=%v", c.Transport, c.Multicast())
		for _, l := range c.Links {
			p(2, "link %d local=%s (%s)", l.Number, l.Local, l.LocalPos)
			for _, peer := range l.Peers {
				p(3, "peer %s %s (%s)", peer.Node, peer.Addr, peer.Pos)
			}
		}
	}
	rules(1, "in", h.In)
	rules(1, "out", h.Out)
	rules(1, "forward", h.Forward)
	for _, g := range rs.Groups {
		if g.Comment != "" {
			p(0, "group %s # %s", g.Name, g.Comment)
		} else {
			p(0, "group %s", g.Name)
		}
		rules(1, "in", g.In)
		rules(1, "out", g.Out)
		rules(1, "forward", g.Forward)
	}
	for _, g := range rs.Guests {
		p(0, "guest %d %s enabled=%v policy in=%s out=%s log in=%s out=%s", g.VMID, g.Kind, g.Enabled, g.PolicyIn, g.PolicyOut, g.LogIn, g.LogOut)
		p(1, "macfilter=%v dhcp=%v ndp=%v radv=%v", g.MACFilter, g.DHCP, g.NDP, g.RAdv)
		for _, n := range g.NICs {
			p(1, "nic net%d %s mac=%s bridge=%s firewall=%v addrs=%v ipfilter=%q", n.Index, n.Iface, n.MAC, n.Bridge, n.Firewall, n.Addrs, n.IPFilter)
		}
		rules(1, "in", g.In)
		rules(1, "out", g.Out)
	}
	for _, s := range rs.Sets {
		p(0, "set %s v4=%v v6=%v", s.Name, s.V4, s.V6)
	}
	return b.String()
}
