package netdb

import "github.com/fwc-project/fwc/ir"

// icmpName is one -icmp-type name: the type (and code) it stands for, and
// whether PVE accepts it. Names PVE does not know come from the NFT parser
// (nftables keywords and a few extras); fwc accepts both, lint warns.
type icmpName struct {
	name string
	t    ir.ICMPType
	pve  bool
}

func typ(t uint8) ir.ICMPType                  { return ir.ICMPType{Type: t} }
func typCode(t, c uint8) ir.ICMPType           { return ir.ICMPType{Type: t, Code: c, HasCode: true} }
func pveName(n string, t ir.ICMPType) icmpName { return icmpName{n, t, true} }
func cfgName(n string, t ir.ICMPType) icmpName { return icmpName{n, t, false} }

// icmpNames are the IPv4 names: iptables' list as PVE accepts it, then the
// two nftables keywords iptables lacks. "any" is PVE's too but is not a
// type; callers handle it as "no type restriction".
var icmpNames = []icmpName{
	pveName("echo-reply", typ(0)),
	pveName("destination-unreachable", typ(3)),
	pveName("network-unreachable", typCode(3, 0)),
	pveName("host-unreachable", typCode(3, 1)),
	pveName("protocol-unreachable", typCode(3, 2)),
	pveName("port-unreachable", typCode(3, 3)),
	pveName("fragmentation-needed", typCode(3, 4)),
	pveName("source-route-failed", typCode(3, 5)),
	pveName("network-unknown", typCode(3, 6)),
	pveName("host-unknown", typCode(3, 7)),
	pveName("network-prohibited", typCode(3, 9)),
	pveName("host-prohibited", typCode(3, 10)),
	pveName("TOS-network-unreachable", typCode(3, 11)),
	pveName("TOS-host-unreachable", typCode(3, 12)),
	pveName("communication-prohibited", typCode(3, 13)),
	pveName("host-precedence-violation", typCode(3, 14)),
	pveName("precedence-cutoff", typCode(3, 15)),
	pveName("source-quench", typ(4)),
	pveName("redirect", typ(5)),
	pveName("network-redirect", typCode(5, 0)),
	pveName("host-redirect", typCode(5, 1)),
	pveName("TOS-network-redirect", typCode(5, 2)),
	pveName("TOS-host-redirect", typCode(5, 3)),
	pveName("echo-request", typ(8)),
	pveName("router-advertisement", typ(9)),
	pveName("router-solicitation", typ(10)),
	pveName("time-exceeded", typ(11)),
	pveName("ttl-zero-during-transit", typCode(11, 0)),
	pveName("ttl-zero-during-reassembly", typCode(11, 1)),
	pveName("parameter-problem", typ(12)),
	pveName("ip-header-bad", typCode(12, 0)),
	pveName("required-option-missing", typCode(12, 1)),
	pveName("timestamp-request", typ(13)),
	pveName("timestamp-reply", typ(14)),
	pveName("address-mask-request", typ(17)),
	pveName("address-mask-reply", typ(18)),
	cfgName("info-request", typ(15)),
	cfgName("info-reply", typ(16)),
}

