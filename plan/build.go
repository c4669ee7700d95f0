package plan

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/fwc-project/fwc/ir"
)

// Build makes the plan of rs for its node. It panics on what lower
// guarantees cannot happen (unknown sets, helpers or groups).
func Build(rs *ir.Ruleset) *Plan {
	p := &Plan{}
	if !rs.Enabled {
		return p
	}
	if rs.Host.Enabled {
		p.Tables = append(p.Tables, hostTable(rs))
	}
	if hasGuests(rs) || bridgedMarking(rs) {
		p.Tables = append(p.Tables, guestTable(rs))
	}
	return p
}

// builder fills one table.
type builder struct {
	rs *ir.Ruleset
	t  *Table
	// What the rules refer to, filled while they are added and read back
	// in IR order (never ranged over).
	sets   map[string]bool // ir.Set names
	groups map[string]bool // group chain names
	chains map[string]bool // chains made so far

	setPositions map[string]ir.Pos // by ir.Set name, made on first use
}

func newBuilder(rs *ir.Ruleset, f TableFamily) *builder {
	return &builder{rs: rs, t: &Table{Family: f, Name: "fwc"}, sets: map[string]bool{}, groups: map[string]bool{}, chains: map[string]bool{}}
}

// chain adds an empty chain.
func (b *builder) chain(name string, role Role) *Chain {
	c := &Chain{Name: name, Role: role}
	b.t.Chains = append(b.t.Chains, c)
	b.chains[name] = true
	return c
}

// base adds an empty base chain.
func (b *builder) base(name string, role Role, hook string, prio int) *Chain {
	c := b.chain(name, role)
	c.Hook = &Hook{Name: hook, Priority: prio}
	return c
}

// add appends a rule with origin o.
func (c *Chain) add(o Origin, v Verdict, match ...Cond) *Rule {
	r := &Rule{Match: match, Verdict: v, Origin: o}
	c.Rules = append(c.Rules, r)
	return r
}

// builtin is the origin of a built-in rule.
func builtin(item Item, pos ir.Pos) Origin { return Origin{Item: item, Pos: pos} }

// dialect is how one chain spells what depends on its table and hook.
type dialect struct {
	bridge bool // bridge table: ARP is kept from conntrack matches, pkttype instead of fib
	mark   bool // IN chain of the unicast path: accepts set AcceptMark
	late   bool // IN chain of the postrouting path: REJECT drops, groups use their -late chains
	vmid   int  // VMID in log prefixes: 0 for the host and for groups
}

// accept adds an accept rule in the chain's spelling.
func (d dialect) accept(c *Chain, o Origin, match ...Cond) *Rule {
	r := c.add(o, Accept{}, match...)
	if d.mark {
		r.Stmts = []Stmt{SetMark{Bits: AcceptMark}}
	}
	return r
}

// reject is the chain's REJECT: do-reject, or a drop where the kernel
// cannot reject.
func (d dialect) reject() Verdict {
	if d.late {
		return Drop{}
	}
	return Jump{Chain: rejectChain}
}

// rejectChain is the chain behind every REJECT.
const rejectChain = "do-reject"

// variant tells the guest IN dialects apart in the names of shared
// chains: "-in" marks accepts, "-late" cannot reject.
func (d dialect) variant() string {
	switch {
	case d.late:
		return "-late"
	case d.mark:
		return "-in"
	}
	return ""
}

// ctGuard keeps ARP away from conntrack matches in the bridge table: a
// frame without a conntrack entry reads as invalid, and ARP must pass.
// Other non-IP frames do read as invalid and are dropped with invalid
// packets (as NFT does), unless nf_conntrack_allow_invalid is set.
func (d dialect) ctGuard(match ...Cond) []Cond {
	if d.bridge {
		return append([]Cond{Protocol{Proto: ARP, Not: true}}, match...)
	}
	return match
}

// GroupChain names a security group's chain for one direction; late is
// the postrouting variant of IN chains in the bridge table.
func GroupChain(name string, dir ir.Direction, late bool) string {
	s := "group-" + name + "-" + dir.String()
	if late {
		s += "-late"
	}
	return s
}

