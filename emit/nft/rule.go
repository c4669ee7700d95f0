package nft

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/fwc-project/fwc/ir"
	"github.com/fwc-project/fwc/netdb"
)

// dialect is how one chain spells what depends on its table and hook.
type dialect struct {
	bridge bool   // bridge table: `meta protocol` pins the family, no fib
	accept string // "accept", or accept plus the unicast mark (guest.go)
	reject string // "jump do-reject", or "drop" where the kernel cannot reject
	late   bool   // IN rules of the postrouting path: groups use their -late chains
	vmid   int    // VMID in log prefixes: 0 for the host and for groups
	chain  string // chain name in log prefixes
}

// hostDialect is the dialect of the inet table's chains.
func hostDialect(chain string) dialect {
	return dialect{accept: "accept", reject: "jump do-reject", chain: chain}
}

// verdict spells r's verdict; dir picks a group's chain.
func (d dialect) verdict(r ir.Rule, dir ir.Direction) string {
	switch r.Verdict {
	case ir.Accept:
		return d.accept
	case ir.Drop:
		return "drop"
	case ir.Reject:
		return d.reject
	case ir.Jump:
		return "jump " + groupChain(r.Group, dir, d.late)
	}
	panic(fmt.Sprintf("nft: bad verdict %d", int(r.Verdict)))
}

// variant tells the guest IN dialects apart in the names of shared
// chains: "-in" marks accepts, "-late" cannot reject.
func (d dialect) variant() string {
	switch {
	case d.late:
		return "-late"
	case d.accept != "accept":
		return "-in"
	}
	return ""
}

// family is the match that pins a family where nothing else does.
func (d dialect) family(f ir.Family) string {
	switch {
	case d.bridge && f == ir.IPv4:
		return "meta protocol ip"
	case d.bridge && f == ir.IPv6:
		return "meta protocol ip6"
	case f == ir.IPv4:
		return "meta nfproto ipv4"
	case f == ir.IPv6:
		return "meta nfproto ipv6"
	}
	panic("nft: no family to pin")
}

// ctGuard keeps ARP away from conntrack matches in the bridge table: a
// frame without a conntrack entry reads as invalid, and ARP must pass.
// Other non-IP frames do read as invalid and are dropped with invalid
// packets (as NFT does), unless nf_conntrack_allow_invalid is set.
func (d dialect) ctGuard() string {
	if d.bridge {
		return "meta protocol != arp"
	}
	return ""
}

// groupChain names a security group's chain for one direction; late is the
// postrouting variant of IN chains in the bridge table.
func groupChain(name string, dir ir.Direction, late bool) string {
	s := "group-" + ident(name) + "-" + dir.String()
	if late {
		s += "-late"
	}
	return s
}

// addRule appends r to c: per family copy and ICMP alternative a log rule
// (when r logs) with the same matches, then the verdict rule. ifaceKey is
// "iifname" or "oifname" for r.Iface, or "" where the chain has no
// interface match to make.
func (e *emitter) addRule(c *chain, r ir.Rule, dir ir.Direction, ifaceKey string, d dialect) {
	for _, a := range []ir.Addr{r.Src, r.Dst} {
		if a.Set != "" {
			c.t.useSet(a.Set)
		}
	}
	if r.Verdict == ir.Jump {
		c.t.useGroup(groupChain(r.Group, dir, d.late))
	}
	verdict := d.verdict(r, dir)
	comment := ""
	if r.Comment != "" {
		comment = "comment " + quote(r.Comment, maxComment)
	}
	for _, m := range matches(r, ifaceKey, d) {
		if r.Log != ir.NoLog {
			c.add(m, e.logStmt(r.Log, d, r.Verdict.String()+": "))
		}
		c.add(m, verdict, comment)
	}
}

// matches renders r's match part. One rule can need several nft rules: a
// rule matching a named set in both families has an IPv4 and an IPv6 copy
// (each looks up its own set), and ICMP types with codes cannot share one
// type set.
func matches(r ir.Rule, ifaceKey string, d dialect) []string {
	var head []string
	if r.Iface != "" {
		if ifaceKey == "" {
			panic("nft: interface match in a chain without one: " + r.Iface)
		}
		head = append(head, ifaceKey+" "+quote(r.Iface, 0))
	}
	var out []string
	for _, f := range copies(r) {
		addrs := addrMatches(r, f)
		for _, proto := range protoMatches(r) {
			words := slices.Clone(head)
			if f != ir.Any && len(addrs) == 0 {
				words = append(words, d.family(f))
			}
			words = append(words, proto)
			words = append(words, addrs...)
			out = append(out, join(words))
		}
	}
	return out
}

