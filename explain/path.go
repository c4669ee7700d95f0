package explain

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/fwc-project/fwc/emit/nft"
	"github.com/fwc-project/fwc/ir"
	"github.com/fwc-project/fwc/plan"
	"github.com/fwc-project/fwc/plan/eval"
)

// ev follows one packet on its way and records the steps it takes.
type ev struct {
	rs     *ir.Ruleset
	plan   *plan.Plan
	top    *topology
	p      *pkt
	steps  []Step
	notes  []string
	link   bool // Packet.Link
	raw    bool // Packet.Raw, or a forged source
	unsent bool // neighbour discovery failed
	// rateLimited: a meter decides above some rate (Result).
	rateLimited bool
	iptables    *ir.Verdict // the iptables backend's verdict where it differs
}

// step records something that decided.
func (e *ev) step(chain, match string, pos ir.Pos) {
	e.steps = append(e.steps, Step{Chain: chain, Match: match, Pos: pos})
}

func (e *ev) note(format string, args ...any) {
	e.notes = append(e.notes, fmt.Sprintf(format, args...))
}

// hook is one netfilter hook on the packet's way, with the interfaces
// the packet has there.
type hook struct {
	family   plan.TableFamily
	name     string
	iif, oif string
	bridge   string // bridge hooks: the bridge the frame is on
	fromHost bool   // the host's IP stack sent or routed the frame (bridge output, postrouting)
}

// walk sends the packet through the hooks on its path, after the
// neighbour discovery the senders on the path need.
func (e *ev) walk(src, dst place) ir.Verdict {
	if !e.rs.Enabled {
		e.note("the firewall is disabled (cluster.fw enable: 0): fwc loads empty tables")
		return ir.Accept
	}
	if v := e.senderND(src, dst); v != ir.Accept {
		return v
	}
	v := e.path(src, dst, false)
	if v == ir.Reject && src.kind == Guest && src.seg.guest {
		v = e.answer(src)
	}
	if len(e.steps) == 0 {
		e.note("no chain of fwc's rulesets filters this path")
	}
	return v
}

// path runs the hooks a packet from src to dst crosses, in the kernel's
// order. A hook's drop or reject ends the walk; accept moves on to the
// next hook. nd marks a neighbour discovery packet, which the IP stack
// itself does not filter.
func (e *ev) path(src, dst place, nd bool) ir.Verdict {
	p := e.p
	bridged := src.kind != Host && dst.kind != Host && src.seg == dst.seg
	var hooks []hook
	port := func(pl place) string { // a NIC's bridge port, or the uplink
		if pl.kind == Guest {
			return pl.port.n.Iface
		}
		return routedUplink // the uplink is eth0, a bridge port or routed
	}
	onBridge := func(pl place) bool { return pl.kind != Host && pl.seg.guest }
	// Leaving the source.
	if src.kind == Host {
		hooks = append(hooks, hook{family: plan.Inet, name: "output", oif: dst.seg.name})
	} else if onBridge(src) {
		hooks = append(hooks, hook{family: plan.Bridge, name: "prerouting", iif: port(src), bridge: src.seg.name})
	}
	// Through the host, unless bridged.
	switch {
	case bridged:
		hooks = append(hooks, hook{family: plan.Bridge, name: "forward", iif: port(src), oif: port(dst), bridge: src.seg.name})
	case src.kind != Host:
		if onBridge(src) {
			hooks = append(hooks, hook{family: plan.Bridge, name: "input", iif: port(src), bridge: src.seg.name})
		}
		if !p.ip() || e.link && dst.kind == Host {
			break // ARP and other frames are not IP; a link question stops at the host's interface
		}
		if !nd {
			hooks = append(hooks, hook{name: "martian"})
		}
		hooks = append(hooks, hook{family: plan.Inet, name: "prerouting", iif: src.seg.name})
		if dst.kind == Host {
			hooks = append(hooks, hook{family: plan.Inet, name: "input", iif: src.seg.name})
		} else {
			hooks = append(hooks, hook{family: plan.Inet, name: "forward", iif: src.seg.name, oif: dst.seg.name})
		}
	}
	// Reaching the destination.
	if !bridged && dst.kind != Host && !(!p.ip() && src.kind != Host) {
		if !nd {
			hooks = append(hooks, hook{name: "ndp"})
		}
		hooks = append(hooks, hook{family: plan.Inet, name: "postrouting", oif: dst.seg.name})
		if onBridge(dst) {
			hooks = append(hooks, hook{family: plan.Bridge, name: "output", oif: port(dst), bridge: dst.seg.name, fromHost: true})
		}
	}
	if onBridge(dst) && (bridged || p.ip() || src.kind == Host) {
		hooks = append(hooks, hook{family: plan.Bridge, name: "postrouting", oif: port(dst), bridge: dst.seg.name, fromHost: !bridged})
	}
	for _, h := range hooks {
		var v ir.Verdict
		switch {
		case h.name == "martian":
			v = e.martian()
		case h.name == "ndp":
			v = e.hostND(dst)
		case h.family == plan.Inet && !p.ip():
			continue // ARP and other non-IP frames never enter the inet table
		default:
			v = e.hook(h)
		}
		if v != ir.Accept {
			return v
		}
	}
	return ir.Accept
}

