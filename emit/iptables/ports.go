package iptables

import (
	"strconv"
	"strings"

	"github.com/fwc-project/fwc/ir"
)

// maxMultiport is the multiport match's capacity: 15 slots, a range
// taking two. Longer port lists are split into several rules.
const maxMultiport = 15

// singlePortMatch lists the protocols with their own match for one port or
// range ("-m tcp --dport 22"); other protocols use multiport throughout.
var singlePortMatch = map[string]bool{"tcp": true, "udp": true, "sctp": true, "dccp": true}

// ports returns the alternatives matching sport and dport for proto.
func ports(proto string, sport, dport []ir.PortRange) []string {
	var single []string
	sAlts, dAlts := []string{""}, []string{""}
	if len(sport) == 1 && singlePortMatch[proto] {
		single = append(single, "--sport "+portRange(sport[0]))
	} else if len(sport) > 0 {
		sAlts = multiport("--sports", sport)
	}
	if len(dport) == 1 && singlePortMatch[proto] {
		single = append(single, "--dport "+portRange(dport[0]))
	} else if len(dport) > 0 {
		dAlts = multiport("--dports", dport)
	}
	head := ""
	if len(single) > 0 {
		head = "-m " + proto + " " + strings.Join(single, " ")
	}
	return product([]string{head}, sAlts, dAlts)
}

// multiport packs the ranges into as few multiport matches as fit.
func multiport(flag string, rs []ir.PortRange) []string {
	var alts, cur []string
	used := 0
	for _, r := range rs {
		n := 1
		if r.Lo != r.Hi {
			n = 2
		}
		if used+n > maxMultiport {
			alts = append(alts, "-m multiport "+flag+" "+strings.Join(cur, ","))
			cur, used = nil, 0
		}
		cur = append(cur, portRange(r))
		used += n
	}
	return append(alts, "-m multiport "+flag+" "+strings.Join(cur, ","))
}

func portRange(r ir.PortRange) string {
	if r.Lo == r.Hi {
		return itoa(int(r.Lo))
	}
	return itoa(int(r.Lo)) + ":" + itoa(int(r.Hi))
}

func itoa(i int) string { return strconv.Itoa(i) }
