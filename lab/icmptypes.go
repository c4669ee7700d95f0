package lab

import (
	"fmt"
	"strconv"
	"strings"
)

// icmpTypes and icmpv6Types name ICMP types as nft and PVE spell them.
var (
	icmpTypes = map[string]int{
		"echo-reply": 0, "destination-unreachable": 3, "source-quench": 4, "redirect": 5,
		"echo-request": 8, "router-advertisement": 9, "router-solicitation": 10,
		"time-exceeded": 11, "parameter-problem": 12, "timestamp-request": 13,
		"timestamp-reply": 14, "info-request": 15, "info-reply": 16,
		"address-mask-request": 17, "address-mask-reply": 18,
	}
	icmpv6Types = map[string]int{
		"destination-unreachable": 1, "packet-too-big": 2, "time-exceeded": 3,
		"parameter-problem": 4, "echo-request": 128, "echo-reply": 129,
		"mld-listener-query": 130, "mld-listener-report": 131, "mld-listener-done": 132,
		"nd-router-solicit": 133, "nd-router-advert": 134, "nd-neighbor-solicit": 135,
		"nd-neighbor-advert": 136, "nd-redirect": 137,
	}
)

// parseICMPType reads TYPE[/CODE] after "icmp/": a name or a number.
func parseICMPType(s string, v6 bool) (typ, code int, err error) {
	name, c, hasCode := strings.Cut(s, "/")
	names := icmpTypes
	if v6 {
		names = icmpv6Types
	}
	typ, ok := names[name]
	if !ok {
		n, err := strconv.ParseUint(name, 10, 8)
		if err != nil {
			return 0, 0, fmt.Errorf("unknown ICMP type %q: want a name nft knows or a number", name)
		}
		typ = int(n)
	}
	if hasCode {
		n, err := strconv.ParseUint(c, 10, 8)
		if err != nil {
			return 0, 0, fmt.Errorf("ICMP code %q: want a number from 0 to 255", c)
		}
		code = int(n)
	}
	return typ, code, nil
}

// echoType is the echo request type of the family.
func echoType(v6 bool) int {
	if v6 {
		return 128
	}
	return 8
}