// SetName is the name of one family's half of an IR set:
// v4-dc/management, v6-guest-100/ipfilter-net0.
func SetName(v6 bool, name string) string {
	if v6 {
		return "v6-" + name
	}
	return "v4-" + name
}

// useSet records that a rule refers to the IR set name.
func (b *builder) useSet(name string) { b.sets[name] = true }

// declareSets puts both families of every IR set the rules use before
// the table's other sets, in IR order. IR sets are final (merged, nomatch
// subtracted), so each family is one plain interval set.
func (b *builder) declareSets() {
	var sets []*Set
	for _, s := range b.rs.Sets {
		if !b.sets[s.Name] {
			continue
		}
		sets = append(sets,
			&Set{Name: SetName(false, s.Name), Type: []DataType{TypeIPv4Addr}, Prefixes: s.V4, IRSet: s.Name},
			&Set{Name: SetName(true, s.Name), Type: []DataType{TypeIPv6Addr}, Prefixes: s.V6, IRSet: s.Name})
	}
	if len(sets) != 2*len(b.sets) {
		panic("plan: a rule refers to a set the ruleset does not have")
	}
	b.t.Sets = append(sets, b.t.Sets...)
}

// setPos is where the IR set name is defined.
func (b *builder) setPos(name string) ir.Pos {
	if b.setPositions == nil {
		b.setPositions = make(map[string]ir.Pos, len(b.rs.Sets))
		for _, s := range b.rs.Sets {
			b.setPositions[s.Name] = s.Pos
		}
	}
	return b.setPositions[name]
}

// irSet is the IR set called name, nil when there is none.
func (b *builder) irSet(name string) *ir.Set {
	for i := range b.rs.Sets {
		if b.rs.Sets[i].Name == name {
			return &b.rs.Sets[i]
		}
	}
	return nil
}

// conntrack appends the connection-state shortcut: invalid packets are
// dropped (unless nf_conntrack_allow_invalid), established and related
// ones accepted.
func (b *builder) conntrack(c *Chain, d dialect, pos ir.Pos) {
	o := builtin(ItemConntrack, pos)
	if !b.rs.Host.AllowInvalid {
		c.add(o, Drop{}, d.ctGuard(CtState{States: []State{StateInvalid}})...)
	}
	d.accept(c, o, d.ctGuard(CtState{States: []State{StateEstablished, StateRelated}})...)
}

// blacklist drops sources in the cluster's blacklist set. PVE logs these
// drops at log_level_out, an accident of the order it creates chains in;
// fwc logs them at log_level_in, the direction of the dropped traffic.
func (b *builder) blacklist(c *Chain) {
	name := b.rs.Host.Blacklist
	b.useSet(name)
	o := builtin(ItemBlacklist, b.setPos(name))
	for _, v6 := range []bool{false, true} {
		c.add(o, Goto{Chain: blacklistChain}, AddrInSet{Side: Src, V6: v6, Set: SetName(v6, name)})
	}
}

const blacklistChain = "blacklist-drop"

// blacklistDrop adds the chain blacklisted sources go to, when there is a
// blacklist.
func (b *builder) blacklistDrop() {
	if b.rs.Host.Blacklist != "" {
		b.logDrop(blacklistChain, b.rs.Host.LogIn, ItemBlacklist)
	}
}

// logDrop adds a chain that logs at lvl and drops.
func (b *builder) logDrop(name string, lvl ir.LogLevel, item Item) {
	c := b.chain(name, RoleLogDrop)
	o := builtin(item, ir.Pos{})
	if lvl != ir.NoLog {
		c.add(o, nil).Stmts = b.logStmts(lvl, 0, "DROP: ")
	}
	c.add(o, Drop{})
}

// logStmts are the statements of a log rule: the cluster's rate limit,
// then the log.
func (b *builder) logStmts(lvl ir.LogLevel, vmid int, msg string) []Stmt {
	var s []Stmt
	if rl := b.rs.LogRateLimit; rl.Enabled {
		s = append(s, Limit{Rate: rl.Rate, Unit: rl.Unit, Burst: rl.Burst})
	}
	return append(s, Log{Level: lvl, VMID: vmid, Msg: msg})
}

