package eval

import (
	"net/netip"
	"slices"
	"testing"

	"github.com/fwc-project/fwc/ir"
	"github.com/fwc-project/fwc/plan"
)

// TestEveryPlanType evaluates a rule with every condition, statement and
// verdict type of the plan: a type the evaluator does not know panics.
func TestEveryPlanType(t *testing.T) {
	tab := &plan.Table{
		Family: plan.Inet, Name: "fwc",
		Sets: []*plan.Set{
			{Name: "v4-s", Type: []plan.DataType{plan.TypeIPv4Addr}, Prefixes: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}},
			{Name: "s", Type: []plan.DataType{plan.TypeIfName, plan.TypeEtherAddr}, Tuples: [][]string{{"eth0", "02:00:00:00:00:01"}}},
			{Name: "ports-1", Type: []plan.DataType{plan.TypeService}, Ports: []ir.PortRange{{Lo: 22, Hi: 22}}},
		},
		Maps:   []*plan.Map{{Name: "m", Type: []plan.DataType{plan.TypeIfName}, Elems: []plan.MapElem{{Key: []string{"eth0"}, Goto: "c"}}}},
		Chains: []*plan.Chain{{Name: "c"}},
	}
	p := Packet{Proto: plan.IPv4, Src: netip.MustParseAddr("10.0.0.1"), Dst: netip.MustParseAddr("10.0.0.2"), L4: protoTCP, IIF: "eth0"}
	try := func(what any, f func()) {
		t.Helper()
		defer func() {
			if r := recover(); r != nil {
				t.Errorf("%T: %v", what, r)
			}
		}()
		f()
	}
	for _, c := range plan.AllConds {
		try(c, func() { holds(tab, c, &p) })
	}
	for _, s := range plan.AllStmts {
		try(s, func() { apply(s, p) })
	}
	for _, v := range plan.AllVerdicts {
		try(v, func() {
			start := &plan.Chain{Name: "start", Rules: []*plan.Rule{{Verdict: v}}}
			run(tab, start, p)
		})
	}
}

// TestChainSemantics checks jump, goto, return, verdict maps, marks and
// meters on a small hand-made table.
func TestChainSemantics(t *testing.T) {
	tcp22 := []plan.Cond{plan.PortInSet{Proto: protoTCP, Side: plan.Dst, Set: "ssh"}}
	meter := plan.SourceRate{Set: "m", Bits: 32, Rate: 1}
	tab := &plan.Table{
		Family: plan.Inet, Name: "fwc",
		Sets: []*plan.Set{{Name: "ssh", Type: []plan.DataType{plan.TypeService}, Ports: []ir.PortRange{{Lo: 20, Hi: 22}}}},
		Maps: []*plan.Map{{Name: "by-if", Type: []plan.DataType{plan.TypeIfName}, Elems: []plan.MapElem{{Key: []string{"eth1"}, Goto: "gone"}}}},
		Chains: []*plan.Chain{
			{Name: "in", Hook: &plan.Hook{Name: "input"}, Rules: []*plan.Rule{
				{Verdict: plan.VMap{Keys: []plan.Key{plan.KeyIIFName}, Map: "by-if"}},
				{Match: []plan.Cond{plan.SynAlone, meter}, Verdict: plan.Drop{}},
				{Verdict: plan.Jump{Chain: "sub"}},
				{Match: []plan.Cond{plan.Mark{Mask: 1, Value: 1}}, Verdict: plan.Accept{}},
				{Verdict: plan.Reject{With: plan.TCPReset}},
			}},
			{Name: "late", Hook: &plan.Hook{Name: "input", Priority: 10}, Rules: []*plan.Rule{{Verdict: plan.Drop{}}}},
			{Name: "sub", Rules: []*plan.Rule{
				{Match: tcp22, Verdict: plan.Goto{Chain: "mark"}},
				{Verdict: plan.Return{}},
				{Verdict: plan.Drop{}},
			}},
			{Name: "mark", Rules: []*plan.Rule{{Stmts: []plan.Stmt{plan.SetMark{Bits: 1}}}}},
			{Name: "gone", Rules: []*plan.Rule{{Verdict: plan.Drop{}}}},
		},
	}
	p := &plan.Plan{Tables: []*plan.Table{tab}}
	syn := func(dport uint16, iif string) Packet {
		return Packet{Proto: plan.IPv4, L4: protoTCP, DPort: dport, Flags: plan.SYN, IIF: iif}
	}
	tests := []struct {
		name   string
		pkt    Packet
		want   plan.Verdict
		trail  []string // chain names of the steps; "-" after a chain's end
		meters int
	}{
		// sub goes to mark, which sets the mark and returns to in (not to
		// sub); in accepts the marked packet; the next base chain drops it.
		{"goto returns to the jumper", syn(22, "eth0"), plan.Drop{}, []string{"in", "sub", "mark", "mark-", "in", "late"}, 1},
		{"return", syn(80, "eth0"), plan.Reject{With: plan.TCPReset}, []string{"in", "sub", "in"}, 1},
		{"verdict map", syn(80, "eth1"), plan.Drop{}, []string{"in", "gone"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := Hook(p, plan.Inet, "input", tt.pkt)
			var trail []string
			for _, s := range res.Trail {
				n := s.Chain.Name
				if s.Rule == nil {
					n += "-"
				}
				trail = append(trail, n)
			}
			if res.Verdict != tt.want || !slices.Equal(trail, tt.trail) || len(res.Meters) != tt.meters {
				t.Errorf("verdict %v trail %v meters %d; want %v %v %d", res.Verdict, trail, len(res.Meters), tt.want, tt.trail, tt.meters)
			}
		})
	}
	if r := Hook(p, plan.Bridge, "input", syn(22, "eth0")); r.Verdict != (plan.Accept{}) || len(r.Trail) != 0 {
		t.Errorf("a family without a table: %v %v", r.Verdict, r.Trail)
	}
}
