package lower

import "github.com/fwc-project/fwc/grammar"

// OptionDoc documents one option key for editors (hover, completion): what
// it does, fwc's default, and the values it takes when they are words.
type OptionDoc struct {
	Key    string
	Doc    string
	Values []string
}

var (
	boolean   = []string{"0", "1"}
	policy    = []string{"ACCEPT", "DROP", "REJECT"}
	logLevels = []string{"emerg", "alert", "crit", "err", "warning", "notice", "info", "debug", "nolog"}
)

// options are the keys each file kind knows (pve-format.md §3), in the
// order of the spec's tables; the key lists lower checks against come
// from here.
var options = map[grammar.Kind][]OptionDoc{
	grammar.Cluster: {
		{"enable", "Master switch (default 0: nothing is filtered). A value above 1 is PVE's temporary enable; fwc compiles it as disabled.", boolean},
		{"ebtables", "PVE only: generate the ebtables ruleset (default 1); fwc accepts and ignores it.", boolean},
		{"policy_in", "Host input policy (default DROP).", policy},
		{"policy_out", "Host output policy (default ACCEPT).", policy},
		{"policy_forward", "Policy of routed traffic through the host (default ACCEPT).", policy},
		{"log_ratelimit", "Rate limit of every log rule: [enable=]0|1[,burst=N][,rate=N/second|minute|hour|day] (default enable=1,rate=1/second,burst=5).", nil},
	},
	grammar.Host: {
		{"enable", "Host firewall on (default 1).", boolean},
		{"nftables", "PVE's switch to its nftables firewall (default 0); fwc accepts and ignores it.", boolean},
		{"log_level_in", "Log level of the host input policy rule (default nolog).", logLevels},
		{"log_level_out", "Log level of the host output policy rule (default nolog).", logLevels},
		{"log_level_forward", "Log level of the forward policy rule (default nolog).", logLevels},
		{"tcp_flags_log_level", "Log level for invalid TCP flag combinations (default nolog).", logLevels},
		{"smurf_log_level", "Log level for smurf packets (default nolog).", logLevels},
		{"nosmurfs", "Drop smurf packets (broadcast sources) (default 1).", boolean},
		{"tcpflags", "Drop invalid TCP flag combinations (default 0).", boolean},
		{"ndp", "Allow IPv6 neighbour discovery to and from the host (default 1).", boolean},
		{"nf_conntrack_allow_invalid", "Keep conntrack-invalid packets (default 0: dropped).", boolean},
		{"nf_conntrack_helpers", "Conntrack helpers to attach: amanda, ftp, irc, netbios-ns, pptp, sane, sip, snmp, tftp (default none).", nil},
		{"nf_conntrack_max", "sysctl nf_conntrack_max (default 262144); not ruleset content.", nil},
		{"nf_conntrack_tcp_timeout_established", "sysctl (default 432000 s); not ruleset content.", nil},
		{"nf_conntrack_tcp_timeout_syn_recv", "sysctl (default 60 s); not ruleset content.", nil},
		{"protection_synflood", "Drop SYNs above a per-source rate (default 0).", boolean},
		{"protection_synflood_rate", "SYNs per second and source above which SYNs are dropped (default 200).", nil},
		{"protection_synflood_burst", "Burst of the SYN flood limit (default 1000).", nil},
		{"protection_limit", "Accepted by PVE's parser and unused (no effect).", nil},
		{"log_nf_conntrack", "Tells pvefw-logger to log conntrack events (default 0); not ruleset content.", boolean},
	},
	grammar.Guest: {
		{"enable", "Guest firewall on (default 0: the guest's traffic passes unfiltered).", boolean},
		{"policy_in", "Policy of traffic to the guest (default DROP).", policy},
		{"policy_out", "Policy of traffic from the guest (default ACCEPT).", policy},
		{"log_level_in", "Log level of the guest's input policy rule (default nolog).", logLevels},
		{"log_level_out", "Log level of the guest's output policy rule (default nolog).", logLevels},
		{"macfilter", "Drop frames from the guest whose source MAC is not the NIC's (default 1).", boolean},
		{"ipfilter", "IP anti-spoofing with the ipfilter-net<N> sets (default 0).", boolean},
		{"dhcp", "Allow DHCP client traffic (default 1, as PVE's code does).", boolean},
		{"ndp", "Allow IPv6 neighbour discovery (default 1).", boolean},
		{"radv", "Allow the guest to send router advertisements and redirects (default 0).", boolean},
		{"ips", "PVE only: Suricata NFQUEUE (default 0); fwc does not support it.", boolean},
		{"ips_queues", "PVE only: Suricata queue N or N:M.", nil},
		{"layer2_protocols", "Ethertypes besides IPv4 and IPv6 the guest may send, comma-separated /etc/ethertypes names or hex numbers (ARP,LLDP,0x88b5); unset: all.", nil},
	},
	grammar.VNet: {
		{"enable", "VNet firewall on (default 0).", boolean},
		{"policy_forward", "Policy of the VNet's forwarded traffic (default ACCEPT).", []string{"ACCEPT", "DROP"}},
		{"log_level_forward", "Log level of the policy rule (default nolog).", logLevels},
	},
}

// OptionDocs documents the option keys of a file kind.
func OptionDocs(k grammar.Kind) []OptionDoc { return options[k] }

func keys(k grammar.Kind) []string {
	var out []string
	for _, o := range options[k] {
		out = append(out, o.Key)
	}
	return out
}