// icmpv6Names are the ICMPv6 names: ip6tables' list as PVE accepts it
// (both spellings of neighbour), then the nftables keywords.
var icmpv6Names = []icmpName{
	pveName("destination-unreachable", typ(1)),
	pveName("no-route", typCode(1, 0)),
	pveName("communication-prohibited", typCode(1, 1)),
	pveName("beyond-scope", typCode(1, 2)),
	pveName("address-unreachable", typCode(1, 3)),
	pveName("port-unreachable", typCode(1, 4)),
	pveName("failed-policy", typCode(1, 5)),
	pveName("reject-route", typCode(1, 6)),
	pveName("packet-too-big", typ(2)),
	pveName("time-exceeded", typ(3)),
	pveName("ttl-zero-during-transit", typCode(3, 0)),
	pveName("ttl-zero-during-reassembly", typCode(3, 1)),
	pveName("parameter-problem", typ(4)),
	pveName("bad-header", typCode(4, 0)),
	pveName("unknown-header-type", typCode(4, 1)),
	pveName("unknown-option", typCode(4, 2)),
	pveName("echo-request", typ(128)),
	pveName("echo-reply", typ(129)),
	pveName("router-solicitation", typ(133)),
	pveName("router-advertisement", typ(134)),
	pveName("neighbor-solicitation", typ(135)),
	pveName("neighbour-solicitation", typ(135)),
	pveName("neighbor-advertisement", typ(136)),
	pveName("neighbour-advertisement", typ(136)),
	pveName("redirect", typ(137)),
	cfgName("mld-listener-query", typ(130)),
	cfgName("mld-listener-report", typ(131)),
	cfgName("mld-listener-done", typ(132)),
	cfgName("mld-listener-reduction", typ(132)),
	cfgName("nd-router-solicit", typ(133)),
	cfgName("nd-router-advert", typ(134)),
	cfgName("nd-neighbor-solicit", typ(135)),
	cfgName("nd-neighbor-advert", typ(136)),
	cfgName("nd-redirect", typ(137)),
	cfgName("router-renumbering", typ(138)),
	cfgName("ind-neighbor-solicit", typ(141)),
	cfgName("ind-neighbor-advert", typ(142)),
	cfgName("mld2-listener-report", typ(143)),
}

// nftKeywords are nftables' icmp_type and icmpv6_type symbols, by type.
var (
	nftKeywords = map[uint8]string{
		0: "echo-reply", 3: "destination-unreachable", 4: "source-quench", 5: "redirect",
		8: "echo-request", 9: "router-advertisement", 10: "router-solicitation",
		11: "time-exceeded", 12: "parameter-problem", 13: "timestamp-request",
		14: "timestamp-reply", 15: "info-request", 16: "info-reply",
		17: "address-mask-request", 18: "address-mask-reply",
	}
	nftKeywordsV6 = map[uint8]string{
		1: "destination-unreachable", 2: "packet-too-big", 3: "time-exceeded",
		4: "parameter-problem", 128: "echo-request", 129: "echo-reply",
		130: "mld-listener-query", 131: "mld-listener-report", 132: "mld-listener-done",
		133: "nd-router-solicit", 134: "nd-router-advert", 135: "nd-neighbor-solicit",
		136: "nd-neighbor-advert", 137: "nd-redirect", 138: "router-renumbering",
		141: "ind-neighbor-solicit", 142: "ind-neighbor-advert", 143: "mld2-listener-report",
	}
)

func lookupICMP(v6 bool, name string) (icmpName, bool) {
	names := icmpNames
	if v6 {
		names = icmpv6Names
	}
	for _, n := range names {
		if n.name == name {
			return n, true
		}
	}
	return icmpName{}, false
}

// ICMPType resolves an -icmp-type name of ICMP (v6 false) or ICMPv6 (v6
// true), from PVE's iptables names or nftables' keywords. Names are
// case-sensitive as in iptables. "any" and numbers are not names: callers
// handle them.
func ICMPType(v6 bool, name string) (ir.ICMPType, bool) {
	n, ok := lookupICMP(v6, name)
	return n.t, ok
}

// ICMPTypeInPVE reports whether PVE accepts name as -icmp-type for the
// family, so lint can warn about names only fwc and NFT know. "any" is
// accepted for ICMP only.
func ICMPTypeInPVE(v6 bool, name string) bool {
	if name == "any" {
		return !v6
	}
	n, ok := lookupICMP(v6, name)
	return ok && n.pve
}

// NFTName returns nftables' keyword for a type without a code, or "" when
// there is none (or t has a code) and the emitter must print numbers.
func NFTName(v6 bool, t ir.ICMPType) string {
	if t.HasCode {
		return ""
	}
	if v6 {
		return nftKeywordsV6[t.Type]
	}
	return nftKeywords[t.Type]
}
