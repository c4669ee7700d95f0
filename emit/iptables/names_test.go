package iptables

import (
	"fmt"
	"testing"
)

func TestFNV31a(t *testing.T) {
	// Test vectors of pve-format.md §10.4.
	for _, tc := range []struct {
		in   string
		want string
	}{
		{"a", "640C292C"},
		{"abc", "1A47E90B"},
		{"1000-ipfilter-net0-v4", "70A81F3F"},
		{"0-a-very-long-ipset-name-for-hash-v4", "7EB9A377"},
		{"0-a-very-long-ipset-name-for-hash-v6", "B9A69D"},
		{"100-a-longer-name-which-translates-into-fnv-digest-v4", "4ABB0882"},
	} {
		if got := fmt.Sprintf("%X", fnv31a(tc.in)); got != tc.want {
			t.Errorf("fnv31a(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestNames(t *testing.T) {
	for _, tc := range []struct {
		name, got, want string
	}{
		{"short set", setName("dc/management", false), "FWC-0-management-v4"},
		{"guest set", setName("guest-100/ipfilter-net0", true), "FWC-100-ipfilter-net0-v6"},
		{"set at the limit", setName("guest-1000/ipfilter-net0", false), "FWC-1000-ipfilter-net0-v4"},
		{"long set", setName("dc/a-very-long-ipset-name-for-hash", false), "FWC-0-a-very-long-06FC9668"},
		{"long set other family", setName("dc/a-very-long-ipset-name-for-hash", true), "FWC-0-a-very-long-08FC998E"},
		{"chain", chainName("tap100i0-IN"), "FWC-tap100i0-IN"},
		{"long chain", chainName("GROUP-a-very-long-group-name-OUT"), "FWC-GROUP-a-very-lo-040B0032"},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: got %s, want %s", tc.name, tc.got, tc.want)
		}
		max := maxSet
		if tc.name == "chain" || tc.name == "long chain" {
			max = maxChain
		}
		if len(tc.got) > max {
			t.Errorf("%s: %s is longer than %d", tc.name, tc.got, max)
		}
	}
}
