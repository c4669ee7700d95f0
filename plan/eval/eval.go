// Package eval runs one packet through a plan's chains as the kernel
// runs the ruleset nft loads from it: the base chains of a hook in
// priority order, rules in order, Jump, Goto and Return with nft's
// semantics, verdict maps, named sets, conntrack state and the packet
// mark. It knows nothing of PVE's policy: every decision comes from the
// plan, so explain (and any other caller) answers with the very chains
// the backends print.
//
// Two things are not the packet's alone: the rate of a meter
// (plan.SourceRate) and of a log limit (plan.Limit). The evaluator answers
// for a packet below every rate and reports the meters that would decide
// above theirs (Result.Meters).
package eval

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/fwc-project/fwc/plan"
)

// Packet is what the rules can see of a packet at a hook.
type Packet struct {
	Proto          plan.L3 // the network protocol (ethertype, nfproto)
	SrcMAC, DstMAC string  // canonical lower-case; "" where there is no Ethernet header
	PktType        Link    // the link-layer packet type

	// Src and Dst are the IP addresses; for ARP the sender's and the
	// target's IPv4 address.
	Src, Dst     netip.Addr
	L4           uint8 // the transport protocol number (IP only)
	SPort, DPort uint16
	ICMPType     uint8 // ICMP or ICMPv6, by L4
	ICMPCode     uint8
	Flags        plan.Flags // TCP flags
	ARPSenderMAC string     // ARP only
	// Ether is the ethertype of a frame that is neither IP nor ARP (Proto
	// is then meaningless); 0 otherwise.
	Ether uint16
	// Tags are the frame's VLAN tags, outermost first.
	Tags []Tag
	// Transport is the transport header and payload where rules read raw
	// bits (NDP's target and options); its length is IPv6's payload length.
	Transport []byte

	// SrcRoute and DstRoute are what the host's routing says of Src and
	// Dst (nft fib, iptables addrtype): none for a unicast address.
	SrcRoute, DstRoute []plan.RouteType

	IIF, OIF string // input and output interface, "" where there is none yet
	Bridge   string // the bridge a frame entered (bridge hooks)
	Mark     uint32

	// Ct is the conntrack state; Untracked says conntrack leaves the
	// packet alone (no state matches then).
	Ct        plan.State
	Untracked bool
}

// Link is a frame's link-layer packet type (nft meta pkttype).
// Tag is a VLAN tag: 802.1Q, or an 802.1ad service tag (S).
type Tag struct {
	S   bool
	VID uint16
}

// Link is the link-layer type of a frame.
type Link int

// Link-layer types. OtherHost is a unicast frame for another MAC: the
// plan never matches it, but bridged frames are of this type.
const (
	OtherHost Link = iota
	Host
	Broadcast
	Multicast
)

var linkTypes = map[plan.LinkType]Link{plan.LinkHost: Host, plan.LinkBroadcast: Broadcast, plan.LinkMulticast: Multicast}

// Step is a rule on the packet's way that did something: its verdict
// applied (a jump, a verdict map entry, the final verdict) or its
// statements ran (a log, a mark). Rule nil is the end of Chain: the
// packet returned to the chain that jumped.
type Step struct {
	Table *plan.Table
	Chain *plan.Chain
	Rule  *plan.Rule
	// Key and Goto are the key a verdict map found and the chain it sent
	// the packet to.
	Key  []string
	Goto string
}

// Result is the outcome of a hook or a chain.
type Result struct {
	// Verdict is plan.Accept, plan.Drop or a plan.Reject; nil when a
	// chain (Chain) ended without one.
	Verdict plan.Verdict
	Trail   []Step
	// Packet is the packet after the statements ran (the mark).
	Packet Packet
	// Meters are the rules whose conditions all held but a meter's
	// (plan.SourceRate): above that rate they would match.
	Meters []Step
}

// Decided reports whether the verdict stops the packet: a drop or reject.
func (r Result) Decided() bool {
	switch r.Verdict.(type) {
	case plan.Drop, plan.Reject:
		return true
	}
	return false
}

// Hook runs pkt through the base chains of the table of family f hooked
// at hook, in priority order. A packet no chain decides is accepted (base
// chains have policy accept); an accept ends one base chain and the
// packet goes on to the next.
func Hook(p *plan.Plan, f plan.TableFamily, hook string, pkt Packet) Result {
	res := Result{Verdict: plan.Accept{}, Packet: pkt}
	for _, t := range p.Tables {
		if t.Family != f {
			continue
		}
		var bases []*plan.Chain
		for _, c := range t.Chains {
			if c.Hook != nil && c.Hook.Name == hook {
				bases = append(bases, c)
			}
		}
		slices.SortStableFunc(bases, func(a, b *plan.Chain) int { return a.Hook.Priority - b.Hook.Priority })
		for _, c := range bases {
			r := run(t, c, res.Packet)
			res.Trail = append(res.Trail, r.Trail...)
			res.Meters = append(res.Meters, r.Meters...)
			res.Packet = r.Packet
			if r.Decided() {
				res.Verdict = r.Verdict
				return res
			}
		}
	}
	return res
}

