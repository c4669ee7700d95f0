package lower

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/fwc-project/fwc/grammar"
	"github.com/fwc-project/fwc/ir"
	"github.com/fwc-project/fwc/macros"
	"github.com/fwc-project/fwc/netdb"
)

// match is the checked match part of a rule line, before macro expansion.
type match struct {
	proto    string
	protoNum uint8
	hasProto bool
	sport    []ir.PortRange
	dport    []ir.PortRange
	icmp     []ir.ICMPType
	src, dst ir.Addr
	family   ir.Family
	opts     ruleOpts
}

// ruleMatch checks a rule's protocol, ports, ICMP type and addresses.
func (l *lowerer) ruleMatch(o ruleOpts, env ruleEnv) match {
	m := match{opts: o}
	if o.proto != nil {
		m.proto, m.protoNum, m.hasProto = l.checkProto(o.proto)
		m.family = protoFamily(m.protoNum)
	}
	for _, po := range []*grammar.RuleOption{o.dport, o.sport} {
		if po != nil && o.proto == nil {
			l.d.Add(po.Pos, ir.CodeMissingProtocol, "%s needs -p (a rule is never widened to every protocol)", po.Name)
		}
	}
	if m.hasProto {
		m.dport, m.icmp = l.portsOrICMP(o.dport, m.protoNum)
		m.sport, _ = l.portsOrICMP(o.sport, m.protoNum)
		if o.sport != nil && isICMP(m.protoNum) {
			l.d.Add(o.sport.Pos, ir.CodeInvalidPort, "protocol %q does not have ports", m.proto)
		}
	}
	if o.icmpType != nil {
		switch {
		case o.dport != nil:
			l.d.Add(o.icmpType.Pos, ir.CodeInvalidIcmpType, "-icmp-type cannot be combined with -dport")
		case !m.hasProto || !isICMP(m.protoNum):
			l.d.Add(o.icmpType.Pos, ir.CodeInvalidIcmpType, "-icmp-type needs -p icmp, icmpv6 or ipv6-icmp")
		default:
			m.icmp = l.icmpTypes(o.icmpType.Value, o.icmpType.ValuePos, m.protoNum == 58, m.proto)
		}
	}
	var srcFam, dstFam ir.Family
	if o.source != nil {
		m.src, srcFam = l.parseAddr(o.source, env)
	}
	if o.dest != nil {
		m.dst, dstFam = l.parseAddr(o.dest, env)
	}
	fam := m.family
	for i, f := range []ir.Family{srcFam, dstFam} {
		var ok bool
		if fam, ok = joinFamily(fam, f); !ok {
			pos := o.source.ValuePos
			if i == 1 {
				pos = o.dest.ValuePos
			}
			l.d.Add(pos, ir.CodeMixedFamily, "this address is %s but the rule is already %s", f, m.family)
			break
		}
		m.family = fam
	}
	return m
}

// joinFamily combines two family constraints; ok is false when they clash.
func joinFamily(a, b ir.Family) (ir.Family, bool) {
	switch {
	case a == ir.Any:
		return b, true
	case b == ir.Any || a == b:
		return a, true
	}
	return a, false
}

// apply fills base with the match; ok is false when the rule can match
// nothing (never the case without a macro).
func (m match) apply(base ir.Rule) (ir.Rule, bool) {
	base.Proto, base.ProtoNum = m.proto, m.protoNum
	base.SPort, base.DPort, base.ICMP = m.sport, m.dport, m.icmp
	base.Src, base.Dst, base.Family = m.src, m.dst, m.family
	return base, true
}

