package nft

import (
	"fmt"
	"strings"

	"github.com/fwc-project/fwc/ir"
)

// kernelLevels are nft's names of the syslog levels, indexed by ir.LogLevel.
var kernelLevels = [...]string{"", "emerg", "alert", "crit", "err", "warn", "notice", "info", "debug"}

// logStmt renders the statements of a log rule: the cluster's rate limit,
// then the log with PVE's prefix ":<vmid>:<level>:<chain>: <msg>", which
// pvefw-logger parses.
func (e *emitter) logStmt(lvl ir.LogLevel, d dialect, msg string) string {
	var w []string
	if rl := e.rs.LogRateLimit; rl.Enabled {
		s := fmt.Sprintf("limit rate %d/%s", rl.Rate, rl.Unit)
		// nft refuses burst 0; without a burst it uses 5, as iptables
		// does when PVE leaves --limit-burst out for 0.
		if rl.Burst > 0 {
			s += fmt.Sprintf(" burst %d packets", rl.Burst)
		}
		w = append(w, s)
	}
	prefix := fmt.Sprintf(":%d:%d:%s: %s", d.vmid, lvl.ID(), d.chain, msg)
	w = append(w, "log prefix "+quotePrefix(prefix))
	if e.o.KernelLog {
		w = append(w, "level "+kernelLevels[lvl])
	} else {
		w = append(w, fmt.Sprintf("group %d", e.o.LogGroup))
	}
	return strings.Join(w, " ")
}

// policy appends a chain's policy. ACCEPT is a plain accept, never logged
// (PVE). DROP and REJECT first dispose of noise without logging, then log
// with msg "policy DROP: " or "policy REJECT: ", then give the verdict.
// The noise rules live in one chain per table, policy and dialect: inline
// in every guest chain, their anonymous sets (kernel objects) made a
// thousand guests take 20 s to load instead of half a second.
func (e *emitter) policy(c *chain, v ir.Verdict, lvl ir.LogLevel, d dialect) {
	if v == ir.Accept {
		c.add(d.accept)
		return
	}
	final := "drop"
	if v == ir.Reject {
		final = d.reject
	}
	name := "policy-" + strings.ToLower(v.String()) + d.variant()
	if !c.t.hasChain(name) {
		noise(c.t.newChain(name, ""), final, d)
	}
	c.add("jump", name)
	if lvl != ir.NoLog {
		c.add(e.logStmt(lvl, d, "policy "+v.String()+": "))
	}
	c.add(final)
}

// noise is PVE's PVEFW-Drop / PVEFW-Reject list: broadcast and multicast,
// invalid packets, Windows name service and UPnP chatter, stray TCP and DNS
// replies are disposed of silently, vital ICMP errors are let through.
// smb is the verdict for the Windows ports: drop, or reject under a REJECT
// policy.
func noise(c *chain, smb string, d dialect) {
	c.add(d.family(ir.IPv6), "tcp dport 43", d.reject) // PVE does this, in both lists
	if d.bridge {
		c.add("meta pkttype { broadcast, multicast } drop")
	} else {
		c.add("fib daddr type { broadcast, multicast, anycast } drop")
	}
	c.add("ip daddr 224.0.0.0/4 drop")
	c.add("ip6 daddr ff00::/8 drop")
	c.add("icmp type destination-unreachable icmp code frag-needed", d.accept)
	c.add("icmp type time-exceeded", d.accept)
	c.add("icmpv6 type { destination-unreachable, packet-too-big, time-exceeded }", d.accept)
	c.add(d.ctGuard(), "ct state invalid drop")
	c.add("udp dport { 135, 137-139, 445 }", smb)
	c.add("udp sport 137 udp dport 1024-65535", smb)
	c.add("tcp dport { 135, 139, 445 }", smb)
	c.add("udp dport 1900 drop")
	c.add("tcp flags & (fin|syn|rst|ack) != syn drop")
	c.add("udp sport 53 drop")
}

// doReject adds the chain behind every REJECT, PVE's PVEFW-reject: no
// answer to broadcasts, multicast sources or ICMP; TCP gets a reset, UDP
// port-unreachable, anything else host-prohibited (IPv6: admin-prohibited).
func doReject(t *table, d dialect) {
	c := t.newChain("do-reject", "")
	if d.bridge {
		c.add("meta pkttype broadcast drop")
	} else {
		c.add("fib daddr type broadcast drop")
	}
	c.add("ip saddr 224.0.0.0/4 drop")
	c.add("meta l4proto { icmp, icmpv6 } drop")
	c.add("meta l4proto tcp reject with tcp reset")
	c.add("meta l4proto udp reject with icmpx port-unreachable")
	c.add(d.family(ir.IPv4), "reject with icmp host-prohibited")
	c.add(d.family(ir.IPv6), "reject with icmpv6 admin-prohibited")
	c.add("drop")
}

// logDrop adds a chain that logs at lvl and drops.
func (e *emitter) logDrop(t *table, name string, lvl ir.LogLevel) {
	c := t.newChain(name, "")
	if lvl != ir.NoLog {
		c.add(e.logStmt(lvl, dialect{chain: name}, "DROP: "))
	}
	c.add("drop")
}

// conntrack appends the connection-state shortcut: invalid packets are
// dropped (unless nf_conntrack_allow_invalid), established and related
// ones accepted.
func (e *emitter) conntrack(c *chain, d dialect) {
	if !e.rs.Host.AllowInvalid {
		c.add(d.ctGuard(), "ct state invalid drop")
	}
	c.add(d.ctGuard(), "ct state established,related", d.accept)
}
