package netdb

import (
	"fmt"
	"testing"

	"github.com/fwc-project/fwc/ir"
	"github.com/google/go-cmp/cmp"
)

// spec419 is pve-format.md §4.9's two tables: each name PVE accepts and
// its type ("T") or type and code ("T/C").
var spec419 = map[bool]map[string]string{
	false: {
		"echo-reply": "0", "destination-unreachable": "3", "network-unreachable": "3/0",
		"host-unreachable": "3/1", "protocol-unreachable": "3/2", "port-unreachable": "3/3",
		"fragmentation-needed": "3/4", "source-route-failed": "3/5", "network-unknown": "3/6",
		"host-unknown": "3/7", "network-prohibited": "3/9", "host-prohibited": "3/10",
		"TOS-network-unreachable": "3/11", "TOS-host-unreachable": "3/12",
		"communication-prohibited": "3/13", "host-precedence-violation": "3/14",
		"precedence-cutoff": "3/15", "source-quench": "4", "redirect": "5",
		"network-redirect": "5/0", "host-redirect": "5/1", "TOS-network-redirect": "5/2",
		"TOS-host-redirect": "5/3", "echo-request": "8", "router-advertisement": "9",
		"router-solicitation": "10", "time-exceeded": "11", "ttl-zero-during-transit": "11/0",
		"ttl-zero-during-reassembly": "11/1", "parameter-problem": "12", "ip-header-bad": "12/0",
		"required-option-missing": "12/1", "timestamp-request": "13", "timestamp-reply": "14",
		"address-mask-request": "17", "address-mask-reply": "18",
	},
	true: {
		"destination-unreachable": "1", "no-route": "1/0", "communication-prohibited": "1/1",
		"beyond-scope": "1/2", "address-unreachable": "1/3", "port-unreachable": "1/4",
		"failed-policy": "1/5", "reject-route": "1/6", "packet-too-big": "2", "time-exceeded": "3",
		"ttl-zero-during-transit": "3/0", "ttl-zero-during-reassembly": "3/1",
		"parameter-problem": "4", "bad-header": "4/0", "unknown-header-type": "4/1",
		"unknown-option": "4/2", "echo-request": "128", "echo-reply": "129",
		"router-solicitation": "133", "router-advertisement": "134",
		"neighbor-solicitation": "135", "neighbour-solicitation": "135",
		"neighbor-advertisement": "136", "neighbour-advertisement": "136", "redirect": "137",
	},
}

func format(t ir.ICMPType) string {
	if t.HasCode {
		return fmt.Sprintf("%d/%d", t.Type, t.Code)
	}
	return fmt.Sprint(t.Type)
}

func TestICMPTypeSpec(t *testing.T) {
	for v6, names := range spec419 {
		got := map[string]string{}
		for name := range names {
			if typ, ok := ICMPType(v6, name); ok {
				got[name] = format(typ)
			}
			if !ICMPTypeInPVE(v6, name) {
				t.Errorf("ICMPTypeInPVE(%t, %q) = false", v6, name)
			}
		}
		if diff := cmp.Diff(names, got); diff != "" {
			t.Errorf("v6=%t: ICMPType (-want +got):\n%s", v6, diff)
		}
		pve := 0
		for _, n := range map[bool][]icmpName{false: icmpNames, true: icmpv6Names}[v6] {
			if n.pve {
				pve++
			}
		}
		if pve != len(names) {
			t.Errorf("v6=%t: table marks %d names as PVE's, §4.9 lists %d", v6, pve, len(names))
		}
	}
}

func TestICMPTypeExtras(t *testing.T) {
	tests := []struct {
		v6      bool
		name    string
		want    string // "" = not found
		wantPVE bool
	}{
		{false, "info-request", "15", false},
		{false, "info-reply", "16", false},
		{false, "any", "", true},
		{true, "any", "", false},
		{true, "nd-router-solicit", "133", false},
		{true, "nd-router-advert", "134", false},
		{true, "nd-neighbor-solicit", "135", false},
		{true, "nd-neighbor-advert", "136", false},
		{true, "nd-redirect", "137", false},
		{true, "mld-listener-query", "130", false},
		{true, "mld-listener-report", "131", false},
		{true, "mld-listener-done", "132", false},
		{true, "mld-listener-reduction", "132", false},
		{true, "router-renumbering", "138", false},
		{true, "ind-neighbor-solicit", "141", false},
		{true, "ind-neighbor-advert", "142", false},
		{true, "mld2-listener-report", "143", false},
		{false, "packet-too-big", "", false}, // ICMPv6 only
		{true, "source-quench", "", false},   // ICMP only
		{false, "Echo-Request", "", false},   // case-sensitive
		{false, "tos-host-redirect", "", false},
		{false, "8", "", false}, // numbers are the caller's
	}
	for _, tc := range tests {
		typ, ok := ICMPType(tc.v6, tc.name)
		got := ""
		if ok {
			got = format(typ)
		}
		if got != tc.want {
			t.Errorf("ICMPType(%t, %q) = %q, want %q", tc.v6, tc.name, got, tc.want)
		}
		if pve := ICMPTypeInPVE(tc.v6, tc.name); pve != tc.wantPVE {
			t.Errorf("ICMPTypeInPVE(%t, %q) = %t, want %t", tc.v6, tc.name, pve, tc.wantPVE)
		}
	}
}

func TestNFTName(t *testing.T) {
	tests := []struct {
		v6   bool
		t    ir.ICMPType
		want string
	}{
		{false, ir.ICMPType{Type: 8}, "echo-request"},
		{false, ir.ICMPType{Type: 3}, "destination-unreachable"},
		{false, ir.ICMPType{Type: 3, Code: 4, HasCode: true}, ""},
		{false, ir.ICMPType{Type: 15}, "info-request"},
		{false, ir.ICMPType{Type: 1}, ""},
		{false, ir.ICMPType{Type: 133}, ""},
		{true, ir.ICMPType{Type: 133}, "nd-router-solicit"},
		{true, ir.ICMPType{Type: 134}, "nd-router-advert"},
		{true, ir.ICMPType{Type: 135}, "nd-neighbor-solicit"},
		{true, ir.ICMPType{Type: 136}, "nd-neighbor-advert"},
		{true, ir.ICMPType{Type: 137}, "nd-redirect"},
		{true, ir.ICMPType{Type: 128}, "echo-request"},
		{true, ir.ICMPType{Type: 2}, "packet-too-big"},
		{true, ir.ICMPType{Type: 132}, "mld-listener-done"},
		{true, ir.ICMPType{Type: 1, Code: 6, HasCode: true}, ""},
		{true, ir.ICMPType{Type: 8}, ""},
	}
	for _, tc := range tests {
		if got := NFTName(tc.v6, tc.t); got != tc.want {
			t.Errorf("NFTName(%t, %+v) = %q, want %q", tc.v6, tc.t, got, tc.want)
		}
	}
}

// TestNFTNameRoundTrip checks that every nft keyword names the type of the
// same-named entry in the lookup tables.
func TestNFTNameRoundTrip(t *testing.T) {
	for v6, kw := range map[bool]map[uint8]string{false: nftKeywords, true: nftKeywordsV6} {
		for num, name := range kw {
			typ, ok := ICMPType(v6, name)
			if !ok || typ != (ir.ICMPType{Type: num}) {
				t.Errorf("v6=%t: nft keyword %q for %d resolves to %+v, %t", v6, name, num, typ, ok)
			}
		}
	}
}