// expandMacro makes one rule per macro entry. Rule-level values fill what
// an entry leaves open and must agree with what it sets (PVE's apply_macro);
// entries of the other family are left out when the rule pins one.
func (l *lowerer) expandMacro(base ir.Rule, m match, mac macros.Macro, r *grammar.Rule) []ir.Rule {
	base.Macro = mac.Name
	var out []ir.Rule
	conflict := false
	for _, e := range mac.Entries {
		fam, ok := joinFamily(m.family, e.Family)
		if !ok {
			continue
		}
		name, num, ok := netdb.Protocol(e.Proto)
		if !ok {
			panic("lower: macro " + mac.Name + " has unknown protocol " + e.Proto)
		}
		if fam, ok = joinFamily(fam, protoFamily(num)); !ok {
			continue
		}
		if m.hasProto && m.protoNum != num {
			conflict = l.macroConflict(conflict, m.opts.proto, mac, e.Proto)
			continue
		}
		rule := base
		rule.Proto, rule.ProtoNum, rule.Family = name, num, fam
		rule.Src, rule.Dst = m.src, m.dst
		rule.SPort, rule.DPort, rule.ICMP = m.sport, m.dport, m.icmp
		if e.DPort != "" {
			if isICMP(num) {
				t, _ := netdb.ICMPType(num == 58, e.DPort)
				rule.ICMP = []ir.ICMPType{t}
			} else {
				ports, _ := parsePorts(e.DPort)
				if len(m.dport) > 0 && !slices.Equal(m.dport, ports) {
					conflict = l.macroConflict(conflict, m.opts.dport, mac, e.DPort)
					continue
				}
				rule.DPort = ports
			}
		}
		if e.SPort != "" {
			ports, _ := parsePorts(e.SPort)
			if len(m.sport) > 0 && !slices.Equal(m.sport, ports) {
				conflict = l.macroConflict(conflict, m.opts.sport, mac, e.SPort)
				continue
			}
			rule.SPort = ports
		}
		out = append(out, rule)
	}
	if len(out) == 0 && !conflict {
		l.d.Add(r.ActionPos, ir.CodeEmptyMacro, "macro %s has no entries for %s addresses; the rule matches nothing", mac.Name, m.family)
	}
	return out
}

func (l *lowerer) macroConflict(already bool, o *grammar.RuleOption, mac macros.Macro, value string) bool {
	if !already {
		l.d.Add(o.Pos, ir.CodeMacroConflict, "%s %s contradicts macro %s, which sets %q", o.Name, o.Value, mac.Name, value)
	}
	return true
}

// portsOrICMP reads -dport/-sport: ports for port protocols, an ICMP type
// for icmp (PVE's legacy "-p icmp -dport echo-request").
func (l *lowerer) portsOrICMP(o *grammar.RuleOption, proto uint8) ([]ir.PortRange, []ir.ICMPType) {
	if o == nil {
		return nil, nil
	}
	if isICMP(proto) {
		if strings.TrimLeft(o.Name, "-") == "dport" {
			return nil, l.icmpTypes(o.Value, o.ValuePos, proto == 58, netdb.ProtocolName(proto))
		}
		return nil, nil
	}
	if !netdb.HasPorts(proto) {
		l.d.Add(o.Pos, ir.CodeInvalidPort, "protocol %q does not support ports", netdb.ProtocolName(proto))
		return nil, nil
	}
	ports, err := parsePorts(o.Value)
	if err != "" {
		l.d.Add(o.ValuePos, ir.CodeInvalidPort, "%s", err)
	}
	return ports, nil
}

// parsePorts reads "80,443,8000:8080,ssh" into sorted, merged ranges. The
// error is a message, empty when the list is fine.
func parsePorts(s string) ([]ir.PortRange, string) {
	var out []ir.PortRange
	for _, item := range strings.Split(s, ",") {
		if item == "" {
			return nil, fmt.Sprintf("extraneous commas in port list %q", s)
		}
		loS, hiS, isRange := strings.Cut(item, ":")
		lo, ok := portNumber(loS)
		hi := lo
		if ok && isRange {
			hi, ok = portNumber(hiS)
		}
		if !ok {
			return nil, fmt.Sprintf("invalid port %q", item)
		}
		if hi < lo {
			return nil, fmt.Sprintf("backwards range %q not allowed, did you mean '%s:%s'?", item, hiS, loS)
		}
		out = append(out, ir.PortRange{Lo: lo, Hi: hi})
	}
	return mergePorts(out), ""
}

func portNumber(s string) (uint16, bool) {
	if n, err := strconv.ParseUint(s, 10, 16); err == nil {
		return uint16(n), true
	}
	port, _, ok := netdb.Service(s)
	return port, ok
}

// mergePorts sorts ranges and merges overlapping or adjacent ones.
func mergePorts(rs []ir.PortRange) []ir.PortRange {
	slices.SortFunc(rs, func(a, b ir.PortRange) int { return int(a.Lo) - int(b.Lo) })
	var out []ir.PortRange
	for _, r := range rs {
		if n := len(out); n > 0 && uint32(r.Lo) <= uint32(out[n-1].Hi)+1 {
			out[n-1].Hi = max(out[n-1].Hi, r.Hi)
			continue
		}
		out = append(out, r)
	}
	return out
}

