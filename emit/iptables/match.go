package iptables

import (
	"strconv"

	"github.com/fwc-project/fwc/ir"
)

// maxArg is iptables' limit on one argument: a longer address list goes
// into an fwc ipset instead of "-s a,b,...".
const maxArg = 1024

// matches returns the match texts of r in this family. Each alternative is
// one complete match; a packet matches r when it matches one of them, and
// the alternatives never overlap (ports and addresses are merged in the
// IR), so a rule expanded into several lines still acts once per packet.
// No alternatives means r cannot match in this family. ifFlag is "-i" or
// "-o" for host rules and "" where the chain already selects the interface.
func (e *emitter) matches(r ir.Rule, ifFlag string) ([]string, error) {
	if !e.inFamily(r) {
		return nil, nil
	}
	iface := ""
	if ifFlag != "" && r.Iface != "" {
		iface = ifFlag + " " + r.Iface
	}
	src, err := e.addr(r.Src, "src")
	if err != nil || src == nil {
		return nil, err
	}
	dst, err := e.addr(r.Dst, "dst")
	if err != nil || dst == nil {
		return nil, err
	}
	proto := ""
	if r.Proto != "" {
		proto = "-p " + protoArg(r.Proto, r.ProtoNum)
	}
	return product([]string{iface}, src, dst, []string{proto}, e.icmp(r), ports(r.Proto, r.SPort, r.DPort)), nil
}

// inFamily reports whether r can match in this family: its own family and
// that of an ICMP protocol.
func (e *emitter) inFamily(r ir.Rule) bool {
	switch {
	case r.Family == ir.IPv4 || r.Proto == "icmp":
		return !e.v6
	case r.Family == ir.IPv6 || r.Proto == "ipv6-icmp":
		return e.v6
	}
	return true
}

// builtinProtos are the protocol names iptables knows without
// /etc/protocols; others are written as numbers.
var builtinProtos = map[string]bool{
	"tcp": true, "udp": true, "udplite": true, "sctp": true, "dccp": true,
	"icmp": true, "ipv6-icmp": true, "esp": true, "ah": true,
}

func protoArg(name string, num uint8) string {
	if builtinProtos[name] {
		return name
	}
	return strconv.Itoa(int(num))
}

// icmp returns one alternative per ICMP type (iptables matches one type per
// rule).
func (e *emitter) icmp(r ir.Rule) []string {
	if len(r.ICMP) == 0 {
		return []string{""}
	}
	var alts []string
	for _, t := range r.ICMP {
		alts = append(alts, icmpMatch(e.v6, t))
	}
	return alts
}

func icmpMatch(v6 bool, t ir.ICMPType) string {
	s := strconv.Itoa(int(t.Type))
	if t.HasCode {
		s += "/" + strconv.Itoa(int(t.Code))
	}
	if v6 {
		return "-m icmp6 --icmpv6-type " + s
	}
	return "-m icmp --icmp-type " + s
}

// product joins one element of each list, in every combination, in order.
func product(lists ...[]string) []string {
	acc := []string{""}
	for _, l := range lists {
		var next []string
		for _, a := range acc {
			for _, b := range l {
				next = append(next, join(a, b))
			}
		}
		acc = next
	}
	return acc
}

func join(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + " " + b
}
