package iptables

import (
	"fmt"
	"strings"

	"github.com/fwc-project/fwc/ir"
)

// acceptMark is the packet-mark bit that says "accepted" without ending
// the traversal (pve-format.md §10.3). A chain that may accept on behalf of
// its caller (a security group, the policy noise lists) clears the bit
// first and sets it through chSetAccept; the caller tests it right after
// the jump, with the same match, so a stale bit is never read.
const acceptMark = "-m mark --mark 0x80000000/0x80000000"

// ctx is where a rule list is compiled.
type ctx struct {
	chain  *chain
	vmid   int    // for log prefixes: 0 for host and groups
	accept string // what ACCEPT means here: -j RETURN, -j ACCEPT or -g FWC-SET-ACCEPT-MARK
	ifFlag string // "-i"/"-o" for host rules, "" in per-NIC chains
	dir    ir.Direction
}

// rules compiles rs in order into c.
func (e *emitter) rules(c ctx, rs []ir.Rule) error {
	for _, r := range rs {
		if err := e.rule(c, r); err != nil {
			return err
		}
	}
	return nil
}

// rule compiles one rule: per alternative, the log rule (same match, as PVE
// places it) and the verdict; a group jump is followed by the accept-mark
// test that turns the group's ACCEPT into this chain's.
func (e *emitter) rule(c ctx, r ir.Rule) error {
	alts, err := e.matches(r, c.ifFlag)
	if err != nil {
		return err
	}
	target := ""
	switch r.Verdict {
	case ir.Accept:
		target = c.accept
	case ir.Drop:
		target = "-j DROP"
	case ir.Reject:
		target = "-j " + e.rejectChain()
	case ir.Jump:
		g, err := e.useGroup(r.Group, c.dir)
		if err != nil {
			return err
		}
		target = "-j " + g
	}
	comment := ""
	if r.Comment != "" {
		comment = "-m comment --comment " + quote(r.Comment, maxComment)
	}
	for _, m := range alts {
		if r.Log != ir.NoLog {
			c.chain.add(m, e.log(c, r.Log, r.Verdict.String()+": "))
		}
		c.chain.add(m, comment, target)
		if r.Verdict == ir.Jump {
			c.chain.add(m, acceptMark, c.accept)
		}
	}
	return nil
}

// log is the log target: NFLOG with PVE's prefix ":<vmid>:<logid>:<chain>:
// <message>", read by pvefw-logger, rate-limited by log_ratelimit. The
// prefix stays within NFLOG's 64 characters: chain names have at most 28,
// VMIDs 9 digits and the longest message is "policy REJECT: ".
//
// With Options.KernelLog it is LOG at the rule's level instead, whose
// prefix has at most 29 characters: "<chain without FWC-> <message>",
// cut at 29 (the level is LOG's own, the VMID is in the chain name).
func (e *emitter) log(c ctx, lvl ir.LogLevel, msg string) string {
	limit := ""
	if rl := e.rs.LogRateLimit; rl.Enabled {
		limit = fmt.Sprintf("-m limit --limit %d/%s", rl.Rate, rateUnit[rl.Unit])
		if rl.Burst > 0 {
			limit += fmt.Sprintf(" --limit-burst %d", rl.Burst)
		}
	}
	if e.o.KernelLog {
		prefix := quote(strings.TrimPrefix(c.chain.name, "FWC-")+" "+msg, maxLogPrefix)
		return join(limit, fmt.Sprintf("-j LOG --log-level %d --log-prefix %s", lvl.ID(), prefix))
	}
	prefix := fmt.Sprintf(":%d:%d:%s: %s", c.vmid, lvl.ID(), c.chain.name, msg)
	return join(limit, fmt.Sprintf("-j NFLOG --nflog-group %d --nflog-prefix %q", e.o.LogGroup, prefix))
}

var rateUnit = map[string]string{"second": "sec", "minute": "min", "hour": "hour", "day": "day"}

// policy ends a chain: ACCEPT is the chain's accept; DROP and REJECT first
// pass the PVE noise lists (§7.4), which dispose of broadcasts, SMB and
// similar chatter without logging and let vital ICMP through, then log
// and give the verdict. ACCEPT policies are never logged (PVE).
func (e *emitter) policy(c ctx, v ir.Verdict, lvl ir.LogLevel) {
	logRule := func() {
		if lvl != ir.NoLog {
			c.chain.add(e.log(c, lvl, "policy "+v.String()+": "))
		}
	}
	switch v {
	case ir.Accept:
		c.chain.add(c.accept)
	case ir.Drop:
		c.chain.add("-j " + e.noiseChain(false))
		c.chain.add(acceptMark, c.accept)
		logRule()
		c.chain.add("-j DROP")
	case ir.Reject:
		c.chain.add("-j " + e.noiseChain(true))
		c.chain.add(acceptMark, c.accept)
		logRule()
		c.chain.add("-j " + e.rejectChain())
	default:
		panic("iptables: bad policy " + v.String())
	}
}

// conntrack is the usual head of a chain: invalid traffic dropped unless
// the host allows it, established and related traffic accepted.
func (e *emitter) conntrack(c *chain, accept string) {
	if !e.rs.Host.AllowInvalid {
		c.add("-m conntrack --ctstate INVALID -j DROP")
	}
	c.add("-m conntrack --ctstate RELATED,ESTABLISHED", accept)
}
