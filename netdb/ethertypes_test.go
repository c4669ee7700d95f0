package netdb

import "testing"

func TestEthertype(t *testing.T) {
	for in, want := range map[string]uint16{"ARP": 0x0806, "ipv6": 0x86dd, "LLDP": 0x88cc, "0x88B5": 0x88b5, "88b5": 0x88b5, "802_1Q": 0x8100} {
		if got, ok := Ethertype(in); !ok || got != want {
			t.Errorf("Ethertype(%q) = %#x, %v; want %#x", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "nope", "0x05ff", "0x10000", "-1"} {
		if got, ok := Ethertype(in); ok {
			t.Errorf("Ethertype(%q) = %#x, want an error", in, got)
		}
	}
}
