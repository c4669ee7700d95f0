package ir

// Code is a diagnostic's stable kebab-case identifier: the public contract
// editors and CI scripts rely on (suppression comments, --severity, SARIF
// rule ids). Every code is registered in Checks with its severity.
type Code string

// The codes fwc reports, grouped by stage like Checks.
const (
	CodeSyntax             Code = "syntax"
	CodeSectionNotAllowed  Code = "section-not-allowed"
	CodeDataOutsideSection Code = "data-outside-section"
	CodeNotATree           Code = "not-a-tree"
	CodeNode               Code = "node"
	CodeIO                 Code = "io"
	CodeGuestConfig        Code = "guest-config"
	CodeNicIndex           Code = "nic-index"
	// corosync.conf
	CodeCorosyncSyntax      Code = "corosync-syntax"
	CodeCorosyncConfig      Code = "corosync-config"
	CodeCorosyncName        Code = "corosync-name"
	CodeCorosyncNode        Code = "corosync-node"
	CodeCorosyncFamily      Code = "corosync-family"
	CodeFileKind            Code = "file-kind"
	CodeUnknownOption       Code = "unknown-option"
	CodeIgnoredOption       Code = "ignored-option"
	CodeDuplicateOption     Code = "duplicate-option"
	CodeInvalidOptionValue  Code = "invalid-option-value"
	CodeEnableTimestamp     Code = "enable-timestamp"
	CodeFirewallDisabled    Code = "firewall-disabled"
	CodeNoLocalNetwork      Code = "no-local-network"
	CodeManagementLockout   Code = "management-lockout"
	CodeUnsupported         Code = "unsupported"
	CodeSdnIpset            Code = "sdn-ipset"
	CodeInvalidName         Code = "invalid-name"
	CodeNameTooLong         Code = "name-too-long"
	CodeDuplicateName       Code = "duplicate-name"
	CodeNameCase            Code = "name-case"
	CodeUnknownAlias        Code = "unknown-alias"
	CodeUnknownIpset        Code = "unknown-ipset"
	CodeUnknownGroup        Code = "unknown-group"
	CodeUnusedAlias         Code = "unused-alias"
	CodeUnusedIpset         Code = "unused-ipset"
	CodeUnusedGroup         Code = "unused-group"
	CodeInvalidAddress      Code = "invalid-address"
	CodeHostBits            Code = "host-bits"
	CodeHostBitsMasked      Code = "host-bits-masked"
	CodeMixedFamily         Code = "mixed-family"
	CodeDuplicateIpsetEntry Code = "duplicate-ipset-entry"
	CodeIpsetOverlap        Code = "ipset-overlap"
	CodeInvalidRuleType     Code = "invalid-rule-type"
	CodeInvalidAction       Code = "invalid-action"
	CodeVerdictCase         Code = "verdict-case"
	CodeUnknownMacro        Code = "unknown-macro"
	CodeMacroConflict       Code = "macro-conflict"
	CodeEmptyMacro          Code = "empty-macro"
	CodeUnknownRuleOption   Code = "unknown-rule-option"
	CodeDuplicateRuleOption Code = "duplicate-rule-option"
	CodeInvalidGroupRule    Code = "invalid-group-rule"
	CodeIfaceNotAllowed     Code = "iface-not-allowed"
	CodeInvalidInterface    Code = "invalid-interface"
	CodeUnknownInterface    Code = "unknown-interface"
	CodeUnknownProtocol     Code = "unknown-protocol"
	CodeMissingProtocol     Code = "missing-protocol"
	CodeInvalidPort         Code = "invalid-port"
	CodeInvalidIcmpType     Code = "invalid-icmp-type"
	CodeInvalidLogLevel     Code = "invalid-log-level"
	CodeShadowedRule        Code = "shadowed-rule"
	CodeRejectDegrades      Code = "reject-degrades"
	// suppression comments
	CodeUnusedSuppression  Code = "unused-suppression"
	CodeInvalidSuppression Code = "invalid-suppression"
)

// Check describes one diagnostic code, printed by `fwc lint --list`.
type Check struct {
	Code     Code
	Severity Severity
	Doc      string
}

