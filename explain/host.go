package explain

import (
	"fmt"

	"github.com/fwc-project/fwc/ir"
)

// Ports kept open under any input policy (emit/nft host.go).
var (
	managementPorts = []ir.PortRange{{Lo: 22, Hi: 22}, {Lo: 3128, Hi: 3128}, {Lo: 5900, Hi: 5999}, {Lo: 8006, Hi: 8006}, {Lo: 60000, Hi: 60050}}
	localPorts      = []ir.PortRange{{Lo: 22, Hi: 22}, {Lo: 3128, Hi: 3128}, {Lo: 5900, Hi: 5999}, {Lo: 8006, Hi: 8006}}
)

var hostD = dialect{}

// input is the inet input chain, in emit/nft's order.
func (e *ev) input() verdict {
	h, p := &e.rs.Host, e.p
	const c = "input"
	hf := e.files.host
	if v := e.conntrack(c, hostD, hf); v != none {
		return v
	}
	if h.NDP && p.fam == 6 && p.proto == 58 && p.icmp >= 133 && p.icmp <= 136 {
		e.step(c, "icmpv6 neighbour discovery accept (ndp)", hf)
		return accepted
	}
	if v := e.blacklist(c); v != none {
		return v
	}
	if h.Synflood != nil && p.proto == 6 && p.flags&(FIN|SYN|RST|ACK) == SYN {
		e.rateLimited = true
		e.note("protection_synflood: a source (IPv4 address or IPv6 /64) sending more than %d SYNs per second (burst %d) is dropped in input; this answer is for one below the limit", h.Synflood.Rate, h.Synflood.Burst)
	}
	if h.NoSmurfs && p.fam == 4 && (p.state == New || p.invalid) {
		if v := e.smurfs(); v != none {
			return v
		}
	}
	if h.TCPFlags && p.proto == 6 {
		if v := e.tcpFlags(); v != none {
			return v
		}
	}
	if p.proto == 2 {
		e.step(c, "meta l4proto igmp accept", hf)
		return accepted
	}
	if v := e.userRules("host-in", h.In, ir.In, p.iif, hostD); v != none {
		return v
	}
	if v := e.allowances(); v != none {
		return v
	}
	return e.policy(c, h.PolicyIn, hostD, e.policyPos(0))
}

// policyPos is where a host policy was set, else cluster.fw.
func (e *ev) policyPos(i int) ir.Pos {
	if p := e.rs.Host.PolicyPos[i]; p.IsValid() {
		return p
	}
	return e.files.cluster
}

func (e *ev) smurfs() verdict {
	p := e.p
	var why string
	switch {
	case p.src == zero4:
		return none // a DHCP client: smurfs returns
	case e.top.addrType(p.src) == "broadcast":
		why = "fib saddr type broadcast"
	case p.src.IsMulticast():
		why = "ip saddr 224.0.0.0/4"
	default:
		return none
	}
	e.step("smurfs", why+" -> goto smurf-drop", e.files.host)
	return dropped
}

func (e *ev) tcpFlags() verdict {
	f := e.p.flags & (FIN | SYN | RST | PSH | ACK | URG)
	var why string
	switch {
	case f == FIN|PSH|URG:
		why = "fin|psh|urg"
	case f == 0:
		why = "no flags"
	case f&(SYN|RST) == SYN|RST:
		why = "syn and rst"
	case f&(FIN|SYN) == FIN|SYN:
		why = "fin and syn"
	case e.p.sport == 0 && f&(FIN|SYN|RST|ACK) == SYN:
		why = "syn from source port 0"
	default:
		return none
	}
	e.step("tcpflags", "illegal tcp flags ("+why+") -> goto tcpflags-drop", e.files.host)
	return dropped
}