// copies lists the families r is emitted for.
func copies(r ir.Rule) []ir.Family {
	switch {
	case r.Family != ir.Any:
		return []ir.Family{r.Family}
	case r.Src.Set != "" || r.Dst.Set != "":
		return []ir.Family{ir.IPv4, ir.IPv6}
	}
	return []ir.Family{ir.Any}
}

// protoMatches renders protocol, ports and ICMP types; each element is an
// alternative (one nft rule each).
func protoMatches(r ir.Rule) []string {
	if len(r.ICMP) > 0 {
		return icmpMatches(r)
	}
	var w []string
	if r.Proto != "" {
		w = append(w, "meta l4proto "+protoName(r.ProtoNum))
	}
	if len(r.SPort) > 0 {
		w = append(w, "th sport "+ports(r.SPort))
	}
	if len(r.DPort) > 0 {
		w = append(w, "th dport "+ports(r.DPort))
	}
	return []string{join(w)}
}

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

// icmpMatches renders ICMP or ICMPv6 types: one set when no type has a
// code, else one alternative per type.
func icmpMatches(r ir.Rule) []string {
	v6 := r.ProtoNum == 58
	kw := "icmp"
	if v6 {
		kw = "icmpv6"
	}
	if !slices.ContainsFunc(r.ICMP, func(t ir.ICMPType) bool { return t.HasCode }) {
		names := make([]string, len(r.ICMP))
		for i, t := range r.ICMP {
			names[i] = icmpTypeName(v6, t.Type)
		}
		return []string{kw + " type " + anonSet(names)}
	}
	var out []string
	for _, t := range r.ICMP {
		s := kw + " type " + icmpTypeName(v6, t.Type)
		if t.HasCode {
			s += fmt.Sprintf(" %s code %d", kw, t.Code)
		}
		out = append(out, s)
	}
	return out
}

func icmpTypeName(v6 bool, t uint8) string {
	if n := netdb.NFTName(v6, ir.ICMPType{Type: t}); n != "" {
		return n
	}
	return strconv.Itoa(int(t))
}

// ports renders a port list: 80, 8000-8080 or { 80, 443 }.
func ports(ps []ir.PortRange) string {
	var vals []string
	for _, p := range ps {
		vals = append(vals, p.String())
	}
	return anonSet(vals)
}

// addrMatches renders the source and destination matches of the copy f.
func addrMatches(r ir.Rule, f ir.Family) []string {
	var out []string
	if !r.Src.IsZero() {
		out = append(out, addrMatch(r.Src, "saddr", f))
	}
	if !r.Dst.IsZero() {
		out = append(out, addrMatch(r.Dst, "daddr", f))
	}
	return out
}

func addrMatch(a ir.Addr, key string, f ir.Family) string {
	if a.Set != "" {
		return addrKey(f) + " " + key + " @" + setName(f, a.Set)
	}
	var vals []string
	fam := ir.IPv4
	for _, p := range a.Prefixes {
		vals = append(vals, prefix(p))
		fam = familyOf(p.Addr())
	}
	for _, rg := range a.Ranges {
		vals = append(vals, rg.From.String()+"-"+rg.To.String())
		fam = familyOf(rg.From)
	}
	return addrKey(fam) + " " + key + " " + anonSet(vals)
}

func familyOf(a netip.Addr) ir.Family {
	if a.Is4() {
		return ir.IPv4
	}
	return ir.IPv6
}

// addrKey is the payload keyword of a family's addresses.
func addrKey(f ir.Family) string {
	switch f {
	case ir.IPv4:
		return "ip"
	case ir.IPv6:
		return "ip6"
	}
	panic("nft: address match without a family")
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

// join joins the non-empty words with blanks.
func join(words []string) string {
	var w []string
	for _, s := range words {
		if s != "" {
			w = append(w, s)
		}
	}
	return strings.Join(w, " ")
}
