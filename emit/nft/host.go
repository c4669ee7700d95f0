package nft

import (
	"github.com/fwc-project/fwc/ir"
)

// hostIface is the interface a host rule's -i matches.
func hostIface(dir ir.Direction) string {
	switch dir {
	case ir.In:
		return "iifname"
	case ir.Out:
		return "oifname"
	}
	return "" // forward rules have none (lower)
}

// blacklist drops sources in the cluster's blacklist set. PVE logs these
// drops at log_level_out, an accident of the order it creates chains in;
// fwc logs them at log_level_in, the direction of the dropped traffic.
func (e *emitter) blacklist(t *table, c *chain) {
	name := e.rs.Host.Blacklist
	t.useSet(name)
	c.add("ip saddr @"+setName(ir.IPv4, name), "goto blacklist-drop")
	c.add("ip6 saddr @"+setName(ir.IPv6, name), "goto blacklist-drop")
}

// blacklistDrop adds the chain blacklisted sources go to, when there is a
// blacklist.
func (e *emitter) blacklistDrop(t *table) {
	if e.rs.Host.Blacklist != "" {
		e.logDrop(t, "blacklist-drop", e.rs.Host.LogIn)
	}
}

// groupChains adds the chains of every security group t's rules jump to,
// in IR order. In the bridge table an IN chain can exist twice (see
// guest.go); the inet table never uses the late variant.
func (e *emitter) groupChains(t *table, bridge bool) {
	for _, g := range e.rs.Groups {
		for i, rules := range [3][]ir.Rule{g.In, g.Out, g.Forward} {
			dir := ir.Direction(i)
			for _, late := range []bool{false, true} {
				name := groupChain(g.Name, dir, late)
				if !t.groups[name] {
					continue
				}
				c := t.newChain(name, "")
				d := hostDialect(name)
				iface := hostIface(dir)
				if bridge {
					d = guestDialect(0, name, dir, late)
					iface = "" // lower allows -i only on the GROUP rule
				}
				for _, r := range rules {
					e.addRule(c, r, dir, iface, d)
				}
			}
		}
	}
}