// icmpTypes reads a comma list of ICMP type names or numbers; "any" means no
// restriction.
func (l *lowerer) icmpTypes(s string, pos ir.Pos, v6 bool, proto string) []ir.ICMPType {
	if s == "any" {
		return nil
	}
	var out []ir.ICMPType
	for _, item := range strings.Split(s, ",") {
		if n, err := strconv.ParseUint(item, 10, 8); err == nil {
			out = append(out, ir.ICMPType{Type: uint8(n)})
			continue
		}
		t, ok := netdb.ICMPType(v6, item)
		if !ok {
			l.d.Add(pos, ir.CodeInvalidIcmpType, "invalid icmp-type %q for proto %q", item, proto)
			return nil
		}
		out = append(out, t)
	}
	return out
}

// parseAddr reads -source/-dest: an IP set, an alias or a literal list.
func (l *lowerer) parseAddr(o *grammar.RuleOption, env ruleEnv) (ir.Addr, ir.Family) {
	var guest *scope
	if env.guest != nil {
		guest = env.guest.scope
	}
	v := o.Value
	if ref, ok := strings.CutPrefix(v, "+"); ok {
		if is := resolveSet(ref, o.ValuePos, guest, l.dc, &l.d); is != nil {
			return ir.Addr{Set: is.name}, ir.Any
		}
		return ir.Addr{}, ir.Any
	}
	if _, isIP := parseCIDR(v); !isIP && aliasRef.MatchString(v) {
		a := resolveAlias(v, o.ValuePos, guest, l.dc, &l.d)
		if a == nil {
			return ir.Addr{}, ir.Any
		}
		return ir.Addr{Prefixes: []netip.Prefix{a.prefix}, Alias: v}, familyOf(a.prefix.Addr())
	}
	return l.addrList(o)
}

// addrList reads "a,b/24,c-d": addresses, CIDRs (no host bits) and ranges,
// all of one family.
func (l *lowerer) addrList(o *grammar.RuleOption) (ir.Addr, ir.Family) {
	var a ir.Addr
	fam := ir.Any
	for _, item := range strings.Split(o.Value, ",") {
		var itemFam ir.Family
		if from, to, isRange := strings.Cut(item, "-"); isRange {
			lo, err1 := netip.ParseAddr(from)
			hi, err2 := netip.ParseAddr(to)
			switch {
			case err1 != nil || err2 != nil || lo.Is4() != hi.Is4() || lo.Zone() != "" || hi.Zone() != "":
				l.d.Add(o.ValuePos, ir.CodeInvalidAddress, "invalid address range %q", item)
				return ir.Addr{}, ir.Any
			case hi.Less(lo):
				l.d.Add(o.ValuePos, ir.CodeInvalidAddress, "address range %q runs backwards", item)
				return ir.Addr{}, ir.Any
			}
			a.Ranges = append(a.Ranges, ir.AddrRange{From: lo, To: hi})
			itemFam = familyOf(lo)
		} else {
			p, ok := parseCIDR(item)
			switch {
			case item == "":
				l.d.Add(o.ValuePos, ir.CodeInvalidAddress, "extraneous commas in address list %q", o.Value)
				return ir.Addr{}, ir.Any
			case !ok:
				l.d.Add(o.ValuePos, ir.CodeInvalidAddress, "%q is not an IP address, CIDR, range, alias or +ipset", item)
				return ir.Addr{}, ir.Any
			case p.Masked() != p:
				l.d.Add(o.ValuePos, ir.CodeHostBits, "%s has host bits set; did you mean %s?", item, p.Masked())
				return ir.Addr{}, ir.Any
			}
			a.Prefixes = append(a.Prefixes, p)
			itemFam = familyOf(p.Addr())
		}
		var ok bool
		if fam, ok = joinFamily(fam, itemFam); !ok {
			l.d.Add(o.ValuePos, ir.CodeMixedFamily, "address list %q mixes IPv4 and IPv6", o.Value)
			return ir.Addr{}, ir.Any
		}
	}
	return a, fam
}

func familyOf(a netip.Addr) ir.Family {
	if a.Is4() {
		return ir.IPv4
	}
	return ir.IPv6
}
