package explain

import (
	"fmt"

	"github.com/fwc-project/fwc/ir"
)

// verdict is the outcome of a chain: none means the packet fell through
// (or returned) and the caller goes on.
type verdict int

const (
	none verdict = iota
	accepted
	dropped
	rejected
)

// ev evaluates one packet and records the steps it takes.
type ev struct {
	rs     *ir.Ruleset
	top    *topology
	p      *pkt
	steps  []Step
	notes  []string
	files  files
	link   bool // Packet.Link
	raw    bool // Packet.Raw, or a forged source
	unsent bool // neighbour discovery failed
	// rateLimited: a rate limit decides above some rate (Result).
	rateLimited bool
	iptables    *verdict // the iptables backend's verdict where it differs
}

// step records a rule that decided something.
func (e *ev) step(chain, match string, pos ir.Pos) {
	e.steps = append(e.steps, Step{Chain: chain, Match: match, Pos: pos})
}

func (e *ev) note(format string, args ...any) {
	e.notes = append(e.notes, fmt.Sprintf(format, args...))
}

// dialect is how a chain spells accept and reject, as emit/nft's dialect.
type dialect struct {
	bridge bool // bridge table
	mark   bool // IN chain of the unicast path: accepts set the mark
	late   bool // IN chain of the postrouting path: REJECT is a drop
}

// accept is the chain's accept; in the unicast IN path it also marks.
func (e *ev) accept(d dialect) verdict {
	if d.mark {
		e.p.mark = true
	}
	return accepted
}

// reject runs the chain's reject: do-reject, or a plain drop in the
// postrouting hook where the kernel cannot reject.
func (e *ev) reject(chain string, d dialect, pos ir.Pos) verdict {
	if d.late {
		v, _ := e.rejectOutcome(d)
		e.iptables = &v
		e.note("%s: REJECT is a DROP here: the kernel cannot reject in the bridge postrouting hook (flooded or host-sent frames); the iptables backend rejects", chain)
		e.step(chain, "REJECT degraded to drop", pos)
		return dropped
	}
	return e.doReject(d)
}

// userRules runs a list of IR rules: a user chain or a group chain. iface
// is the packet's interface for rules with -i, skipIface drops rules for
// other NICs (guest chains), and late selects -late group chains.
func (e *ev) userRules(chain string, rules []ir.Rule, dir ir.Direction, iface string, d dialect) verdict {
	for _, r := range rules {
		if r.Iface != "" && r.Iface != iface {
			continue
		}
		if !e.match(r) {
			continue
		}
		switch r.Verdict {
		case ir.Jump:
			name := groupChain(r.Group, dir, d.late)
			e.step(chain, r.String()+" -> jump "+name, r.Pos)
			if v := e.group(name, r.Group, dir, iface, d); v != none {
				return v
			}
		case ir.Accept:
			e.step(chain, r.String(), r.Pos)
			return e.accept(d)
		case ir.Drop:
			e.step(chain, r.String(), r.Pos)
			return dropped
		case ir.Reject:
			e.step(chain, r.String(), r.Pos)
			return e.reject(chain, d, r.Pos)
		}
	}
	return none
}

// group runs a security group's chain for dir.
func (e *ev) group(chain, name string, dir ir.Direction, iface string, d dialect) verdict {
	for _, g := range e.rs.Groups {
		if g.Name != name {
			continue
		}
		rules := [3][]ir.Rule{g.In, g.Out, g.Forward}[dir]
		if d.bridge {
			iface = "" // group rules in the bridge table have no -i (lower)
		}
		v := e.userRules(chain, rules, dir, iface, d)
		if v == none {
			e.step(chain, "end of group, return", g.Pos)
		}
		return v
	}
	return none
}

// groupChain names a group's chain as emit/nft does.
func groupChain(name string, dir ir.Direction, late bool) string {
	s := "group-" + name + "-" + dir.String()
	if late {
		s += "-late"
	}
	return s
}

// conntrack is the connection-state shortcut at the top of most chains.
// In the bridge table it applies to IP only.
func (e *ev) conntrack(chain string, d dialect, pos ir.Pos) verdict {
	if e.p.arp || e.p.untracked {
		return none
	}
	if e.p.invalid && !e.rs.Host.AllowInvalid {
		e.step(chain, "ct state invalid drop", pos)
		return dropped
	}
	if e.p.state != Established {
		return none
	}
	e.step(chain, "ct state established,related accept", pos)
	return e.accept(d)
}

// blacklist drops sources in the cluster's blacklist set.
func (e *ev) blacklist(chain string) verdict {
	name := e.rs.Host.Blacklist
	if name == "" || !e.p.ip() || !e.inSet(name, e.p.src) {
		return none
	}
	e.step(chain, fmt.Sprintf("source %s in blacklist set @%s -> goto blacklist-drop", e.p.src, name), e.setPos(name))
	return dropped
}

