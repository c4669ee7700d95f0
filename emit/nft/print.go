package nft

import (
	"bytes"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"

	"github.com/fwc-project/fwc/ir"
	"github.com/fwc-project/fwc/netdb"
	"github.com/fwc-project/fwc/plan"
)

// printer writes plan elements in nft syntax. It decides nothing about
// what the firewall does: every switch below maps one plan type to its
// spelling.
type printer struct {
	o     Options
	t     *plan.Table
	chain string // the chain being printed, for log prefixes
}

// writeTable prints one table with its declarations and chains straight
// into b, which it grows once by an estimate of the table's size: a large
// cluster's table is tens of megabytes.
func writeTable(b *bytes.Buffer, t *plan.Table, o Options) {
	p := &printer{o: o, t: t}
	n := 0
	for _, c := range t.Chains {
		n += len(c.Rules)
	}
	b.Grow(64*(n+len(t.Sets)+len(t.Maps)) + 32*len(t.Chains))
	b.WriteString("\ntable " + t.Family.String() + " " + ident(t.Name) + " {\n")
	for _, s := range t.Sets {
		line(b, 1, p.set(s))
	}
	for _, m := range t.Maps {
		line(b, 1, p.vmap(m))
	}
	for _, h := range t.Helpers {
		l3 := "inet"
		if h.V4Only {
			l3 = "ip"
		}
		line(b, 1, fmt.Sprintf("ct helper %s { type %q protocol %s; l3proto %s; }", ident(h.Name), h.Type, protoName(h.Proto), l3))
	}
	decls := len(t.Sets)+len(t.Maps)+len(t.Helpers) > 0
	for i, c := range t.Chains {
		if i > 0 || decls {
			b.WriteByte('\n')
		}
		p.chain = c.Name
		line(b, 1, "chain "+ident(c.Name)+" {")
		if c.Hook != nil {
			line(b, 2, "type filter hook "+c.Hook.Name+" priority "+p.priority(c.Hook.Priority)+"; policy accept;")
		}
		for _, r := range c.Rules {
			b.WriteString("\t\t")
			p.writeRule(b, r)
			b.WriteByte('\n')
		}
		line(b, 1, "}")
	}
	b.WriteString("}\n")
}

// line writes s indented by tabs and ends the line.
func line(b *bytes.Buffer, tabs int, s string) {
	b.WriteString("\t\t"[:tabs])
	b.WriteString(s)
	b.WriteByte('\n')
}

// priority spells a base chain priority: nft's name where the family has
// one for it.
func (p *printer) priority(prio int) string {
	if prio == 0 && p.t.Family == plan.Inet {
		return "filter"
	}
	return strconv.Itoa(prio)
}

// set is a one-line set declaration.
func (p *printer) set(s *plan.Set) string {
	typ := p.types(s.Type)
	if s.Dynamic > 0 {
		return fmt.Sprintf("set %s { type %s; flags dynamic,timeout; timeout %ds; }", ident(s.Name), typ, int(s.Dynamic.Seconds()))
	}
	var elems []string
	for _, pf := range s.Prefixes {
		elems = append(elems, prefix(pf))
	}
	for _, pr := range s.Ports {
		elems = append(elems, pr.String())
	}
	for _, tu := range s.Tuples {
		elems = append(elems, p.tuple(s.Type, tu))
	}
	if len(s.Type) == 1 && (s.Type[0] == plan.TypeIPv4Addr || s.Type[0] == plan.TypeIPv6Addr || s.Type[0] == plan.TypeService) {
		typ += "; flags interval" // address sets hold prefixes, port sets ranges
	}
	return decl("set "+ident(s.Name), typ, elems)
}

// vmap is a one-line verdict map declaration.
func (p *printer) vmap(m *plan.Map) string {
	var elems []string
	for _, e := range m.Elems {
		elems = append(elems, p.tuple(m.Type, e.Key)+" : goto "+ident(e.Goto))
	}
	return decl("map "+ident(m.Name), p.types(m.Type)+" : verdict", elems)
}