// policy appends a chain's policy. ACCEPT is a plain accept, never logged
// (PVE). DROP and REJECT first dispose of noise without logging, then log
// with msg "policy DROP: " or "policy REJECT: ", then give the verdict.
// The noise rules live in one chain per table, policy and dialect: inline
// in every guest chain, their anonymous sets (kernel objects) made a
// thousand guests take 20 s to load instead of half a second.
func (b *builder) policy(c *Chain, v ir.Verdict, lvl ir.LogLevel, d dialect, pos ir.Pos) {
	o := builtin(ItemPolicy, pos)
	if v == ir.Accept {
		d.accept(c, o)
		return
	}
	var final Verdict = Drop{}
	if v == ir.Reject {
		final = d.reject()
	}
	name := "policy-" + strings.ToLower(v.String()) + d.variant()
	if !b.chains[name] {
		b.noise(b.chain(name, RolePolicy), final, d)
	}
	c.add(o, Jump{Chain: name})
	if lvl != ir.NoLog {
		c.add(o, nil).Stmts = b.logStmts(lvl, d.vmid, "policy "+v.String()+": ")
	}
	c.add(o, final)
}

// noise is PVE's PVEFW-Drop / PVEFW-Reject list (§7.4): broadcast and
// multicast, invalid packets, Windows name service and UPnP chatter,
// stray TCP and DNS replies are disposed of silently, vital ICMP errors
// are let through. smb is the verdict for the Windows ports: drop, or
// reject under a REJECT policy.
func (b *builder) noise(c *Chain, smb Verdict, d dialect) {
	o := builtin(ItemNoise, ir.Pos{})
	c.add(o, d.reject(), Protocol{Proto: IPv6}, Port{Proto: protoTCP, Side: Dst, Ranges: ports(43)}) // PVE does this, in both lists
	if d.bridge {
		c.add(o, Drop{}, PktType{Types: []LinkType{LinkBroadcast, LinkMulticast}})
	} else {
		c.add(o, Drop{}, AddrType{Side: Dst, Types: []RouteType{Broadcast, Multicast, Anycast}})
	}
	c.add(o, Drop{}, Addr{Side: Dst, Prefixes: []netip.Prefix{Multicast4}})
	c.add(o, Drop{}, Addr{Side: Dst, V6: true, Prefixes: []netip.Prefix{Multicast6}})
	d.accept(c, o, ICMP{Types: []ir.ICMPType{{Type: 3, Code: 4, HasCode: true}}}) // fragmentation needed
	d.accept(c, o, ICMP{Types: []ir.ICMPType{{Type: 11}}})                        // time exceeded
	d.accept(c, o, ICMP{V6: true, Types: []ir.ICMPType{{Type: 1}, {Type: 2}, {Type: 3}}})
	c.add(o, Drop{}, d.ctGuard(CtState{States: []State{StateInvalid}})...)
	c.add(o, smb, Port{Proto: protoUDP, Side: Dst, Ranges: []ir.PortRange{{Lo: 135, Hi: 135}, {Lo: 137, Hi: 139}, {Lo: 445, Hi: 445}}})
	c.add(o, smb, Port{Proto: protoUDP, Side: Src, Ranges: ports(137)}, Port{Proto: protoUDP, Side: Dst, Ranges: []ir.PortRange{{Lo: 1024, Hi: 65535}}})
	c.add(o, smb, Port{Proto: protoTCP, Side: Dst, Ranges: ports(135, 139, 445)})
	c.add(o, Drop{}, Port{Proto: protoUDP, Side: Dst, Ranges: ports(1900)})
	c.add(o, Drop{}, TCPFlags{Mask: SynAlone.Mask, Value: SynAlone.Value, Not: true})
	c.add(o, Drop{}, Port{Proto: protoUDP, Side: Src, Ranges: ports(53)})
}

