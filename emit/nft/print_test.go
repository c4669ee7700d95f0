package nft

import (
	"strings"
	"testing"

	"github.com/fwc-project/fwc/plan"
)

// TestPrintsEveryPlanType prints a rule for every condition, statement
// and verdict type of the plan: a type the printer does not know panics.
func TestPrintsEveryPlanType(t *testing.T) {
	for _, f := range []plan.TableFamily{plan.Inet, plan.Bridge} {
		p := &printer{t: &plan.Table{Family: f}, chain: "c"}
		for _, c := range plan.AllConds {
			switch c.(type) {
			case plan.AddrType:
				if f == plan.Bridge {
					continue // the bridge family has no fib: the plan never puts it there
				}
			case plan.EtherType, plan.VLANType, plan.VLANID, plan.InnerProtocol:
				if f == plan.Inet {
					continue // link-layer matches exist only in the bridge table
				}
			}
			check(t, f, c, func() string { return p.cond(c) })
		}
		for _, s := range plan.AllStmts {
			check(t, f, s, func() string { return p.stmt(s) })
		}
		for _, v := range plan.AllVerdicts {
			check(t, f, v, func() string { return p.verdict(v) })
		}
	}
}

func check(t *testing.T, f plan.TableFamily, v any, print func() string) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Errorf("%s table: %T: %v", f, v, r)
		}
	}()
	if s := print(); strings.TrimSpace(s) == "" {
		t.Errorf("%s table: %T printed as nothing", f, v)
	}
}