// decl renders a one-line map or set declaration.
func decl(head, typ string, elems []string) string {
	d := head + " { type " + typ + ";"
	if len(elems) > 0 {
		d += " elements = { " + strings.Join(elems, ", ") + " }"
	}
	return d + " }"
}

var dataTypes = [...]string{plan.TypeIPv4Addr: "ipv4_addr", plan.TypeIPv6Addr: "ipv6_addr", plan.TypeIfName: "ifname", plan.TypeEtherAddr: "ether_addr", plan.TypeService: "inet_service"}

func (p *printer) types(ts []plan.DataType) string {
	s := make([]string, len(ts))
	for i, t := range ts {
		s[i] = dataTypes[t]
	}
	return strings.Join(s, " . ")
}

// tuple spells one element key.
func (p *printer) tuple(ts []plan.DataType, vals []string) string {
	if len(ts) != len(vals) {
		panic("nft: element does not fit its type")
	}
	s := make([]string, len(vals))
	for i, v := range vals {
		switch ts[i] {
		case plan.TypeIfName:
			s[i] = quote(v, 0)
		case plan.TypeEtherAddr:
			s[i] = mac(v)
		default:
			s[i] = prefix(netip.MustParsePrefix(v))
		}
	}
	return strings.Join(s, " . ")
}

// rule spells one rule.
func (p *printer) rule(r *plan.Rule) string {
	var b bytes.Buffer
	p.writeRule(&b, r)
	return b.String()
}

// writeRule writes one rule to b: match, statements, verdict, comment.
func (p *printer) writeRule(b *bytes.Buffer, r *plan.Rule) {
	first := true
	word := func(s string) {
		if s == "" {
			return
		}
		if !first {
			b.WriteByte(' ')
		}
		first = false
		b.WriteString(s)
	}
	for _, c := range r.Match {
		word(p.cond(c))
	}
	for _, s := range r.Stmts {
		word(p.stmt(s))
	}
	if r.Verdict != nil {
		word(p.verdict(r.Verdict))
	}
	if r.Comment != "" {
		word("comment " + quote(r.Comment, maxComment))
	}
}

