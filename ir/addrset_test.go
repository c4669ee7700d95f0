package ir

import (
	"math/rand/v2"
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func pfx(ss ...string) []netip.Prefix {
	var out []netip.Prefix
	for _, s := range ss {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}

func TestLongestMatch(t *testing.T) {
	e := func(s string, nomatch bool) SetEntry { return SetEntry{netip.MustParsePrefix(s), nomatch} }
	tests := []struct {
		name string
		in   []SetEntry
		want []netip.Prefix
	}{
		{"single", []SetEntry{e("10.0.0.0/8", false)}, pfx("10.0.0.0/8")},
		{"adjacent merge", []SetEntry{e("10.0.0.0/25", false), e("10.0.0.128/25", false)}, pfx("10.0.0.0/24")},
		{"contained", []SetEntry{e("10.0.0.0/24", false), e("10.0.0.5/32", false)}, pfx("10.0.0.0/24")},
		{"nomatch hole", []SetEntry{e("10.0.0.0/30", false), e("10.0.0.1/32", true)}, pfx("10.0.0.0/32", "10.0.0.2/31")},
		{"more specific match inside nomatch", []SetEntry{
			e("10.0.0.0/8", false), e("10.1.0.0/16", true), e("10.1.2.0/24", false),
		}, pfx("10.0.0.0/16", "10.1.2.0/24", "10.2.0.0/15", "10.4.0.0/14", "10.8.0.0/13",
			"10.16.0.0/12", "10.32.0.0/11", "10.64.0.0/10", "10.128.0.0/9")},
		{"nomatch order independent", []SetEntry{e("10.1.0.0/16", true), e("10.0.0.0/15", false)}, pfx("10.0.0.0/16")},
		{"equal length nomatch wins", []SetEntry{e("10.0.0.0/24", true), e("10.0.0.0/24", false)}, nil},
		{"ipv6 link-local rule", []SetEntry{
			e("fe80::/10", true), e("fe80::1/128", false), e("2001:db8::/64", false),
		}, pfx("2001:db8::/64", "fe80::1/128")},
		{"whole space", []SetEntry{e("0.0.0.0/1", false), e("128.0.0.0/1", false)}, pfx("0.0.0.0/0")},
		{"top of space", []SetEntry{e("255.255.255.255/32", false), e("255.255.255.254/32", false)}, pfx("255.255.255.254/31")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := LongestMatch(tc.in)
			if diff := cmp.Diff(tc.want, got, cmpopts.EquateComparable(netip.Prefix{})); diff != "" {
				t.Errorf("LongestMatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSpanPrefixes(t *testing.T) {
	got := SpanPrefixes(netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("10.0.0.10"))
	want := pfx("10.0.0.1/32", "10.0.0.2/31", "10.0.0.4/30", "10.0.0.8/31", "10.0.0.10/32")
	if diff := cmp.Diff(want, got, cmpopts.EquateComparable(netip.Prefix{})); diff != "" {
		t.Errorf("SpanPrefixes (-want +got):\n%s", diff)
	}
}

// TestLongestMatchBruteForce checks LongestMatch against deciding every
// address of a /24 one by one, on random entries.
func TestLongestMatchBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	base := netip.MustParseAddr("10.0.0.0").As4()
	for round := 0; round < 500; round++ {
		var entries []SetEntry
		for i := rng.IntN(8); i >= 0; i-- {
			b := base
			b[3] = byte(rng.IntN(256))
			bits := 24 + rng.IntN(9)
			entries = append(entries, SetEntry{netip.PrefixFrom(netip.AddrFrom4(b), bits).Masked(), rng.IntN(3) == 0})
		}
		got := LongestMatch(entries)
		for x := 0; x < 256; x++ {
			b := base
			b[3] = byte(x)
			a := netip.AddrFrom4(b)
			want, bestBits := false, -1
			for _, e := range entries {
				if e.Prefix.Contains(a) && (e.Prefix.Bits() > bestBits || (e.Prefix.Bits() == bestBits && e.NoMatch)) {
					want, bestBits = !e.NoMatch, e.Prefix.Bits()
				}
			}
			in := false
			for _, p := range got {
				in = in || p.Contains(a)
			}
			if in != want {
				t.Fatalf("round %d: %v: got %v, want %v\nentries %v\nresult %v", round, a, in, want, entries, got)
			}
		}
	}
}
