package plan

import (
	"net/netip"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/fwc-project/fwc/ir"
)

// addrs compares netip values by value.
var addrs = cmpopts.EquateComparable(netip.Prefix{}, netip.Addr{})

func TestSharedSets(t *testing.T) {
	web := Port{Proto: protoTCP, Side: Dst, Ranges: ports(80, 443)}
	five := Port{Side: Dst, Ranges: ports(1, 2, 3, 4, 5)}
	nets := Addr{Side: Src, Prefixes: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.168.0.0/16")}}
	nets6 := Addr{Side: Dst, V6: true, Prefixes: []netip.Prefix{netip.MustParsePrefix("fd00::/8"), netip.MustParsePrefix("fe80::/10")}}
	ranged := Addr{Side: Src, Prefixes: nets.Prefixes, Ranges: []ir.AddrRange{{From: netip.MustParseAddr("10.1.0.1"), To: netip.MustParseAddr("10.1.0.9")}}}
	webSet := &Set{Name: "ports-1", Type: []DataType{TypeService}, Ports: web.Ranges}
	for _, tc := range []struct {
		name     string
		sets     []*Set   // before
		rules    [][]Cond // one rule each, in one chain
		want     [][]Cond
		wantSets []*Set // after
	}{{
		name:     "a list used twice becomes one set",
		rules:    [][]Cond{{web}, {Iface{Name: "eth0"}, web}},
		want:     [][]Cond{{PortInSet{Proto: protoTCP, Side: Dst, Set: "ports-1"}}, {Iface{Name: "eth0"}, PortInSet{Proto: protoTCP, Side: Dst, Set: "ports-1"}}},
		wantSets: []*Set{webSet},
	}, {
		name:  "a short list used once stays",
		rules: [][]Cond{{web}, {nets}},
		want:  [][]Cond{{web}, {nets}},
	}, {
		name:     "a long list used once becomes a set",
		rules:    [][]Cond{{five}},
		want:     [][]Cond{{PortInSet{Side: Dst, Set: "ports-1"}}},
		wantSets: []*Set{{Name: "ports-1", Type: []DataType{TypeService}, Ports: five.Ranges}},
	}, {
		name:  "single values and address ranges stay",
		rules: [][]Cond{{Port{Side: Dst, Ranges: ports(22)}}, {Port{Side: Dst, Ranges: ports(22)}}, {ranged}, {ranged}},
		want:  [][]Cond{{Port{Side: Dst, Ranges: ports(22)}}, {Port{Side: Dst, Ranges: ports(22)}}, {ranged}, {ranged}},
	}, {
		name:  "address lists by family, the side stays in the rule",
		rules: [][]Cond{{nets}, {Addr{Side: Dst, Prefixes: nets.Prefixes}}, {nets6}, {nets6}},
		want: [][]Cond{{AddrInSet{Side: Src, Set: "v4-list-1"}}, {AddrInSet{Side: Dst, Set: "v4-list-1"}},
			{AddrInSet{Side: Dst, V6: true, Set: "v6-list-1"}}, {AddrInSet{Side: Dst, V6: true, Set: "v6-list-1"}}},
		wantSets: []*Set{
			{Name: "v4-list-1", Type: []DataType{TypeIPv4Addr}, Prefixes: nets.Prefixes},
			{Name: "v6-list-1", Type: []DataType{TypeIPv6Addr}, Prefixes: nets6.Prefixes},
		},
	}, {
		name:     "names the table has are skipped",
		sets:     []*Set{{Name: "ports-1", Type: []DataType{TypeIfName}}},
		rules:    [][]Cond{{web}, {web}},
		want:     [][]Cond{{PortInSet{Proto: protoTCP, Side: Dst, Set: "ports-2"}}, {PortInSet{Proto: protoTCP, Side: Dst, Set: "ports-2"}}},
		wantSets: []*Set{{Name: "ports-1", Type: []DataType{TypeIfName}}, {Name: "ports-2", Type: []DataType{TypeService}, Ports: web.Ranges}},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			c := &Chain{Name: "c"}
			before := slices.Clone(tc.rules[0]) // the rule shares this slice
			for _, m := range tc.rules {
				c.add(Origin{}, Accept{}, m...)
			}
			tab := &Table{Sets: tc.sets, Chains: []*Chain{c}}
			SharedSets(tab)
			var got [][]Cond
			for _, r := range c.Rules {
				got = append(got, r.Match)
			}
			if diff := cmp.Diff(tc.want, got, addrs); diff != "" {
				t.Errorf("rules (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantSets, tab.Sets, addrs); diff != "" {
				t.Errorf("sets (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(before, tc.rules[0], addrs); diff != "" {
				t.Errorf("the input match slice changed:\n%s", diff)
			}
		})
	}
}
