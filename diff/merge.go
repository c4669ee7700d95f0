package diff

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// merge joins classes that differ in one field only, where that field's
// ranges touch: the same endpoints, verdicts and deciding rules over
// adjacent ports, ICMP codes, types or addresses become one class. Each
// field is merged in turn, the finest first.
func merge(cs []Class) []Class {
	for _, d := range dims {
		cs = mergeDim(cs, d)
	}
	return cs
}

// dim is one field of a class that merge can widen.
type dim struct {
	// touch reports whether b's range starts right after a's; join
	// returns a widened to cover b.
	touch func(a, b *Class) bool
	join  func(a, b *Class)
	// clear zeroes the field, so the rest of a class can be compared.
	clear func(c Class) Class
	lo    func(c *Class) string
}

var dims = []dim{
	rangeDim(func(c *Class) *Range { return &c.DPort }),
	rangeDim(func(c *Class) *Range { return &c.SPort }),
	rangeDim(func(c *Class) *Range { return &c.ICMPCode }),
	rangeDim(func(c *Class) *Range { return &c.ICMPType }),
	{
		// Every remote range with the same rest joins one class: the
		// report lists them (or what they leave out) as CIDRs.
		touch: func(a, b *Class) bool { return true },
		join: func(a, b *Class) {
			last := &a.Remote[len(a.Remote)-1]
			for _, r := range b.Remote {
				if n := last.To.Next(); n.IsValid() && n == r.From {
					last.To = r.To
					continue
				}
				a.Remote = append(a.Remote, r)
				last = &a.Remote[len(a.Remote)-1]
			}
		},
		clear: func(c Class) Class { c.Remote = nil; return c },
		lo: func(c *Class) string {
			if len(c.Remote) == 0 {
				return ""
			}
			return sortable(c.Remote[0].From)
		},
	},
}

func rangeDim(f func(*Class) *Range) dim {
	return dim{
		touch: func(a, b *Class) bool { return f(a).Hi+1 == f(b).Lo },
		join:  func(a, b *Class) { f(a).Hi = f(b).Hi },
		clear: func(c Class) Class { *f(&c) = Range{}; return c },
		lo:    func(c *Class) string { return fmt.Sprintf("%05d", f(c).Lo) },
	}
}

// sortable spells an address so that strings sort as addresses do.
func sortable(a netip.Addr) string {
	if !a.IsValid() {
		return ""
	}
	return fmt.Sprintf("%x", a.As16())
}

func mergeDim(cs []Class, d dim) []Class {
	key := func(c *Class) string { return fmt.Sprintf("%+v", d.clear(*c)) }
	slices.SortStableFunc(cs, func(a, b Class) int {
		if k := strings.Compare(key(&a), key(&b)); k != 0 {
			return k
		}
		return strings.Compare(d.lo(&a), d.lo(&b))
	})
	var out []Class
	for _, c := range cs {
		if n := len(out); n > 0 && key(&out[n-1]) == key(&c) && d.touch(&out[n-1], &c) {
			d.join(&out[n-1], &c)
			continue
		}
		out = append(out, c)
	}
	return out
}
