package lower

import "github.com/fwc-project/fwc/ir"

// Check describes one diagnostic code: the public contract editors and CI
// scripts rely on, printed by `fwc lint --list`.
type Check struct {
	Code     string
	Severity ir.Severity
	Doc      string
}

// Checks lists every code fwc can report, grouped by stage.
var Checks = []Check{
	// grammar
	{"syntax", ir.Error, "a line does not have the shape of its section (option, alias, IP set entry, rule)"},
	{"section-not-allowed", ir.Error, "a section the file kind cannot have, e.g. [group] in host.fw"},
	{"data-outside-section", ir.Error, "a line before the first section header"},
	// tree
	{"not-a-tree", ir.Error, "a folder without firewall/cluster.fw: nothing says what the admin wants (exit 1, nothing written)"},
	{"node", ir.Error, "the node to check is not in the tree or cannot be chosen (a usage error, exit 80)"},
	{"io", ir.Error, "a path that cannot be read (exit 2)"},
	{"guest-config", ir.Error, "a bad netN line in a guest config (MAC, ip=, duplicate key)"},
	{"file-kind", ir.Error, "a single file whose kind cannot be told from its name"},
	// corosync.conf
	{"corosync-syntax", ir.Error, "a corosync.conf line that is not `key: value`, `name {` or `}`, or an unbalanced brace"},
	{"corosync-config", ir.Error, "a corosync.conf value fwc cannot use (transport, ip_version, link number, address, duplicate node)"},
	{"corosync-name", ir.Error, "a corosync.conf node address that is a host name and was not resolved (--resolve)"},
	{"corosync-node", ir.Warning, "the compiled node is not in corosync.conf's nodelist, so no corosync traffic is allowed for it"},
	{"corosync-family", ir.Warning, "a peer's link address of another family than this node's on that link (the link is not opened between them)"},
	// options
	{"unknown-option", ir.Warning, "an option key the file kind does not know"},
	{"duplicate-option", ir.Warning, "an option set twice; the last value wins"},
	{"invalid-option-value", ir.Error, "an option value of the wrong type or out of range"},
	{"firewall-disabled", ir.Note, "the cluster or host firewall is off: the ruleset filters nothing (cluster) or not the node's own traffic (host)"},
	{"enable-timestamp", ir.Warning, "cluster enable holds a timestamp (PVE's temporary enable), compiled as disabled"},
	{"no-local-network", ir.Warning, "local_network is unknown, so the management and corosync allowances are limited or open"},
	{"unsupported", ir.Warning, "a PVE feature fwc does not implement (ips, +sdn/ sets)"},
	// names and scopes
	{"invalid-name", ir.Error, "an alias, IP set or group name outside [A-Za-z][A-Za-z0-9_-]+"},
	{"name-too-long", ir.Warning, "a name over a kernel or PVE limit (group names over 18 characters)"},
	{"duplicate-name", ir.Error, "an alias, IP set or group defined twice in one scope"},
	{"name-case", ir.Warning, "a reference that differs in case from its definition (PVE would not resolve it)"},
	{"unknown-alias", ir.Error, "a reference to an alias that does not exist in its scope"},
	{"unknown-ipset", ir.Error, "a reference to an IP set that does not exist in its scope"},
	{"unknown-group", ir.Error, "a GROUP rule naming a security group that does not exist"},
	{"unused-alias", ir.Warning, "an alias nothing refers to"},
	{"unused-ipset", ir.Warning, "an IP set nothing refers to"},
	{"unused-group", ir.Warning, "a security group no rule enters"},
	// addresses and IP sets
	{"invalid-address", ir.Error, "an address, CIDR or range that does not parse"},
	{"host-bits", ir.Error, "a CIDR with host bits set: an error in rules, a warning (canonicalised) in IP sets and aliases"},
	{"mixed-family", ir.Error, "IPv4 and IPv6 mixed in one rule or address list"},
	{"duplicate-ipset-entry", ir.Warning, "an IP set entry given twice"},
	{"ipset-overlap", ir.Warning, "an IP set entry inside another entry of the same set"},
	// rules
	{"invalid-rule-type", ir.Error, "a rule type the rule list does not allow (e.g. FORWARD in a guest)"},
	{"invalid-action", ir.Error, "an action that is not ACCEPT, DROP, REJECT or Macro(VERDICT)"},
	{"verdict-case", ir.Warning, "a verdict not in upper case (PVE rejects it)"},
	{"unknown-macro", ir.Error, "a macro name that does not exist"},
	{"macro-conflict", ir.Error, "a rule option that contradicts its macro (e.g. SSH(ACCEPT) -p udp)"},
	{"empty-macro", ir.Warning, "a macro with no entries for the rule's address family"},
	{"unknown-rule-option", ir.Error, "a rule option fwc does not know"},
	{"duplicate-rule-option", ir.Error, "a rule option given twice"},
	{"invalid-group-rule", ir.Error, "an option other than -i on a GROUP rule"},
	{"iface-not-allowed", ir.Error, "-i where it has no meaning (group bodies, FORWARD rules, VNet rules)"},
	{"invalid-interface", ir.Error, "a host interface name that is not valid"},
	{"unknown-interface", ir.Error, "-i netN naming a NIC the guest does not have"},
	{"unknown-protocol", ir.Error, "a protocol that is neither a known name nor number"},
	{"missing-protocol", ir.Error, "-dport or -sport without -p (the rule would widen to every protocol)"},
	{"invalid-port", ir.Error, "a bad port, range or service name, or ports on a protocol without ports"},
	{"invalid-icmp-type", ir.Error, "an ICMP type that does not exist for the protocol, or used without it"},
	{"invalid-log-level", ir.Error, "a -log level that is not a syslog level word"},
	{"shadowed-rule", ir.Warning, "a rule that can never match because an earlier rule has the same match"},
	{"reject-degrades", ir.Note, "REJECT towards a guest rejects frames unicast to its MAC; flooded frames and host traffic are dropped"},
}
