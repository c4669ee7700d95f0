package nft

import (
	"net/netip"

	"github.com/fwc-project/fwc/ir"
)

// setName is the kernel name of one family's half of an IR set:
// v4-dc/management, v6-guest-100/ipfilter-net0.
func setName(f ir.Family, name string) string {
	switch f {
	case ir.IPv4:
		return "v4-" + ident(name)
	case ir.IPv6:
		return "v6-" + ident(name)
	}
	panic("nft: set lookup without a family")
}

// declareSets puts the declarations of every set t's rules use before
// t's other declarations, in IR order. IR sets are final (merged, nomatch
// subtracted), so each family is one plain interval set.
func (e *emitter) declareSets(t *table) {
	var decls []string
	found := 0
	for _, s := range e.rs.Sets {
		if !t.sets[s.Name] {
			continue
		}
		found++
		decls = append(decls, setDecl(ir.IPv4, s), setDecl(ir.IPv6, s))
	}
	if found != len(t.sets) {
		panic("nft: a rule refers to a set the ruleset does not have")
	}
	t.decls = append(decls, t.decls...)
}

func setDecl(f ir.Family, s ir.Set) string {
	typ, elems := "ipv4_addr", s.V4
	if f == ir.IPv6 {
		typ, elems = "ipv6_addr", s.V6
	}
	return decl("set "+setName(f, s.Name), typ+"; flags interval", prefixes(elems))
}

func prefixes(ps []netip.Prefix) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = prefix(p)
	}
	return out
}

// split separates the IPv4 and IPv6 prefixes of a mixed list.
func split(ps []netip.Prefix) (v4, v6 []string) {
	for _, p := range ps {
		if p.Addr().Is4() {
			v4 = append(v4, prefix(p))
		} else {
			v6 = append(v6, prefix(p))
		}
	}
	return v4, v6
}

// setByName is the IR set called name; a missing one breaks an IR invariant.
func (e *emitter) setByName(name string) *ir.Set {
	for i := range e.rs.Sets {
		if e.rs.Sets[i].Name == name {
			return &e.rs.Sets[i]
		}
	}
	panic("nft: a rule refers to a set the ruleset does not have")
}
