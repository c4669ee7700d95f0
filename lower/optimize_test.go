package lower

import (
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/fwc-project/fwc/ir"
)

func at(line int) ir.Pos { return ir.Pos{Filename: "t.fw", Line: line, Column: 1} }

func tcp(line int, verdict ir.Verdict, ports ...uint16) ir.Rule {
	r := ir.Rule{Pos: at(line), Proto: "tcp", ProtoNum: 6, Verdict: verdict}
	for _, p := range ports {
		r.DPort = append(r.DPort, pr(p, p))
	}
	return r
}

func withSrc(r ir.Rule, cidr string) ir.Rule {
	r.Src = ir.Addr{Prefixes: []netip.Prefix{netip.MustParsePrefix(cidr)}}
	r.Family = ir.IPv4
	return r
}

func withFrom(r ir.Rule, lines ...int) ir.Rule {
	for _, l := range lines {
		r.From = append(r.From, at(l))
	}
	return r
}

var cmpRules = cmpopts.EquateComparable(netip.Prefix{}, netip.Addr{})

func TestPasses(t *testing.T) {
	tests := []struct {
		name string
		pass func([]ir.Rule) []ir.Rule
		in   []ir.Rule
		want []ir.Rule
	}{
		{"dedupe keeps the first", dedupe,
			[]ir.Rule{tcp(1, ir.Accept, 22), tcp(2, ir.Drop, 22), tcp(3, ir.Accept, 23)},
			[]ir.Rule{tcp(1, ir.Accept, 22), tcp(3, ir.Accept, 23)}},
		{"dedupe keeps a rule after a group with the same match", dedupe,
			[]ir.Rule{{Pos: at(1), Verdict: ir.Jump, Group: "g"}, {Pos: at(2), Verdict: ir.Drop}, {Pos: at(3), Verdict: ir.Jump, Group: "g"}},
			[]ir.Rule{{Pos: at(1), Verdict: ir.Jump, Group: "g"}, {Pos: at(2), Verdict: ir.Drop}}},
		{"merge adjacent ports", merge,
			[]ir.Rule{tcp(1, ir.Accept, 22), tcp(2, ir.Accept, 80), tcp(3, ir.Accept, 443)},
			[]ir.Rule{withFrom(tcp(1, ir.Accept, 22, 80, 443), 2, 3)}},
		{"no merge across a different verdict", merge,
			[]ir.Rule{tcp(1, ir.Accept, 22), tcp(2, ir.Drop, 80), tcp(3, ir.Accept, 443)},
			[]ir.Rule{tcp(1, ir.Accept, 22), tcp(2, ir.Drop, 80), tcp(3, ir.Accept, 443)}},
		{"no merge of any-port with a port", merge,
			[]ir.Rule{tcp(1, ir.Accept), tcp(2, ir.Accept, 80)},
			[]ir.Rule{tcp(1, ir.Accept), tcp(2, ir.Accept, 80)}},
		{"no merge when two dimensions differ", merge,
			[]ir.Rule{withSrc(tcp(1, ir.Accept, 22), "10.0.0.0/8"), withSrc(tcp(2, ir.Accept, 80), "10.1.0.0/16")},
			[]ir.Rule{withSrc(tcp(1, ir.Accept, 22), "10.0.0.0/8"), withSrc(tcp(2, ir.Accept, 80), "10.1.0.0/16")}},
		{"merge addresses with CIDR merging", merge,
			[]ir.Rule{withSrc(tcp(1, ir.Accept, 22), "10.0.0.0/25"), withSrc(tcp(2, ir.Accept, 22), "10.0.0.128/25")},
			[]ir.Rule{withFrom(withSrc(tcp(1, ir.Accept, 22), "10.0.0.0/24"), 2)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.pass(tc.in)
			if diff := cmp.Diff(tc.want, got, cmpRules); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if again := tc.pass(got); !cmp.Equal(got, again, cmpRules) {
				t.Errorf("pass is not idempotent:\n%s", cmp.Diff(got, again, cmpRules))
			}
		})
	}
}
