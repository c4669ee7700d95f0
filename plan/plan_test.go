package plan_test

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/fwc-project/fwc/lab"
	"github.com/fwc-project/fwc/pipeline"
	"github.com/fwc-project/fwc/plan"
)

// TestInvariants builds the plan of every lab scenario (fwc-compiled ones)
// and of the example tree, with and without the optimiser, and checks what
// backends and explain rely on.
func TestInvariants(t *testing.T) {
	files, err := filepath.Glob("../testdata/lab/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no lab scenarios: %v", err)
	}
	type tree struct{ name, root, node string }
	trees := []tree{{"example pve1", "../example", "pve1"}, {"example pve2", "../example", "pve2"}}
	for _, f := range files {
		s, err := lab.LoadScenario(f)
		if err != nil {
			t.Fatal(err)
		}
		root := t.TempDir()
		if err := s.WriteTree(root); err != nil {
			t.Fatal(err)
		}
		trees = append(trees, tree{s.Name, root, s.Node})
	}
	built := 0
	for _, tr := range trees {
		for _, noOpt := range []bool{false, true} {
			rs, diags, err := pipeline.Load(tr.root, pipeline.Options{Node: tr.node, NoOptimize: noOpt})
			if err != nil || diags.HasErrors() {
				continue // hand-written rulesets and bad-input scenarios
			}
			built++
			for _, err := range check(plan.Build(rs)) {
				t.Errorf("%s (-O0 %v): %v", tr.name, noOpt, err)
			}
		}
	}
	if built < 50 {
		t.Errorf("only %d plans built", built)
	}
}

// check lists what is wrong with p: rules without an origin, references
// to chains, sets, maps or helpers the table lacks, unreachable chains.
func check(p *plan.Plan) []error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	for _, t := range p.Tables {
		used := map[string]bool{}
		chain := func(name string) {
			used[name] = true
			if t.Chain(name) == nil {
				bad("%s: no chain %s", t.Family, name)
			}
		}
		set := func(name string) {
			if t.Set(name) == nil {
				bad("%s: no set %s", t.Family, name)
			}
		}
		seen := map[string]bool{}
		for _, c := range t.Chains {
			if seen[c.Name] {
				bad("%s: chain %s twice", t.Family, c.Name)
			}
			seen[c.Name] = true
			for _, r := range c.Rules {
				if (r.Origin.Rule == nil) == (r.Origin.Item == plan.ItemUser) {
					bad("%s/%s: rule without exactly one origin: %+v", t.Family, c.Name, r.Origin)
				}
				for _, m := range r.Match {
					switch m := m.(type) {
					case plan.AddrInSet:
						set(m.Set)
					case plan.PortInSet:
						set(m.Set)
					case plan.ARPSenderInSet:
						set(m.Set)
					case plan.InSet:
						set(m.Set)
					case plan.SourceRate:
						set(m.Set)
					}
				}
				for _, s := range r.Stmts {
					if h, ok := s.(plan.SetHelper); ok && !hasHelper(t, h.Helper) {
						bad("%s: no helper %s", t.Family, h.Helper)
					}
				}
				switch v := r.Verdict.(type) {
				case plan.Jump:
					chain(v.Chain)
				case plan.Goto:
					chain(v.Chain)
				case plan.VMap:
					m := t.Map(v.Map)
					if m == nil {
						bad("%s: no map %s", t.Family, v.Map)
						continue
					}
					for _, e := range m.Elems {
						chain(e.Goto)
					}
				}
			}
		}
		for _, c := range t.Chains {
			if c.Hook == nil && !used[c.Name] {
				bad("%s: chain %s is never entered", t.Family, c.Name)
			}
		}
	}
	return errs
}

func hasHelper(t *plan.Table, name string) bool {
	for _, h := range t.Helpers {
		if h.Name == name {
			return true
		}
	}
	return false
}