// Checks lists every code fwc can report, grouped by stage. A diagnostic's
// severity comes from here (see Diag).
var Checks = []Check{
	{CodeSyntax, Error, "a line does not have the shape of its section (option, alias, IP set entry, rule)"},
	{CodeSectionNotAllowed, Error, "a section the file kind cannot have, e.g. [group] in host.fw"},
	{CodeDataOutsideSection, Error, "a line before the first section header"},
	{CodeNotATree, Error, "a folder without firewall/cluster.fw: nothing says what the admin wants (exit 1, nothing written)"},
	{CodeNode, Error, "the node to check is not in the tree or cannot be chosen (a usage error, exit 80)"},
	{CodeIO, Error, "a path that cannot be read (exit 2)"},
	{CodeGuestConfig, Error, "a bad netN line in a guest config (MAC, ip=, duplicate key), or a VM and a container with one VMID"},
	{CodeNicIndex, Warning, "a netN key above net31 in a guest config"},
	{CodeFileKind, Error, "a single file whose kind cannot be told from its name"},
	// corosync.conf
	{CodeCorosyncSyntax, Error, "a corosync.conf line that is not `key: value`, `name {` or `}`, or an unbalanced brace"},
	{CodeCorosyncConfig, Error, "a corosync.conf value fwc cannot use (transport, ip_version, link number, address, duplicate node)"},
	{CodeCorosyncName, Error, "a corosync.conf node address that is a host name and was not resolved (--resolve)"},
	{CodeCorosyncNode, Warning, "the compiled node is not in corosync.conf's nodelist, so no corosync traffic is allowed for it"},
	{CodeCorosyncFamily, Warning, "a peer's link address of another family than this node's on that link (the link is not opened between them)"},
	{CodeUnknownOption, Warning, "an option key the file kind does not know"},
	{CodeIgnoredOption, Warning, "an option PVE honours that fwc does not (log_nf_conntrack, protection_limit, ebtables: 0)"},
	{CodeDuplicateOption, Warning, "an option set twice; the last value wins"},
	{CodeInvalidOptionValue, Error, "an option value of the wrong type or out of range"},
	{CodeFirewallDisabled, Note, "the cluster or host firewall is off: the ruleset filters nothing (cluster) or not the node's own traffic (host)"},
	{CodeEnableTimestamp, Warning, "cluster enable holds a timestamp (PVE's temporary enable), compiled as disabled"},
	{CodeManagementLockout, Warning, "the input policy drops and no local_network or management IP set entry says where management access comes from (a lockout on the next reload)"},
	{CodeNoLocalNetwork, Warning, "local_network is unknown, so the management and corosync allowances are limited or open"},
	{CodeUnsupported, Warning, "a PVE feature fwc does not implement (ips)"},
	{CodeSdnIpset, Error, "a reference to an SDN IP set (+sdn/...), which comes from the SDN configuration fwc does not read"},
	{CodeInvalidName, Error, "an alias, IP set or group name outside [A-Za-z][A-Za-z0-9_-]+"},
	{CodeNameTooLong, Warning, "a name over a kernel or PVE limit (group names over 18 characters)"},
	{CodeDuplicateName, Error, "an alias, IP set or group defined twice in one scope"},
	{CodeNameCase, Warning, "a reference that differs in case from its definition (PVE would not resolve it)"},
	{CodeUnknownAlias, Error, "a reference to an alias that does not exist in its scope"},
	{CodeUnknownIpset, Error, "a reference to an IP set that does not exist in its scope"},
	{CodeUnknownGroup, Error, "a GROUP rule naming a security group that does not exist"},
	{CodeUnusedAlias, Warning, "an alias nothing refers to"},
	{CodeUnusedIpset, Warning, "an IP set nothing refers to"},
	{CodeUnusedGroup, Warning, "a security group no rule enters"},
	{CodeInvalidAddress, Error, "an address, CIDR or range that does not parse"},
	{CodeHostBits, Error, "a CIDR with host bits set in a rule (the rule would be wider than written)"},
	{CodeHostBitsMasked, Warning, "an alias or IP set entry with host bits set, canonicalised to its network"},
	{CodeMixedFamily, Error, "IPv4 and IPv6 mixed in one rule or address list"},
	{CodeDuplicateIpsetEntry, Warning, "an IP set entry given twice"},
	{CodeIpsetOverlap, Warning, "an IP set entry inside another entry of the same set"},
	{CodeInvalidRuleType, Error, "a rule type the rule list does not allow (e.g. FORWARD in a guest)"},
	{CodeInvalidAction, Error, "an action that is not ACCEPT, DROP, REJECT or Macro(VERDICT)"},
	{CodeVerdictCase, Warning, "a verdict not in upper case (PVE rejects it)"},
	{CodeUnknownMacro, Error, "a macro name that does not exist"},
	{CodeMacroConflict, Error, "a rule option that contradicts its macro (e.g. SSH(ACCEPT) -p udp)"},
	{CodeEmptyMacro, Warning, "a macro with no entries for the rule's address family"},
	{CodeUnknownRuleOption, Error, "a rule option fwc does not know"},
	{CodeDuplicateRuleOption, Error, "a rule option given twice"},
	{CodeInvalidGroupRule, Error, "an option other than -i on a GROUP rule"},
	{CodeIfaceNotAllowed, Error, "-i where it has no meaning (group bodies, FORWARD rules, VNet rules)"},
	{CodeInvalidInterface, Error, "a host interface name that is not valid"},
	{CodeUnknownInterface, Error, "-i netN naming a NIC the guest does not have"},
	{CodeUnknownProtocol, Error, "a protocol that is neither a known name nor number"},
	{CodeMissingProtocol, Error, "-dport or -sport without -p (the rule would widen to every protocol)"},
	{CodeInvalidPort, Error, "a bad port, range or service name, or ports on a protocol without ports"},
	{CodeInvalidIcmpType, Error, "an ICMP type that does not exist for the protocol, or used without it"},
	{CodeInvalidLogLevel, Error, "a -log level that is not a syslog level word"},
	{CodeShadowedRule, Warning, "a rule that can never match because an earlier rule has the same match"},
	{CodeRejectDegrades, Note, "REJECT towards a guest rejects frames unicast to its MAC; flooded frames and host traffic are dropped"},
	// suppression comments
	{CodeUnusedSuppression, Warning, "a # fwc:ignore comment whose code no finding on its lines has (any more)"},
	{CodeInvalidSuppression, Error, "a # fwc:ignore comment without codes or naming a code fwc does not have"},
}

var checkByCode = func() map[Code]Check {
	m := make(map[Code]Check, len(Checks))
	for _, c := range Checks {
		m[c.Code] = c
	}
	return m
}()

// LookupCheck returns the registry entry of a code.
func LookupCheck(c Code) (Check, bool) {
	ch, ok := checkByCode[c]
	return ch, ok
}

// Severity is the code's registered severity. It panics for a code that
// is not registered: that is a bug in fwc, caught by its tests.
func (c Code) Severity() Severity {
	ch, ok := checkByCode[c]
	if !ok {
		panic("ir: unregistered diagnostic code " + string(c))
	}
	return ch.Severity
}