// policy is a chain's closing policy with PVE's silent-drop list first.
func (e *ev) policy(chain string, v ir.Verdict, d dialect, pos ir.Pos) verdict {
	if v == ir.Accept {
		e.step(chain, "policy ACCEPT", pos)
		return e.accept(d)
	}
	final := func(what string) verdict {
		e.step(chain, what, pos)
		if v == ir.Reject {
			return e.reject(chain, d, pos)
		}
		return dropped
	}
	if r := e.noise(chain, d, v, final, pos); r != none {
		return r
	}
	return final("policy " + v.String())
}

// noise is PVE's PVEFW-Drop / PVEFW-Reject list as emit/nft writes it.
// final gives the policy's own verdict for the Windows ports.
func (e *ev) noise(chain string, d dialect, v ir.Verdict, final func(string) verdict, pos ir.Pos) verdict {
	p := e.p
	silent := func(what string, v verdict) verdict {
		e.step(chain, "policy silent list: "+what, pos)
		if v == accepted {
			return e.accept(d)
		}
		return v
	}
	tcp, udp := p.proto == 6 && !p.arp, p.proto == 17 && !p.arp
	switch {
	case p.fam == 6 && tcp && p.dport == 43:
		e.step(chain, "policy silent list: ip6 tcp dport 43 -> reject", pos)
		return e.reject(chain, d, pos)
	case d.bridge && p.pkttype() != "unicast":
		return silent("meta pkttype "+p.pkttype()+" drop", dropped)
	case !d.bridge && p.ip() && e.top.addrType(p.dst) != "unicast":
		return silent("fib daddr type "+e.top.addrType(p.dst)+" drop", dropped)
	case p.fam != 0 && p.dst.IsMulticast():
		return silent("multicast destination drop", dropped)
	case p.fam == 4 && p.proto == 1 && p.icmp == 3 && p.code == 4:
		return silent("icmp frag-needed accept", accepted)
	case p.fam == 4 && p.proto == 1 && p.icmp == 11:
		return silent("icmp time-exceeded accept", accepted)
	case p.fam == 6 && p.proto == 58 && p.icmp >= 1 && p.icmp <= 3:
		return silent("icmpv6 destination-unreachable, packet-too-big, time-exceeded accept", accepted)
	case p.invalid:
		return silent("ct state invalid drop", dropped)
	case udp && (p.dport == 135 || p.dport >= 137 && p.dport <= 139 || p.dport == 445):
		return final("policy silent list: udp dport { 135, 137-139, 445 } " + v.String())
	case udp && p.sport == 137 && p.dport >= 1024:
		return final("policy silent list: udp sport 137 udp dport 1024-65535 " + v.String())
	case tcp && (p.dport == 135 || p.dport == 139 || p.dport == 445):
		return final("policy silent list: tcp dport { 135, 139, 445 } " + v.String())
	case udp && p.dport == 1900:
		return silent("udp dport 1900 drop", dropped)
	case tcp && p.flags&(FIN|SYN|RST|ACK) != SYN:
		return silent("tcp flags & (fin|syn|rst|ack) != syn drop", dropped)
	case udp && p.sport == 53:
		return silent("udp sport 53 drop", dropped)
	}
	return none
}

// doReject is the do-reject chain: no answer to broadcasts, multicast
// sources or ICMP, else a reset or an ICMP error.
func (e *ev) doReject(d dialect) verdict {
	v, what := e.rejectOutcome(d)
	e.step("do-reject", what, ir.Pos{})
	return v
}

// rejectOutcome is what do-reject does with the packet, and the rule.
func (e *ev) rejectOutcome(d dialect) (verdict, string) {
	p := e.p
	switch {
	case d.bridge && p.pkttype() == "broadcast":
		return dropped, "meta pkttype broadcast drop"
	case !d.bridge && p.ip() && e.top.addrType(p.dst) == "broadcast":
		return dropped, "fib daddr type broadcast drop"
	case p.fam == 4 && netipMulticast4(p):
		return dropped, "ip saddr 224.0.0.0/4 drop"
	case !p.ip():
		return dropped, "drop (not IP)"
	case p.proto == 1 || p.proto == 58:
		return dropped, "meta l4proto { icmp, icmpv6 } drop"
	case p.proto == 6:
		return rejected, "meta l4proto tcp reject with tcp reset"
	case p.proto == 17:
		return rejected, "meta l4proto udp reject with icmpx port-unreachable"
	case p.fam == 4:
		return rejected, "reject with icmp host-prohibited"
	}
	return rejected, "reject with icmpv6 admin-prohibited"
}

func netipMulticast4(p *pkt) bool { return p.src.Is4() && p.src.IsMulticast() }