// martian drops what the IP stack itself refuses on receipt, before the
// input or forward hook: multicast, limited-broadcast, loopback and (to a
// unicast address) unspecified sources.
func (e *ev) martian() ir.Verdict {
	p := e.p
	var why string
	switch {
	case p.src.IsMulticast():
		why = "multicast source"
	case p.src.IsLoopback():
		why = "loopback source"
	case p.src == netip.AddrFrom4([4]byte{255, 255, 255, 255}):
		why = "limited-broadcast source"
	case p.src.IsUnspecified() && !e.top.broadcast(p.dst):
		why = "unspecified source"
	default:
		return ir.Accept
	}
	e.step("(kernel)", "martian "+why+": dropped by the IP stack before netfilter's input and forward hooks", ir.Pos{})
	return ir.Drop
}

// hook runs the packet through the plan's chains at h and records the
// steps.
func (e *ev) hook(h hook) ir.Verdict {
	in := e.packet(h)
	res := eval.Hook(e.plan, h.family, h.name, in)
	e.p.mark = res.Packet.Mark
	e.record(res)
	if len(res.Meters) > 0 {
		e.rateLimited = true
		for _, m := range res.Meters {
			e.note("%s: above its rate a source is dropped by `%s` (%s); this answer is for one below it", m.Chain.Name, e.text(m), m.Rule.Origin.Item)
		}
	}
	v := verdictOf(res.Verdict)
	if v == ir.Drop && h.family == plan.Bridge && h.name == "postrouting" {
		e.lateReject(res, in)
	}
	return v
}

// record appends the steps of an evaluation. A built-in jump into a
// chain that returned without doing anything (the smurfs check, the
// policy's silent list) is left out: it decided nothing. User jumps
// (groups) stay, with their return.
func (e *ev) record(res eval.Result) {
	var jumps []int // indexes in e.steps of the jumps not yet returned
	for _, s := range res.Trail {
		if s.Rule != nil {
			if _, ok := s.Rule.Verdict.(plan.Jump); ok {
				jumps = append(jumps, len(e.steps))
			}
			e.steps = append(e.steps, Step{Chain: s.Chain.Name, Match: e.text(s), Pos: s.Rule.Origin.Pos, Item: string(s.Rule.Origin.Item)})
			if _, ok := s.Rule.Verdict.(plan.Return); !ok {
				continue
			}
		}
		if len(jumps) == 0 {
			continue // a return from the chain eval.Chain started in
		}
		j := jumps[len(jumps)-1]
		jumps = jumps[:len(jumps)-1]
		if s.Rule == nil {
			if j == len(e.steps)-1 && e.steps[j].Item != "" {
				e.steps = e.steps[:j]
				continue
			}
			// The return is the jump's doing: cite the jump's origin.
			e.steps = append(e.steps, Step{Chain: s.Chain.Name, Match: "end of chain, return", Pos: e.steps[j].Pos, Item: e.steps[j].Item})
		}
	}
}

// text is the rule of s as nft loads it, with what a verdict map found.
func (e *ev) text(s eval.Step) string {
	t := nft.Rule(s.Table, s.Chain, s.Rule, nft.Options{})
	if s.Goto != "" {
		t += ": " + strings.Join(s.Key, " . ") + " -> goto " + s.Goto
	}
	return t
}

func verdictOf(v plan.Verdict) ir.Verdict {
	switch v.(type) {
	case plan.Drop:
		return ir.Drop
	case plan.Reject:
		return ir.Reject
	}
	return ir.Accept
}

// lateReject finds out whether a drop in a NIC's postrouting IN chain is
// a REJECT the kernel cannot do there: the NIC's unicast IN chain (the
// same rules where REJECT rejects, and what the iptables backend
// evaluates for every frame towards the NIC) rejects the packet.
func (e *ev) lateReject(res eval.Result, in eval.Packet) {
	var late *plan.Chain
	for _, s := range res.Trail {
		if s.Chain.Role == plan.RoleGuestInLate {
			late = s.Chain
		}
	}
	if late == nil {
		return
	}
	t := res.Trail[len(res.Trail)-1].Table
	for _, c := range t.Chains {
		if c.Role != plan.RoleGuestIn || c.NIC != late.NIC {
			continue
		}
		if r := eval.Chain(t, c.Name, in); verdictOf(r.Verdict) == ir.Reject {
			v := ir.Reject
			e.iptables = &v
			e.note("%s: REJECT is a DROP here: the kernel cannot reject in the bridge postrouting hook (flooded or host-sent frames); the iptables backend rejects", late.Name)
		}
	}
}

