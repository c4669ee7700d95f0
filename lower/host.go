package lower

import (
	"net/netip"

	"github.com/fwc-project/fwc/ir"
)

// lowerHost builds the node's own firewall: cluster policies, host.fw
// options, host.fw rules then cluster.fw rules, and the implicit sets.
func (l *lowerer) lowerHost(c Config, copts optionSet, o Options) ir.Host {
	hopts := collectOptions(c.Host, hostOptions, &l.d)
	h := ir.Host{
		Enabled:      hopts.boolean("enable", true),
		LogIn:        hopts.logLevel("log_level_in"),
		LogOut:       hopts.logLevel("log_level_out"),
		LogForward:   hopts.logLevel("log_level_forward"),
		SmurfLog:     hopts.logLevel("smurf_log_level"),
		TCPFlagsLog:  hopts.logLevel("tcp_flags_log_level"),
		NDP:          hopts.boolean("ndp", true),
		NoSmurfs:     hopts.boolean("nosmurfs", true),
		TCPFlags:     hopts.boolean("tcpflags", false),
		AllowInvalid: hopts.boolean("nf_conntrack_allow_invalid", false),
		Helpers:      hopts.helpers(),
	}
	h.PolicyIn, h.PolicyPos[0] = copts.policy("policy_in", ir.Drop, true)
	h.PolicyOut, h.PolicyPos[1] = copts.policy("policy_out", ir.Accept, true)
	h.PolicyForward, h.PolicyPos[2] = copts.policy("policy_forward", ir.Accept, false)
	// Runtime settings: checked here, applied by sysctl, not by the ruleset.
	for _, key := range []string{"nf_conntrack_max", "nf_conntrack_tcp_timeout_established", "nf_conntrack_tcp_timeout_syn_recv", "protection_limit"} {
		hopts.integer(key, 0)
	}
	hopts.boolean("log_nf_conntrack", false)
	hopts.boolean("nftables", false)
	copts.boolean("ebtables", true)
	if hopts.boolean("protection_synflood", false) {
		h.Synflood = &ir.Synflood{
			Rate:  hopts.integer("protection_synflood_rate", 200),
			Burst: hopts.integer("protection_synflood_burst", 1000),
		}
	}
	if c.Host != nil {
		for _, r := range c.Host.Rules {
			if res, ok := l.lowerLine(r, ruleEnv{kind: envHost}); ok {
				l.appendLowered(res, &h.In, &h.Out, &h.Forward)
			}
		}
	}
	if c.Cluster != nil {
		for _, r := range c.Cluster.Rules {
			if res, ok := l.lowerLine(r, ruleEnv{kind: envCluster}); ok {
				l.appendLowered(res, &h.In, &h.Out, &h.Forward)
			}
		}
	}
	h.LocalNetwork = l.localNetwork(c, o)
	h.Corosync = h.LocalNetwork
	h.Cluster = l.lowerCorosync(c.Corosync, c.Node, o)
	h.Management = "dc/management"
	if s, ok := l.dc.sets["blacklist"]; ok {
		s.used = true
		h.Blacklist = s.name
	}
	l.ensureManagement(h.LocalNetwork)
	h.Enabled = h.Enabled && c.Cluster != nil
	return h
}

// localNetwork is the local_network alias, else --local-network. Without
// either, the allowances that need it are left out; lint says so.
func (l *lowerer) localNetwork(c Config, o Options) []netip.Prefix {
	if a, ok := l.dc.aliases["local_network"]; ok {
		a.used = true
		return []netip.Prefix{a.prefix}
	}
	if len(o.LocalNetwork) > 0 {
		return o.LocalNetwork
	}
	if c.Cluster != nil {
		pos := ir.Pos{Filename: c.Cluster.Name}
		if len(c.Cluster.Options) > 0 {
			pos = c.Cluster.Options[0].Pos
		}
		l.d.Add(pos, ir.CodeNoLocalNetwork, "local_network is unknown (no [ALIASES] local_network and no --local-network): the management and corosync allowances are limited to the management IP set and open to any source respectively")
	}
	return nil
}

// ensureManagement makes the management set exist in dc scope and adds the
// local network to it, as PVE does.
func (l *lowerer) ensureManagement(local []netip.Prefix) {
	s, ok := l.dc.sets["management"]
	if !ok {
		s = &ipset{name: "dc/management"}
		l.dc.sets["management"] = s
		l.dc.order = append(l.dc.order, "management")
	}
	s.used = true
	for _, p := range local {
		s.entries = append(s.entries, setEntry{SetEntry: ir.SetEntry{Prefix: p}})
	}
}
