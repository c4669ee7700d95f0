package netdb

import (
	"strconv"
	"strings"
)

// ethertypes are the names of Debian's /etc/ethertypes (netbase 6.4), the
// words PVE's layer2_protocols hands to ebtables -p, with their aliases.
var ethertypes = map[string]uint16{
	"ipv4": 0x0800, "ip": 0x0800, "ip4": 0x0800, "x25": 0x0805, "arp": 0x0806, "ether-arp": 0x0806,
	"fr_arp": 0x0808, "bpq": 0x08ff, "trill": 0x22f3, "l2-is-is": 0x22f4, "teb": 0x6558, "raw_fr": 0x6559,
	"rarp": 0x8035, "atalk": 0x809b, "aarp": 0x80f3, "802_1q": 0x8100, "8021q": 0x8100, "1q": 0x8100,
	"802.1q": 0x8100, "dot1q": 0x8100, "ipx": 0x8137, "netbeui": 0x8191, "ipv6": 0x86dd, "ip6": 0x86dd,
	"ppp": 0x880b, "mpls": 0x8847, "mpls_multi": 0x8848, "atmmpoa": 0x884c, "ppp_disc": 0x8863,
	"ppp_ses": 0x8864, "atmfate": 0x8884, "eapol": 0x888e, "s-tag": 0x88a8, "eap_preauth": 0x88c7,
	"lldp": 0x88cc, "macsec": 0x88e5, "pbb": 0x88e7, "macinmac": 0x88e7, "mvrp": 0x88f5, "ptp": 0x88f7,
	"fcoe": 0x8906, "fip": 0x8914, "roce": 0x8915, "lowpan": 0xa0ed,
}

// Ethertype reads an /etc/ethertypes name (any case) or a hexadecimal
// ethertype ("0x88cc" or "88cc", as ebtables takes it) of at least 0x0600.
func Ethertype(s string) (uint16, bool) {
	if t, ok := ethertypes[strings.ToLower(s)]; ok {
		return t, true
	}
	n, err := strconv.ParseUint(strings.TrimPrefix(strings.ToLower(s), "0x"), 16, 16)
	if err != nil || n < 0x0600 {
		return 0, false
	}
	return uint16(n), true
}
