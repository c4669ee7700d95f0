package netdb

import "strconv"

// protocol is one line of /etc/protocols: primary name and number.
type protocol struct {
	name string
	num  uint8
}

// Protocol resolves a -p value the way PVE accepts it: a primary name of
// /etc/protocols (case-sensitive, aliases such as "TCP" are not names there),
// the extra name "icmpv6", or a decimal number that /etc/protocols lists.
// name is the canonical spelling, ProtocolName(num).
//
// Number 0 is listed (as "ip" and "hopopt"); note that iptables reads
// protocol 0 as "any protocol".
func Protocol(s string) (name string, num uint8, ok bool) {
	if s == "icmpv6" {
		return "ipv6-icmp", 58, true
	}
	for _, p := range protocols {
		if p.name == s {
			return ProtocolName(p.num), p.num, true
		}
	}
	n, err := strconv.ParseUint(s, 10, 8)
	if err != nil || strconv.FormatUint(n, 10) != s {
		return "", 0, false
	}
	if name := ProtocolName(uint8(n)); name != "" {
		return name, uint8(n), true
	}
	return "", 0, false
}

// ProtocolName returns the first /etc/protocols name for num, or "" when
// the number is not listed.
func ProtocolName(num uint8) string {
	for _, p := range protocols {
		if p.num == num {
			return p.name
		}
	}
	return ""
}

// HasPorts reports whether the protocol has port numbers: tcp, udp, dccp,
// sctp and udplite.
func HasPorts(num uint8) bool {
	switch num {
	case 6, 17, 33, 132, 136:
		return true
	}
	return false
}
