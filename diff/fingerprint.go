package diff

import (
	"fmt"
	"strings"

	"github.com/fwc-project/fwc/plan"
)

// prints are fingerprints of what decides a plan's verdicts: shared for
// what every packet may cross (the host's table, the bridge's chains of
// no guest), one per guest for its chains and the map entries that lead
// to them. Origins, comments and logging are left out: they decide
// nothing, so a reorder of lines or a renamed comment compares equal.
type prints struct {
	shared string
	guests map[int]string
}

func fingerprints(p *plan.Plan) prints {
	out := prints{guests: map[int]string{}}
	var shared strings.Builder
	guests := map[int]*strings.Builder{}
	for _, t := range p.Tables {
		fmt.Fprintf(&shared, "table %s\n", t.Family)
		owner := map[string]int{}
		for _, c := range t.Chains {
			owner[c.Name] = c.VMID
		}
		for _, c := range t.Chains {
			b := &shared
			if c.VMID != 0 {
				if guests[c.VMID] == nil {
					guests[c.VMID] = &strings.Builder{}
				}
				b = guests[c.VMID]
			}
			fmt.Fprintf(b, "chain %s %v %d\n", c.Name, c.Hook, c.Role)
			for _, r := range c.Rules {
				writeRule(b, t, r)
			}
		}
		for _, m := range t.Maps {
			fmt.Fprintf(&shared, "map %s %v\n", m.Name, m.Type)
			for _, e := range m.Elems {
				b := &shared
				if id := owner[e.Goto]; id != 0 {
					b = guests[id]
				}
				fmt.Fprintf(b, "elem %s %v %s\n", m.Name, e.Key, e.Goto)
			}
		}
	}
	out.shared = shared.String()
	for id, b := range guests {
		out.guests[id] = b.String()
	}
	return out
}

// writeRule writes what of r decides: conditions (with the contents of
// the sets they name), statements the rules can see, the verdict.
func writeRule(b *strings.Builder, t *plan.Table, r *plan.Rule) {
	for _, c := range r.Match {
		fmt.Fprintf(b, "%T%v ", c, c)
		for _, name := range setNames(c) {
			if s := t.Set(name); s != nil {
				fmt.Fprintf(b, "{%v %v %v %v} ", s.Type, s.Prefixes, s.Ports, s.Tuples)
			}
		}
	}
	for _, s := range r.Stmts {
		if _, ok := s.(plan.SetMark); ok {
			fmt.Fprintf(b, "%v ", s)
		}
	}
	fmt.Fprintf(b, "%T%v\n", r.Verdict, r.Verdict)
}

// setNames are the sets a condition looks up.
func setNames(c plan.Cond) []string {
	switch c := c.(type) {
	case plan.PortInSet:
		return []string{c.Set}
	case plan.AddrInSet:
		return []string{c.Set}
	case plan.ARPSenderInSet:
		return []string{c.Set}
	case plan.InSet:
		return []string{c.Set}
	case plan.SourceRate:
		return []string{c.Set}
	}
	return nil
}
