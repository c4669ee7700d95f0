package bench

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

const script = `#!/usr/sbin/nft -f
# comment
table inet fwc {}
delete table inet fwc
table bridge fwc {}
delete table bridge fwc

table inet fwc {
	set v4-dc/office { type ipv4_addr; flags interval; elements = { 10.0.0.0/16, 10.1.0.0/24 } }
	set v6-dc/office { type ipv6_addr; flags interval; }
	chain input {
		type filter hook input priority filter; policy accept;
		iifname "lo" accept
		tcp dport { 22, 8006 } accept
	}
}

table bridge fwc {
	map nics { type ifname : verdict; elements = { "tap100i0" : jump g100, "tap101i0" : jump g101, "tap102i0" : goto { x } } }
	chain g100 {
		ip saddr . tcp dport { 10.0.0.1 . 22 } accept
	}
}
`

func TestCount(t *testing.T) {
	want := Stats{Rules: 3, Chains: 2, Sets: 3, Elements: 5, Anon: 2, Bytes: len(script)}
	if diff := cmp.Diff(want, Count([]byte(script))); diff != "" {
		t.Errorf("Count (-want +got):\n%s", diff)
	}
}

func TestSelect(t *testing.T) {
	tests := []struct {
		family, want string
	}{
		{"inet", `table inet fwc {}
delete table inet fwc
table inet fwc {
	set v4-dc/office { type ipv4_addr; flags interval; elements = { 10.0.0.0/16, 10.1.0.0/24 } }
	set v6-dc/office { type ipv6_addr; flags interval; }
	chain input {
		type filter hook input priority filter; policy accept;
		iifname "lo" accept
		tcp dport { 22, 8006 } accept
	}
}
`},
		{"bridge", `table bridge fwc {}
delete table bridge fwc
table bridge fwc {
	map nics { type ifname : verdict; elements = { "tap100i0" : jump g100, "tap101i0" : jump g101, "tap102i0" : goto { x } } }
	chain g100 {
		ip saddr . tcp dport { 10.0.0.1 . 22 } accept
	}
}
`},
		{"ip", ""},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, string(Select([]byte(script), tt.family))); diff != "" {
			t.Errorf("Select(%s) (-want +got):\n%s", tt.family, diff)
		}
	}
}