// cond spells one condition.
func (p *printer) cond(c plan.Cond) string {
	switch c := c.(type) {
	case plan.Protocol:
		return p.protocol(c)
	case plan.Iface:
		return sideWord(c.Side, "iifname", "oifname") + " " + quote(c.Name, 0)
	case plan.L4:
		names := make([]string, len(c.Protos))
		for i, n := range c.Protos {
			names[i] = protoName(n)
		}
		return "meta l4proto " + anonSet(names)
	case plan.Port:
		return portKeyword(c.Proto, c.Side) + " " + ports(c.Ranges)
	case plan.PortInSet:
		return portKeyword(c.Proto, c.Side) + " @" + ident(c.Set)
	case plan.ICMP:
		return icmpMatch(c)
	case plan.ICMPRange:
		return icmpKeyword(c.V6) + " type " + strconv.Itoa(int(c.Lo)) + "-" + strconv.Itoa(int(c.Hi))
	case plan.Addr:
		var vals []string
		for _, pf := range c.Prefixes {
			vals = append(vals, prefix(pf))
		}
		for _, rg := range c.Ranges {
			vals = append(vals, rg.From.String()+"-"+rg.To.String())
		}
		return addrKeyword(c.V6) + " " + sideWord(c.Side, "saddr", "daddr") + " " + anonSet(vals)
	case plan.AddrInSet:
		return addrKeyword(c.V6) + " " + sideWord(c.Side, "saddr", "daddr") + not(c.Not) + " @" + ident(c.Set)
	case plan.AddrType:
		if p.t.Family != plan.Inet {
			panic("nft: fib in a bridge table")
		}
		names := make([]string, len(c.Types))
		for i, t := range c.Types {
			names[i] = routeTypes[t]
		}
		return "fib " + sideWord(c.Side, "saddr", "daddr") + " type " + anonSet(names)
	case plan.PktType:
		names := make([]string, len(c.Types))
		for i, t := range c.Types {
			names[i] = linkTypes[t]
		}
		return "meta pkttype " + anonSet(names)
	case plan.CtState:
		names := make([]string, len(c.States))
		for i, s := range c.States {
			names[i] = ctStates[s]
		}
		return "ct state " + strings.Join(names, ",")
	case plan.TCPFlags:
		op := " == "
		if c.Not {
			op = " != "
		}
		mask := tcpFlags(c.Mask)
		if strings.Contains(mask, "|") {
			mask = "(" + mask + ")"
		}
		return "tcp flags & " + mask + op + tcpFlags(c.Value)
	case plan.EtherAddr:
		return "ether " + sideWord(c.Side, "saddr", "daddr") + not(c.Not) + " " + mac(c.MAC)
	case plan.ARPSenderMAC:
		return "arp saddr ether" + not(c.Not) + " " + mac(c.MAC)
	case plan.ARPSenderInSet:
		return "arp saddr ip" + not(c.Not) + " @" + ident(c.Set)
	case plan.Mark:
		return fmt.Sprintf("meta mark & %s == %s", hex32(c.Mask), hex32(c.Value))
	case plan.InSet:
		return keys(c.Keys) + " @" + ident(c.Set)
	case plan.EtherType:
		p.bridgeOnly(c)
		return "ether type" + not(c.Not) + " " + anonSet(etherTypes(c.Types))
	case plan.VLANType:
		p.bridgeOnly(c)
		return "vlan type " + anonSet(etherTypes(c.Types))
	case plan.VLANID:
		p.bridgeOnly(c)
		var ids []string
		for _, r := range c.Ranges {
			if r.Lo == r.Hi {
				ids = append(ids, strconv.Itoa(r.Lo))
			} else {
				ids = append(ids, fmt.Sprintf("%d-%d", r.Lo, r.Hi))
			}
		}
		return "vlan id" + not(c.Not) + " " + anonSet(ids)
	case plan.InnerProtocol:
		p.bridgeOnly(c)
		return "meta protocol" + not(c.Not) + " " + anonSet(etherTypes(c.Types))
	case plan.IP6NextHdr:
		return "ip6 nexthdr" + not(c.Not) + " " + protoName(c.Proto)
	case plan.IP6Length:
		if c.Lo == c.Hi {
			return fmt.Sprintf("ip6 length %d", c.Lo)
		}
		return fmt.Sprintf("ip6 length %d-%d", c.Lo, c.Hi)
	case plan.Transport:
		return fmt.Sprintf("@th,%d,%d", c.Offset, c.Bits) + not(c.Not) + " " + anonSet(c.Values)
	case plan.SourceRate:
		key := addrKeyword(c.V6) + " saddr"
		if full := 32; c.V6 && c.Bits < 128 || !c.V6 && c.Bits < full {
			key += " & " + mask(c.V6, c.Bits)
		}
		lim := fmt.Sprintf("limit rate over %d/second", c.Rate)
		if c.Burst > 0 {
			lim += fmt.Sprintf(" burst %d packets", c.Burst)
		}
		return "update @" + ident(c.Set) + " { " + key + " " + lim + " }"
	}
	panic(fmt.Sprintf("nft: unknown condition %T", c))
}

// stmt spells one statement.
func (p *printer) stmt(s plan.Stmt) string {
	switch s := s.(type) {
	case plan.Limit:
		l := fmt.Sprintf("limit rate %d/%s", s.Rate, s.Unit)
		// nft refuses burst 0; without a burst it uses 5, as iptables
		// does when PVE leaves --limit-burst out for 0.
		if s.Burst > 0 {
			l += fmt.Sprintf(" burst %d packets", s.Burst)
		}
		return l
	case plan.Log:
		prefix := fmt.Sprintf(":%d:%d:%s: %s", s.VMID, s.Level.ID(), p.chain, s.Msg)
		l := "log prefix " + quotePrefix(prefix)
		if p.o.KernelLog {
			return l + " level " + kernelLevels[s.Level]
		}
		return l + fmt.Sprintf(" group %d", p.o.LogGroup)
	case plan.SetMark:
		return "meta mark set meta mark | " + hex32(s.Bits)
	case plan.SetHelper:
		return fmt.Sprintf("ct helper set %q", s.Helper)
	}
	panic(fmt.Sprintf("nft: unknown statement %T", s))
}