// allowances keep management, corosync and vital ICMP open.
func (e *ev) allowances() verdict {
	h, p := &e.rs.Host, e.p
	const c = "input"
	if p.proto == 6 && inPorts(managementPorts, p.dport) && e.inSet(h.Management, p.src) {
		e.step(c, fmt.Sprintf("management: source in @%s, tcp dport { 22, 3128, 5900-5999, 8006, 60000-60050 } accept", h.Management), e.setPos(h.Management))
		return accepted
	}
	if h.Cluster != nil {
		if v := e.corosyncMembers(c, ir.In); v != none {
			return v
		}
	} else if p.proto == 17 && p.dport >= 5405 && p.dport <= 5412 && (len(h.Corosync) == 0 || inPrefixes(h.Corosync, p.src)) {
		e.step(c, "corosync: udp dport 5405-5412 accept", e.files.cluster)
		return accepted
	}
	if p.fam == 4 && p.proto == 1 && (p.icmp == 3 || p.icmp == 4 || p.icmp == 11) {
		e.step(c, "icmp type { destination-unreachable, source-quench, time-exceeded } accept", e.files.host)
		return accepted
	}
	if p.fam == 6 && p.proto == 58 && p.icmp >= 1 && p.icmp <= 4 {
		e.step(c, "icmpv6 type { destination-unreachable, packet-too-big, time-exceeded, parameter-problem } accept", e.files.host)
		return accepted
	}
	return none
}

// corosyncMembers is the corosync allowance corosync.conf gives (package
// plan, corosyncMembers): UDP 5404-5412 on a link between this node's
// address and a peer's, from the peer (In) or to it (Out), and with
// transport udp to a multicast group.
func (e *ev) corosyncMembers(c string, dir ir.Direction) verdict {
	cs, p := e.rs.Host.Cluster, e.p
	if p.proto != 17 || p.dport < 5404 || p.dport > 5412 {
		return none
	}
	for _, l := range cs.Links {
		for _, peer := range l.Peers {
			src, dst := peer.Addr, l.Local
			if dir == ir.Out {
				src, dst = l.Local, peer.Addr
			}
			if p.src == src && p.dst == dst {
				e.step(c, fmt.Sprintf("corosync: link %d, %s -> %s (%s), udp dport 5404-5412 accept", l.Number, src, dst, peer.Node), l.LocalPos)
				return accepted
			}
			if cs.Multicast() && p.dst.IsMulticast() && p.src == src && (dir == ir.In || src == l.Local) {
				e.step(c, fmt.Sprintf("corosync: link %d, %s -> multicast, udp dport 5404-5412 accept", l.Number, src), l.LocalPos)
				return accepted
			}
		}
	}
	return none
}

// output is the inet output chain.
func (e *ev) output() verdict {
	h, p := &e.rs.Host, e.p
	const c = "output"
	hf := e.files.host
	if v := e.conntrack(c, hostD, hf); v != none {
		return v
	}
	if h.NDP && p.fam == 6 && p.proto == 58 && (p.icmp == 133 || p.icmp == 135 || p.icmp == 136) {
		e.step(c, "icmpv6 neighbour discovery accept (ndp)", hf)
		return accepted
	}
	if p.proto == 2 {
		e.step(c, "meta l4proto igmp accept", hf)
		return accepted
	}
	if v := e.userRules("host-out", h.Out, ir.Out, p.oif, hostD); v != none {
		return v
	}
	if p.proto == 6 && inPorts(localPorts, p.dport) && inPrefixes(h.LocalNetwork, p.dst) {
		e.step(c, "local_network: tcp dport { 22, 3128, 5900-5999, 8006 } accept", e.files.cluster)
		return accepted
	}
	if h.Cluster != nil {
		if v := e.corosyncMembers(c, ir.Out); v != none {
			return v
		}
	}
	return e.policy(c, h.PolicyOut, hostD, e.policyPos(1))
}

// forward is the inet forward chain: traffic the host routes.
func (e *ev) forward() verdict {
	h := &e.rs.Host
	const c = "forward"
	if v := e.conntrack(c, hostD, e.files.host); v != none {
		return v
	}
	if v := e.userRules("host-forward", h.Forward, ir.Forward, "", hostD); v != none {
		return v
	}
	return e.policy(c, h.PolicyForward, hostD, e.policyPos(2))
}