// packet is the packet as the rules at hook h see it.
func (e *ev) packet(h hook) eval.Packet {
	p := e.p
	q := eval.Packet{
		Proto: plan.IPv4, SrcMAC: p.smac.String(), DstMAC: p.dmac.String(), PktType: e.linkType(h),
		Src: p.src, Dst: p.dst, L4: p.proto, SPort: p.sport, DPort: p.dport,
		ICMPType: p.icmp, ICMPCode: p.code, Flags: plan.Flags(p.flags),
		SrcRoute: e.top.routeTypes(p.src), DstRoute: e.top.routeTypes(p.dst),
		IIF: h.iif, OIF: h.oif, Bridge: h.bridge, Mark: p.mark,
	}
	for _, t := range p.tags {
		q.Tags = append(q.Tags, eval.Tag{S: t.S, VID: t.VID})
	}
	switch {
	case p.arp:
		// No conntrack entry: the kernel's ct expression reads invalid.
		q.Proto, q.ARPSenderMAC, q.Ct = plan.ARP, p.llAddr().String(), plan.StateInvalid
		q.L4, q.SrcRoute, q.DstRoute = 0, nil, nil
	case p.ether != 0:
		q.Ether, q.L4, q.SrcRoute, q.DstRoute = p.ether, 0, nil, nil
	case p.fam == 6:
		q.Proto = plan.IPv6
		q.Transport = p.ndpMessage()
	}
	switch {
	case p.arp:
	case p.untracked:
		q.Untracked = true
	case p.invalid:
		q.Ct = plan.StateInvalid
	case p.state == Established:
		q.Ct = plan.StateEstablished
	default:
		q.Ct = plan.StateNew
	}
	return q
}

// linkType is the frame's link-layer type at hook h. Frames the host's
// IP stack sends or routes are of type host whatever their destination
// (the kernel leaves the type of a locally built packet alone); received
// ones are broadcast or multicast by their destination MAC, host when
// addressed to the host, else for another host.
func (e *ev) linkType(h hook) eval.Link {
	p := e.p
	switch {
	case h.fromHost:
		return eval.Host
	case p.dmac.String() == "ff:ff:ff:ff:ff:ff":
		return eval.Broadcast
	case len(p.dmac) > 0 && p.dmac[0]&1 == 1:
		return eval.Multicast
	case h.family == plan.Inet || h.name == "input":
		return eval.Host
	}
	return eval.OtherHost
}

// answer follows a reject's answer back to a guest that sent the
// rejected packet: the answer has no conntrack entry and leaves through
// the bridge postrouting hook as a frame the host sends, so the sender's
// IN rules see it unless the plan lets reject answers pass. When they
// drop it, the sender sees a DROP. The iptables backend marks its
// answers and delivers them.
func (e *ev) answer(src place) ir.Verdict {
	a := e.packet(hook{family: plan.Bridge, name: "postrouting", oif: src.port.n.Iface, bridge: src.seg.name, fromHost: true})
	a.Src, a.Dst = a.Dst, a.Src
	a.SrcMAC, a.DstMAC = a.DstMAC, a.SrcMAC
	a.SrcRoute, a.DstRoute = a.DstRoute, a.SrcRoute
	a.IIF, a.Mark, a.Tags, a.Transport = "", 0, nil, nil
	a.Ct, a.Untracked = plan.StateInvalid, false
	switch {
	case a.L4 == 6:
		a.SPort, a.DPort, a.Flags = a.DPort, a.SPort, plan.RST|plan.ACK
	case a.Proto == plan.IPv6:
		a.L4, a.SPort, a.DPort, a.ICMPType, a.ICMPCode = 58, 0, 0, 1, 4
	default:
		a.L4, a.SPort, a.DPort, a.ICMPType, a.ICMPCode = 1, 0, 0, 3, 3
	}
	res := eval.Hook(e.plan, plan.Bridge, "postrouting", a)
	if verdictOf(res.Verdict) == ir.Accept {
		return ir.Reject
	}
	e.record(res)
	e.note("the reject's answer is dropped on its way back to %s (no conntrack entry; the sender's IN rules): the sender sees a DROP; the iptables backend delivers it", src.port.n.Iface)
	if e.iptables == nil {
		r := ir.Reject
		e.iptables = &r
	}
	return ir.Drop
}
