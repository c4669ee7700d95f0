package iptables

// The fixed chains, created on first use (pve-format.md §7.4, §10.2).

import "github.com/fwc-project/fwc/ir"

// fixed returns name, filling the chain when it is first created.
func (e *emitter) fixed(name string, fill func(c *chain)) string {
	if !e.filter.has(name) {
		fill(e.filter.chain(name))
	}
	return name
}

// setAccept sets the accept bit; entered with -g, it returns to the caller
// of the chain that went to it.
func (e *emitter) setAccept() string {
	return e.fixed(chAcceptMark, func(c *chain) {
		c.add("-j MARK --set-xmark 0x80000000/0x80000000")
	})
}

const clearMark = "-j MARK --set-xmark 0x0/0x80000000"

// rejectMark is the packet-mark bit of the answers FWC-reject makes. With
// net.ipv4.fwmark_reflect and net.ipv6.fwmark_reflect on (apply.sh sets
// them when there are guests), a reset or ICMP error carries the mark of
// the packet it answers. Conntrack may call such an answer INVALID on its
// way back to a firewalled guest: a reset is tracked again at every bridge
// it crosses, and an answer to a packet rejected on its first bridge
// refers to a connection never confirmed. The guest's IN chain accepts
// the bit first, so exactly fwc's own answers get through (the nft
// backend lets them through with "meta pkttype host").
const rejectMark = "0x40000000"

// rejectChain is PVE's PVEFW-reject: never answer broadcasts, multicasts
// or ICMP; TCP gets a reset, UDP port-unreachable, the rest prohibited.
// It first sets the reject bit (see rejectMark) on the packet, which the
// kernel copies to the answer.
func (e *emitter) rejectChain() string {
	return e.fixed(chReject, func(c *chain) {
		c.add("-j MARK --set-xmark " + rejectMark + "/" + rejectMark)
		if e.v6 {
			c.add("-p ipv6-icmp -j DROP")
			c.add("-p tcp -j REJECT --reject-with tcp-reset")
			c.add("-p udp -j REJECT --reject-with icmp6-port-unreachable")
			c.add("-j REJECT --reject-with icmp6-adm-prohibited")
			return
		}
		c.add("-m addrtype --dst-type BROADCAST -j DROP")
		c.add("-s 224.0.0.0/4 -j DROP")
		c.add("-p icmp -j DROP")
		c.add("-p tcp -j REJECT --reject-with tcp-reset")
		c.add("-p udp -j REJECT --reject-with icmp-port-unreachable")
		c.add("-j REJECT --reject-with icmp-host-prohibited")
	})
}

// noiseChain is PVE's PVEFW-Drop (or PVEFW-Reject when reject): traffic a
// DROP or REJECT policy disposes of without logging. Its ICMP accepts set
// the accept bit instead of accepting outright, so the calling chain
// applies its own accept (a guest OUT chain must not end the traversal
// before the receiver's IN chain).
func (e *emitter) noiseChain(reject bool) string {
	name, noisy := chDrop, "-j DROP"
	if reject {
		name, noisy = chRejectPol, "-j "+e.rejectChain()
	}
	return e.fixed(name, func(c *chain) {
		c.add(clearMark)
		if e.v6 {
			c.add("-p tcp -m tcp --dport 43 -j " + e.rejectChain())
		}
		c.add("-j " + e.dropBroadcast())
		accept := "-g " + e.setAccept()
		if e.v6 {
			c.add("-p ipv6-icmp -m icmp6 --icmpv6-type 1", accept)
			c.add("-p ipv6-icmp -m icmp6 --icmpv6-type 3", accept)
			c.add("-p ipv6-icmp -m icmp6 --icmpv6-type 2", accept)
		} else {
			c.add("-p icmp -m icmp --icmp-type 3/4", accept)
			c.add("-p icmp -m icmp --icmp-type 11", accept)
		}
		c.add("-m conntrack --ctstate INVALID -j DROP")
		c.add("-p udp -m multiport --dports 135,445", noisy)
		c.add("-p udp -m udp --dport 137:139", noisy)
		c.add("-p udp -m udp --sport 137 --dport 1024:65535", noisy)
		c.add("-p tcp -m multiport --dports 135,139,445", noisy)
		c.add("-p udp -m udp --dport 1900 -j DROP")
		c.add("-p tcp -m tcp ! --tcp-flags FIN,SYN,RST,ACK SYN -j DROP")
		c.add("-p udp -m udp --sport 53 -j DROP")
	})
}

func (e *emitter) dropBroadcast() string {
	return e.fixed(chBroadcast, func(c *chain) {
		if e.v6 {
			c.add("-d ff00::/8 -j DROP")
			return
		}
		c.add("-m addrtype --dst-type BROADCAST -j DROP")
		c.add("-m addrtype --dst-type MULTICAST -j DROP")
		c.add("-m addrtype --dst-type ANYCAST -j DROP")
		c.add("-d 224.0.0.0/4 -j DROP")
	})
}

// smurfs drops IPv4 packets from broadcast or multicast sources (replies
// to them would flood a network), logged at smurf_log_level.
func (e *emitter) smurfs() string {
	return e.fixed(chSmurfs, func(c *chain) {
		drop := e.fixed(chSmurfLog, func(l *chain) { e.logDrop(l, e.rs.Host.SmurfLog) })
		c.add("-s 0.0.0.0/32 -j RETURN")
		c.add("-m addrtype --src-type BROADCAST -g " + drop)
		c.add("-s 224.0.0.0/4 -g " + drop)
	})
}

// tcpflags drops TCP flag combinations no stack sends, logged at
// tcp_flags_log_level.
func (e *emitter) tcpflags() string {
	return e.fixed(chTCPFlags, func(c *chain) {
		drop := "-g " + e.fixed(chLogFlags, func(l *chain) { e.logDrop(l, e.rs.Host.TCPFlagsLog) })
		c.add("-p tcp -m tcp --tcp-flags FIN,SYN,RST,PSH,ACK,URG FIN,PSH,URG", drop)
		c.add("-p tcp -m tcp --tcp-flags FIN,SYN,RST,PSH,ACK,URG NONE", drop)
		c.add("-p tcp -m tcp --tcp-flags SYN,RST SYN,RST", drop)
		c.add("-p tcp -m tcp --tcp-flags FIN,SYN FIN,SYN", drop)
		c.add("-p tcp -m tcp --sport 0 --tcp-flags FIN,SYN,RST,ACK SYN", drop)
	})
}

// blacklist drops sources in the cluster's blacklist set, logged at
// log_level_in (PVE uses log_level_out by accident; the nft backend agrees
// on log_level_in).
func (e *emitter) blacklist(c *chain) {
	name := e.rs.Host.Blacklist
	if name == "" {
		return
	}
	drop := e.fixed(chBlacklist, func(l *chain) { e.logDrop(l, e.rs.Host.LogIn) })
	c.add(setMatch(e.set(name), "src"), "-g "+drop)
}

func (e *emitter) logDrop(c *chain, lvl ir.LogLevel) {
	if lvl != ir.NoLog {
		c.add(e.log(ctx{chain: c}, lvl, "DROP: "))
	}
	c.add("-j DROP")
}