// verdict spells one verdict.
func (p *printer) verdict(v plan.Verdict) string {
	switch v := v.(type) {
	case plan.Accept:
		return "accept"
	case plan.Drop:
		return "drop"
	case plan.Reject:
		return "reject with " + rejectKinds[v.With]
	case plan.Jump:
		return "jump " + ident(v.Chain)
	case plan.Goto:
		return "goto " + ident(v.Chain)
	case plan.Return:
		return "return"
	case plan.VMap:
		return keys(v.Keys) + " vmap @" + ident(v.Map)
	}
	panic(fmt.Sprintf("nft: unknown verdict %T", v))
}

// The nft words of plan enumerations.
var (
	routeTypes  = [...]string{plan.Broadcast: "broadcast", plan.Multicast: "multicast", plan.Anycast: "anycast"}
	linkTypes   = [...]string{plan.LinkHost: "host", plan.LinkBroadcast: "broadcast", plan.LinkMulticast: "multicast"}
	ctStates    = [...]string{plan.StateNew: "new", plan.StateEstablished: "established", plan.StateRelated: "related", plan.StateInvalid: "invalid"}
	rejectKinds = [...]string{plan.TCPReset: "tcp reset", plan.PortUnreachable: "icmpx port-unreachable", plan.HostProhibited: "icmp host-prohibited", plan.AdminProhibited: "icmpv6 admin-prohibited"}
	keyWords    = [...]string{plan.KeyIIFName: "iifname", plan.KeyOIFName: "oifname", plan.KeyBridge: "meta ibrname", plan.KeyEtherDst: "ether daddr"}
	flagNames   = []struct {
		f    plan.Flags
		name string
	}{{plan.FIN, "fin"}, {plan.SYN, "syn"}, {plan.RST, "rst"}, {plan.PSH, "psh"}, {plan.ACK, "ack"}, {plan.URG, "urg"}}
)

// bridgeOnly refuses a condition the inet family cannot express.
func (p *printer) bridgeOnly(c plan.Cond) {
	if p.t.Family != plan.Bridge {
		panic(fmt.Sprintf("nft: %T in an inet table", c))
	}
}

// etherTypes spells ethertypes: nft's names for IP, ARP and VLAN tags,
// hexadecimal numbers for the others.
func etherTypes(ts []uint16) []string {
	names := map[uint16]string{plan.EtherIPv4: "ip", plan.EtherIPv6: "ip6", plan.EtherARP: "arp", plan.EtherVLAN: "8021q", plan.EtherQinQ: "8021ad"}
	out := make([]string, len(ts))
	for i, t := range ts {
		if n, ok := names[t]; ok {
			out[i] = n
		} else {
			out[i] = fmt.Sprintf("0x%04x", t)
		}
	}
	return out
}

// protocol pins a network protocol: nfproto in the inet table, the
// ethertype in the bridge table.
func (p *printer) protocol(c plan.Protocol) string {
	var kw, name string
	switch {
	case p.t.Family == plan.Bridge:
		kw, name = "meta protocol", [...]string{plan.IPv4: "ip", plan.IPv6: "ip6", plan.ARP: "arp"}[c.Proto]
	case c.Proto == plan.ARP:
		panic("nft: ARP in the inet table")
	default:
		kw, name = "meta nfproto", [...]string{plan.IPv4: "ipv4", plan.IPv6: "ipv6"}[c.Proto]
	}
	return kw + not(c.Not) + " " + name
}

func sideWord(s plan.Side, src, dst string) string {
	if s == plan.Src {
		return src
	}
	return dst
}

func not(n bool) string {
	if n {
		return " !="
	}
	return ""
}

