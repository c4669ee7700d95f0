package lower

import (
	"net/netip"

	"github.com/fwc-project/fwc/grammar"
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
	h.Sysctls = hopts.sysctls()
	hopts.ignored(hopts.boolean("log_nf_conntrack", false), "log_nf_conntrack", "conntrack events are logged by pvefw-logger, which fwc does not replace")
	hopts.ignored(hopts.integer("protection_limit", -1) >= 0, "protection_limit", "PVE does not use it either")
	copts.ignored(!copts.boolean("ebtables", true), "ebtables", "fwc always builds its MAC and ARP filters; macfilter: 0 in a guest's file switches them off for that guest")
	// nftables picks PVE's implementation, not what it filters: --target
	// makes that choice here, so the option has no effect and no warning.
	hopts.boolean("nftables", false)
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
	if !h.Enabled && c.Host != nil {
		l.noteDisabled(optionPos(c.Host, hopts, "enable"), "the host firewall is disabled (host.fw enable: 0): the ruleset does not filter the node's own traffic")
	}
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

// warnLockout warns when the host's input policy drops and nothing says
// where management access comes from: no local_network and an empty
// management IP set. Then the ruleset allows SSH and the web UI only
// where the host's own rules do, and the next reload is the most common
// way admins lock themselves out of a host.
func (l *lowerer) warnLockout(cluster *grammar.File, copts optionSet, h ir.Host) {
	if h.PolicyIn == ir.Accept || len(h.LocalNetwork) > 0 || len(l.dc.sets["management"].entries) > 0 {
		return
	}
	pos := h.PolicyPos[0]
	if !pos.IsValid() {
		pos = optionPos(cluster, copts, "enable")
	}
	l.d.Add(pos, ir.CodeManagementLockout, "the input policy is %s and nothing names the management network (no local_network, no --local-network, an empty management IP set): SSH and the web UI are reachable only where host rules accept them; a reload may lock you out", h.PolicyIn)
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
