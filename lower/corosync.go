package lower

import (
	"maps"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/fwc-project/fwc/corosync"
	"github.com/fwc-project/fwc/ir"
)

// linkKey matches a node's address keys: corosync's ringN_addr, and
// linkN_addr, which PVE's reader accepts too. Corosync has links 0 to 7.
var linkKey = regexp.MustCompile(`^(?:ring|link)(\d+)_addr$`)

// corosyncMember is one nodelist entry: its name and address per link.
type corosyncMember struct {
	name  string
	addrs map[int]memberAddr
}

// memberAddr is a resolved link address and where it was written.
type memberAddr struct {
	addr netip.Addr
	pos  ir.Pos
}

// lowerCorosync reads the membership of node from corosync.conf: nil when
// the tree has no such file. With node empty (no node chosen) the file is
// only checked.
func (l *lowerer) lowerCorosync(conf *corosync.Section, node string, o Options) *ir.Corosync {
	if conf == nil {
		return nil
	}
	c := &ir.Corosync{Pos: conf.Pos, Transport: "knet"}
	strategy := "ipv6-4" // corosync 3's default ip_version
	if totem := l.single(conf, "totem"); totem != nil {
		if k := totem.Get("transport"); k != nil {
			if oneOf(k.Value, "knet", "udp", "udpu") {
				c.Transport = k.Value
			} else {
				l.d.Add(k.ValuePos, ir.CodeCorosyncConfig, "unknown totem transport %q (knet, udp or udpu)", k.Value)
			}
		}
		if k := totem.Get("ip_version"); k != nil {
			if oneOf(k.Value, "ipv4", "ipv6", "ipv4-6", "ipv6-4") {
				strategy = k.Value
			} else {
				l.d.Add(k.ValuePos, ir.CodeCorosyncConfig, "unknown totem ip_version %q (ipv4, ipv6, ipv4-6 or ipv6-4)", k.Value)
			}
		}
	}
	var members []corosyncMember
	if nl := l.single(conf, "nodelist"); nl != nil {
		members = l.members(nl, strategy, o)
	}
	if node == "" {
		return c
	}
	i := slices.IndexFunc(members, func(m corosyncMember) bool { return m.name == node })
	if i < 0 {
		l.d.Add(conf.Pos, ir.CodeCorosyncNode, "node %q is not in corosync.conf's nodelist: no corosync traffic is allowed to or from it", node)
		return c
	}
	local := members[i]
	for _, n := range slices.Sorted(maps.Keys(local.addrs)) {
		la := local.addrs[n]
		link := ir.CorosyncLink{Number: n, Local: la.addr, LocalPos: la.pos}
		for _, m := range members {
			pa, ok := m.addrs[n]
			if m.name == node || !ok {
				continue
			}
			if pa.addr.Is4() != la.addr.Is4() {
				l.d.Add(pa.pos, ir.CodeCorosyncFamily, "%s's link %d address %s is not of the family of this node's (%s): corosync cannot use the link between them, and it is not opened", m.name, n, pa.addr, la.addr)
				continue
			}
			link.Peers = append(link.Peers, ir.CorosyncPeer{Pos: pa.pos, Node: m.name, Addr: pa.addr})
		}
		c.Links = append(c.Links, link)
	}
	return c
}

// single returns the one section of a name at the top level, or nil; more
// than one is an error (corosync would merge them, PVE keeps the last).
func (l *lowerer) single(conf *corosync.Section, name string) *corosync.Section {
	subs := conf.Sub(name)
	for _, s := range subs[min(1, len(subs)):] {
		l.d.Add(s.Pos, ir.CodeCorosyncConfig, "a second %s section", name)
	}
	if len(subs) == 0 {
		return nil
	}
	return subs[0]
}