func keys(ks []plan.Key) string {
	w := make([]string, len(ks))
	for i, k := range ks {
		w[i] = keyWords[k]
	}
	return strings.Join(w, " . ")
}

func tcpFlags(f plan.Flags) string {
	if f == 0 {
		return "0x0"
	}
	var names []string
	for _, n := range flagNames {
		if f&n.f != 0 {
			names = append(names, n.name)
		}
	}
	return strings.Join(names, "|")
}

func hex32(v uint32) string { return fmt.Sprintf("0x%08x", v) }

// mask is the address mask of a prefix length.
func mask(v6 bool, bits int) string {
	n := 4
	if v6 {
		n = 16
	}
	b := make([]byte, n)
	for i := range bits {
		b[i/8] |= 0x80 >> (i % 8)
	}
	a, _ := netip.AddrFromSlice(b)
	return a.String()
}

func addrKeyword(v6 bool) string {
	if v6 {
		return "ip6"
	}
	return "ip"
}

func icmpKeyword(v6 bool) string {
	if v6 {
		return "icmpv6"
	}
	return "icmp"
}

// icmpMatch spells ICMP types: a type with its code, or a set of types.
func icmpMatch(c plan.ICMP) string {
	kw := icmpKeyword(c.V6)
	if len(c.Types) == 1 && c.Types[0].HasCode {
		t := c.Types[0]
		return fmt.Sprintf("%s type %s %s code %d", kw, icmpTypeName(c.V6, t.Type), kw, t.Code)
	}
	names := make([]string, len(c.Types))
	for i, t := range c.Types {
		if t.HasCode {
			panic("nft: ICMP code in a type set")
		}
		names[i] = icmpTypeName(c.V6, t.Type)
	}
	return kw + " type " + anonSet(names)
}

// kernelLevels are nft's names of the syslog levels, indexed by ir.LogLevel.
var kernelLevels = [...]string{"", "emerg", "alert", "crit", "err", "warn", "notice", "info", "debug"}

// protoKeywords are the protocols nft's grammar knows as keywords. Others
// are written as numbers, so the script does not depend on the loading
// host's /etc/protocols.
var protoKeywords = map[uint8]string{
	1: "icmp", 2: "igmp", 6: "tcp", 17: "udp", 33: "dccp", 50: "esp",
	51: "ah", 58: "icmpv6", 108: "comp", 132: "sctp", 136: "udplite",
}

func protoName(n uint8) string {
	if s, ok := protoKeywords[n]; ok {
		return s
	}
	return strconv.Itoa(int(n))
}

func icmpTypeName(v6 bool, t uint8) string {
	if n := netdb.NFTName(v6, ir.ICMPType{Type: t}); n != "" {
		return n
	}
	return strconv.Itoa(int(t))
}

// portKeyword spells the port of proto (0: of the rule's protocol).
func portKeyword(proto uint8, side plan.Side) string {
	kw := "th"
	if proto != 0 {
		kw = protoName(proto)
	}
	return kw + " " + sideWord(side, "sport", "dport")
}

// ports renders a port list: 80, 8000-8080 or { 80, 443 }.
func ports(ps []ir.PortRange) string {
	vals := make([]string, len(ps))
	for i, p := range ps {
		vals[i] = p.String()
	}
	return anonSet(vals)
}

// prefix renders a prefix, a single address without its length.
func prefix(p netip.Prefix) string {
	if p.IsSingleIP() {
		return p.Addr().String()
	}
	return p.Masked().String()
}

// anonSet renders one value as is, several as an anonymous set.
func anonSet(vals []string) string {
	if len(vals) == 1 {
		return vals[0]
	}
	return "{ " + strings.Join(vals, ", ") + " }"
}

// etherAddrLen is the length of a MAC address in bytes.
const etherAddrLen = 6

// mac checks a MAC address written unquoted into the script.
func mac(s string) string {
	if hw, err := net.ParseMAC(s); err != nil || len(hw) != etherAddrLen || hw.String() != s {
		panic("nft: MAC not canonical: " + s)
	}
	return s
}