// doReject adds the chain behind every REJECT, PVE's PVEFW-reject, when
// a rule jumps to it: no answer to broadcasts, multicast sources or ICMP;
// TCP gets a reset, UDP port-unreachable, anything else host-prohibited
// (IPv6: admin-prohibited). It is placed at index at of the chains.
func (b *builder) doReject(d dialect, at int) {
	if !b.entered(rejectChain) {
		return
	}
	c := &Chain{Name: rejectChain, Role: RoleReject}
	b.t.Chains = slices.Insert(b.t.Chains, at, c)
	o := builtin(ItemReject, ir.Pos{})
	if d.bridge {
		c.add(o, Drop{}, PktType{Types: []LinkType{LinkBroadcast}})
	} else {
		c.add(o, Drop{}, AddrType{Side: Dst, Types: []RouteType{Broadcast}})
	}
	c.add(o, Drop{}, Addr{Side: Src, Prefixes: []netip.Prefix{Multicast4}})
	c.add(o, Drop{}, L4{Protos: []uint8{protoICMP, protoICMPv6}})
	c.add(o, Reject{With: TCPReset}, L4{Protos: []uint8{protoTCP}})
	c.add(o, Reject{With: PortUnreachable}, L4{Protos: []uint8{protoUDP}})
	c.add(o, Reject{With: HostProhibited}, Protocol{Proto: IPv4})
	c.add(o, Reject{With: AdminProhibited}, Protocol{Proto: IPv6})
	c.add(o, Drop{})
}

// entered reports whether a rule of the table jumps to the chain name.
func (b *builder) entered(name string) bool {
	for _, c := range b.t.Chains {
		for _, r := range c.Rules {
			if j, ok := r.Verdict.(Jump); ok && j.Chain == name {
				return true
			}
		}
	}
	return false
}

// groupChains adds the chains of every security group the table's rules
// jump to, in IR order. In the bridge table an IN chain can exist twice
// (see guest.go); the inet table never uses the late variant.
func (b *builder) groupChains() {
	bridge := b.t.Family == Bridge
	for _, g := range b.rs.Groups {
		for i, rules := range [3][]ir.Rule{g.In, g.Out, g.Forward} {
			dir := ir.Direction(i)
			for _, late := range []bool{false, true} {
				name := GroupChain(g.Name, dir, late)
				if !b.groups[name] {
					continue
				}
				c := b.chain(name, RoleGroup)
				c.Dir, c.Group = dir, g.Name
				d := dialect{}
				if bridge {
					d = guestDialect(0, dir, late)
				}
				for i := range rules {
					b.userRule(c, &rules[i], dir, !bridge, d)
				}
			}
		}
	}
}

// guestDialect is the dialect of guest chains and of group chains in the
// bridge table. IN chains reached from prerouting mark their accepts.
func guestDialect(vmid int, dir ir.Direction, late bool) dialect {
	d := dialect{bridge: true, vmid: vmid}
	switch {
	case dir == ir.In && late:
		d.late = true
	case dir == ir.In:
		d.mark = true
	}
	return d
}

// AcceptMark is the packet mark bit that says "accepted by the IN rules of
// the NIC this frame is addressed to" (see guest.go). It is a single bit
// so other users of the mark keep theirs.
const AcceptMark = 0x00800000

// BridgedMark is the packet mark bit the bridge table sets on every frame
// a bridge forwards from port to port. With br_netfilter's
// bridge-nf-call-iptables on (hosts moving from PVE's iptables firewall),
// such frames also cross inet fwc's forward chain, which lets them pass
// on this bit: the bridge table filters them, and the host's FORWARD rules
// and policy_forward are for routed traffic only, as in PVE (physdev
// --physdev-is-bridged). Routed traffic never crosses the bridge's forward
// hook, so it cannot carry the bit.
const BridgedMark = 0x00400000

// bridgedMarking reports whether the host table exempts bridged traffic:
// when it exists and a guest NIC is plugged into a bridge.
func bridgedMarking(rs *ir.Ruleset) bool {
	if !rs.Host.Enabled {
		return false
	}
	for i := range rs.Guests {
		for _, n := range rs.Guests[i].NICs {
			if n.Bridge != "" {
				return true
			}
		}
	}
	return false
}

// impossible reports an internal error.
func impossible(format string, args ...any) {
	panic(fmt.Sprintf("plan: "+format, args...))
}