// members reads the nodelist's node sections. A node is named by its name
// key, else its ring0_addr, as PVE names it.
func (l *lowerer) members(nl *corosync.Section, strategy string, o Options) []corosyncMember {
	var out []corosyncMember
	seen := map[string]ir.Pos{}
	for _, ns := range nl.Sub("node") {
		m := corosyncMember{addrs: map[int]memberAddr{}}
		if k := ns.Get("name"); k != nil {
			m.name = k.Value
		} else if k := ns.Get("ring0_addr"); k != nil {
			m.name = k.Value
		} else {
			l.d.Add(ns.Pos, ir.CodeCorosyncConfig, "node without name or ring0_addr")
			continue
		}
		if prev, ok := seen[m.name]; ok {
			l.d = append(l.d, ir.Diag(ns.Pos, ir.CodeCorosyncConfig, "node %s is listed twice", quote(m.name)).WithRelated(prev, "first listed here"))
			continue
		}
		seen[m.name] = ns.Pos
		for _, k := range ns.Keys {
			sub := linkKey.FindStringSubmatch(k.Name)
			if sub == nil {
				continue
			}
			n, err := strconv.Atoi(sub[1])
			if err != nil || n > 7 {
				l.d.Add(k.Pos, ir.CodeCorosyncConfig, "%s: corosync has links 0 to 7", k.Name)
				continue
			}
			if _, dup := m.addrs[n]; dup {
				l.d.Add(k.Pos, ir.CodeCorosyncConfig, "node %q has a second address for link %d", m.name, n)
				continue
			}
			if a, ok := l.linkAddr(k, strategy, o); ok {
				m.addrs[n] = memberAddr{addr: a, pos: k.ValuePos}
			}
		}
		out = append(out, m)
	}
	slices.SortFunc(out, func(a, b corosyncMember) int { return strings.Compare(a.name, b.name) })
	return out
}

// linkAddr reads a link address: an IP address, or a host name resolved
// as PVE does (getaddrinfo on the node, the family picked by totem's
// ip_version) when o.Resolve is set.
func (l *lowerer) linkAddr(k corosync.Key, strategy string, o Options) (netip.Addr, bool) {
	if a, err := netip.ParseAddr(k.Value); err == nil {
		if a.Zone() != "" {
			l.d.Add(k.ValuePos, ir.CodeCorosyncConfig, "%s: an address with a zone cannot be matched by the firewall", k.Value)
			return netip.Addr{}, false
		}
		return a.Unmap(), true
	}
	if o.Resolve == nil {
		l.d.Add(k.ValuePos, ir.CodeCorosyncName, "%s is a host name: PVE resolves it on the node when it compiles; write the address, or let fwc resolve it here with --resolve", k.Value)
		return netip.Addr{}, false
	}
	addrs, err := o.Resolve(k.Value)
	if err != nil {
		l.d.Add(k.ValuePos, ir.CodeCorosyncName, "cannot resolve %s: %v", k.Value, err)
		return netip.Addr{}, false
	}
	if a, ok := pickFamily(addrs, strategy); ok {
		return a, true
	}
	l.d.Add(k.ValuePos, ir.CodeCorosyncName, "%s resolves to no address of the families ip_version %s allows", k.Value, strategy)
	return netip.Addr{}, false
}

// pickFamily chooses among a name's addresses as corosync does for its
// ip_version: the first address of the preferred family, else (for the
// two-family strategies) of the other.
func pickFamily(addrs []netip.Addr, strategy string) (netip.Addr, bool) {
	first := func(v4 bool) (netip.Addr, bool) {
		for _, a := range addrs {
			if a = a.Unmap(); a.Is4() == v4 {
				return a, true
			}
		}
		return netip.Addr{}, false
	}
	order := map[string][]bool{"ipv4": {true}, "ipv6": {false}, "ipv4-6": {true, false}, "ipv6-4": {false, true}}[strategy]
	for _, v4 := range order {
		if a, ok := first(v4); ok {
			return a, true
		}
	}
	return netip.Addr{}, false
}

func oneOf(s string, words ...string) bool { return slices.Contains(words, s) }
