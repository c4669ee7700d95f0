package plan

import (
	"fmt"
	"slices"
	"strings"
)

// maxAnon is the longest literal list a rule keeps as an anonymous set
// when no other rule of its table has the same list.
const maxAnon = 4

// SharedSets is the optimiser pass "sets by content" (issue 12). The
// kernel makes every anonymous set in a rule a set object of its own and
// names it by scanning the table's sets, so a table with thousands of
// them (the same port list in every guest chain) loads in quadratic
// time. SharedSets turns every literal list of ports or addresses that
// more than one rule of the table uses, or that is longer than maxAnon,
// into one named set, which all its users look up. Which packets a rule
// matches does not change: the set holds exactly the list.
func SharedSets(t *Table) {
	uses := map[string]int{}
	for _, c := range t.Chains {
		for _, r := range c.Rules {
			for _, m := range r.Match {
				if k, _ := listKey(m); k != "" {
					uses[k]++
				}
			}
		}
	}
	ns := &names{taken: map[string]bool{}, next: map[string]int{}}
	for _, s := range t.Sets {
		ns.taken[s.Name] = true
	}
	named := map[string]*Set{}
	for _, c := range t.Chains {
		for _, r := range c.Rules {
			cloned := false
			for i, m := range r.Match {
				k, n := listKey(m)
				if k == "" || uses[k] < 2 && n <= maxAnon {
					continue
				}
				s := named[k]
				if s == nil {
					s = listSet(m)
					s.Name = ns.free(s.Name)
					named[k] = s
					t.Sets = append(t.Sets, s)
				}
				if !cloned {
					// Rules may share a match slice; this one is its own.
					r.Match, cloned = slices.Clone(r.Match), true
				}
				r.Match[i] = inSet(m, s.Name)
			}
		}
	}
}

// listKey is the content of a condition that prints as a literal list
// of more than one element, with its length; "" for other conditions.
func listKey(m Cond) (string, int) {
	var b strings.Builder
	switch m := m.(type) {
	case Port:
		if len(m.Ranges) < 2 {
			return "", 0
		}
		b.WriteString("ports")
		for _, r := range m.Ranges {
			b.WriteString(" " + r.String())
		}
		return b.String(), len(m.Ranges)
	case Addr:
		if len(m.Prefixes) < 2 || len(m.Ranges) > 0 {
			return "", 0
		}
		b.WriteString(addrFamily(m.V6))
		for _, p := range m.Prefixes {
			b.WriteString(" " + p.String())
		}
		return b.String(), len(m.Prefixes)
	}
	return "", 0
}

// listSet is the named set holding a list condition's elements, named
// by its kind (names numbers it).
func listSet(m Cond) *Set {
	switch m := m.(type) {
	case Port:
		return &Set{Name: "ports", Type: []DataType{TypeService}, Ports: slices.Clone(m.Ranges)}
	case Addr:
		typ := TypeIPv4Addr
		if m.V6 {
			typ = TypeIPv6Addr
		}
		return &Set{Name: addrFamily(m.V6) + "-list", Type: []DataType{typ}, Prefixes: slices.Clone(m.Prefixes)}
	}
	panic(fmt.Sprintf("plan: %T is not a list condition", m))
}

// inSet is the list condition m looking its list up in the set name.
func inSet(m Cond, name string) Cond {
	switch m := m.(type) {
	case Port:
		return PortInSet{Proto: m.Proto, Side: m.Side, Set: name}
	case Addr:
		return AddrInSet{Side: m.Side, V6: m.V6, Set: name}
	}
	panic(fmt.Sprintf("plan: %T is not a list condition", m))
}

func addrFamily(v6 bool) string {
	if v6 {
		return "v6"
	}
	return "v4"
}

// names hands out set names base-1, base-2, ... skipping names the
// table already has.
type names struct {
	taken map[string]bool
	next  map[string]int
}

func (ns *names) free(base string) string {
	for {
		ns.next[base]++
		if name := fmt.Sprintf("%s-%d", base, ns.next[base]); !ns.taken[name] {
			ns.taken[name] = true
			return name
		}
	}
}