// Chain runs pkt through the regular chain name of t as if a base chain
// had jumped to it; Verdict is nil when it returns.
func Chain(t *plan.Table, name string, pkt Packet) Result {
	return run(t, chain(t, name), pkt)
}

// frame is a chain being run: where to go on after a Jump returns.
type frame struct {
	c *plan.Chain
	i int // the next rule
}

// maxDepth is nft's limit of nested jumps; a plan deeper than that would
// not load.
const maxDepth = 16

// run evaluates from chain c: Jump pushes, Goto replaces, Return and the
// end of a chain pop; the end of the first chain is the end of the run.
func run(t *plan.Table, c *plan.Chain, pkt Packet) Result {
	res := Result{Packet: pkt}
	stack := []frame{{c: c}}
	for len(stack) > 0 {
		f := &stack[len(stack)-1]
		if f.i == len(f.c.Rules) {
			if len(stack) > 1 {
				res.Trail = append(res.Trail, Step{Table: t, Chain: f.c})
			}
			stack = stack[:len(stack)-1]
			continue
		}
		r := f.c.Rules[f.i]
		f.i++
		switch matches(t, r.Match, &res.Packet) {
		case no:
			continue
		case aboveRate:
			res.Meters = append(res.Meters, Step{Table: t, Chain: f.c, Rule: r})
			continue
		}
		step := Step{Table: t, Chain: f.c, Rule: r}
		for _, s := range r.Stmts {
			res.Packet = apply(s, res.Packet)
		}
		switch v := r.Verdict.(type) {
		case nil:
			if len(r.Stmts) > 0 {
				res.Trail = append(res.Trail, step)
			}
		case plan.Accept, plan.Drop, plan.Reject:
			res.Trail = append(res.Trail, step)
			res.Verdict = v
			return res
		case plan.Jump:
			res.Trail = append(res.Trail, step)
			stack = push(stack, chain(t, v.Chain))
		case plan.Goto:
			res.Trail = append(res.Trail, step)
			stack[len(stack)-1] = frame{c: chain(t, v.Chain)}
		case plan.Return:
			res.Trail = append(res.Trail, step)
			stack = stack[:len(stack)-1]
		case plan.VMap:
			key := keys(v.Keys, &res.Packet)
			to, ok := lookupMap(t, v.Map, key)
			if !ok {
				continue
			}
			step.Key, step.Goto = key, to
			res.Trail = append(res.Trail, step)
			stack[len(stack)-1] = frame{c: chain(t, to)}
		default:
			panic(fmt.Sprintf("eval: unknown verdict %T", v))
		}
	}
	return res
}

func push(stack []frame, c *plan.Chain) []frame {
	if len(stack) == maxDepth {
		panic("eval: chains nested deeper than nft allows at " + c.Name)
	}
	return append(stack, frame{c: c})
}

func chain(t *plan.Table, name string) *plan.Chain {
	c := t.Chain(name)
	if c == nil {
		panic("eval: no chain " + name + " in table " + t.Family.String() + " " + t.Name)
	}
	return c
}

// apply runs one statement. Limits are assumed below their rate (the
// package comment); a log and a helper change nothing the rules can see.
func apply(s plan.Stmt, p Packet) Packet {
	switch s := s.(type) {
	case plan.SetMark:
		p.Mark |= s.Bits
	case plan.Limit, plan.Log, plan.SetHelper:
	default:
		panic(fmt.Sprintf("eval: unknown statement %T", s))
	}
	return p
}

// lookupMap is the chain the verdict map name sends key to, if it is in it.
func lookupMap(t *plan.Table, name string, key []string) (string, bool) {
	m := t.Map(name)
	if m == nil {
		panic("eval: no map " + name)
	}
	for _, e := range m.Elems {
		if slices.Equal(e.Key, key) {
			return e.Goto, true
		}
	}
	return "", false
}

// keys are the packet's values of ks, spelled as plan elements are.
func keys(ks []plan.Key, p *Packet) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		switch k {
		case plan.KeyIIFName:
			out[i] = p.IIF
		case plan.KeyOIFName:
			out[i] = p.OIF
		case plan.KeyBridge:
			out[i] = p.Bridge
		case plan.KeyEtherDst:
			out[i] = p.DstMAC
		default:
			panic(fmt.Sprintf("eval: unknown key %d", k))
		}
	}
	return out
}
