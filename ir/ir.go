package ir

import "net/netip"

// Ruleset is everything fwc compiles for one node: the host firewall, the
// security groups it and the guests reference, the guests whose configs live
// on the node, and every IP set those rules use.
type Ruleset struct {
	Node         string
	Enabled      bool // cluster.fw "enable": the master switch
	LogRateLimit RateLimit
	Host         Host
	Groups       []Group // sorted by name
	Guests       []Guest // sorted by VMID
	Sets         []Set   // sorted by name
}

// RateLimit limits every log rule (cluster option log_ratelimit).
type RateLimit struct {
	Enabled bool
	Rate    int    // packets per Unit, at least 1
	Unit    string // "second", "minute", "hour" or "day"
	Burst   int
}

// Host is the node's own firewall: traffic to, from and routed by the host.
// Rule lists hold host.fw rules first, then cluster.fw rules, in file order.
type Host struct {
	Enabled bool // cluster enable and host.fw enable

	PolicyIn, PolicyOut, PolicyForward Verdict        // from cluster.fw; Jump never appears here
	LogIn, LogOut, LogForward          LogLevel       // policy log levels from host.fw
	PolicyPos                          [3]Pos         // where each policy was set (In, Out, Forward); zero when defaulted
	SmurfLog, TCPFlagsLog              LogLevel       // host.fw smurf_log_level, tcp_flags_log_level
	NDP                                bool           // allow neighbour discovery (default on)
	NoSmurfs                           bool           // drop smurfs (default on)
	TCPFlags                           bool           // drop illegal TCP flag combinations
	AllowInvalid                       bool           // nf_conntrack_allow_invalid
	Synflood                           *Synflood      // nil when protection_synflood is off
	Helpers                            []string       // conntrack helpers, validated names, in configured order
	Sysctls                            []Sysctl       // kernel settings host.fw asks for, applied beside the ruleset
	LocalNetwork                       []netip.Prefix // empty when unknown: rules needing it are left out
	Management                         string         // name of the management Set; always present when the host is enabled
	Blacklist                          string         // name of the blacklist Set, or "" when cluster.fw has none
	Corosync                           []netip.Prefix // fallback corosync allowance when the tree has no corosync.conf; empty = any source
	Cluster                            *Corosync      // the membership corosync.conf gives this node; nil when the tree has none

	In, Out, Forward []Rule
}

// Corosync is what corosync.conf says about this node's cluster links: its
// own address on each link and its peers' addresses on the same link.
type Corosync struct {
	Pos       Pos            // corosync.conf
	Transport string         // totem transport: "knet" (the default), "udp" (multicast) or "udpu"
	Links     []CorosyncLink // the links this node has an address on, by number; none when it is not in the nodelist
}

// Multicast reports whether the transport sends to a multicast group
// (transport udp), which the allowance must then also accept.
func (c *Corosync) Multicast() bool { return c.Transport == "udp" }

// CorosyncLink is one ring/link (ringN_addr): this node's address and the
// peers' addresses of the same family on that link.
type CorosyncLink struct {
	Number   int
	Local    netip.Addr
	LocalPos Pos
	Peers    []CorosyncPeer // sorted by node name
}

// CorosyncPeer is another cluster member's address on a link.
type CorosyncPeer struct {
	Pos  Pos // its ringN_addr value
	Node string
	Addr netip.Addr
}

// Sysctl is a kernel setting host.fw asks for (nf_conntrack_max, ...):
// PVE applies it with sysctl, not in the ruleset, and so does fwc (the
// sysctl fragment, apply.sh).
type Sysctl struct {
	Key   string // e.g. net.netfilter.nf_conntrack_max
	Value int
}

// Synflood is the per-source SYN rate limit (protection_synflood).
type Synflood struct {
	Rate  int // SYNs per second per source
	Burst int
}

// GuestKind tells VMs from containers; it decides interface names.
type GuestKind int

// Guest kinds.
const (
	VM GuestKind = iota // QEMU: tap<vmid>i<N>
	CT                  // LXC: veth<vmid>i<N>
)

func (k GuestKind) String() string {
	if k == CT {
		return "ct"
	}
	return "vm"
}

// Guest is one VM or container on the node.
type Guest struct {
	Pos     Pos // the guest's .fw file (or its config when it has none)
	VMID    int
	Kind    GuestKind
	Enabled bool // guest.fw enable; a disabled guest is not filtered at all

	PolicyIn, PolicyOut Verdict
	LogIn, LogOut       LogLevel
	MACFilter           bool // default on
	DHCP                bool // default on
	NDP                 bool // default on
	RAdv                bool // guest may send router advertisements
	// L2Protocols is layer2_protocols: the ethertypes besides IPv4 and
	// IPv6 the guest may send, sorted; nil when unset (all may leave).
	L2Protocols []uint16

	NICs    []NIC // every netN of the guest config, sorted by index
	In, Out []Rule
}

// NIC is one network interface of a guest as its config describes it.
type NIC struct {
	Pos      Pos
	Index    int            // N of netN
	Iface    string         // host-side interface name: tap<vmid>i<N> or veth<vmid>i<N>
	MAC      string         // canonical lower-case "aa:bb:cc:dd:ee:ff"; "" when the config has none
	Bridge   string         // e.g. "vmbr0"
	Firewall bool           // firewall=1: only such NICs are filtered
	Addrs    []netip.Prefix // LXC ip=/ip6= static addresses (with their prefix length)
	Gateways []netip.Addr   // LXC gw=/gw6=
	IPFilter string         // name of the Set allowed as source addresses, or "" when ipfilter is off for this NIC
	Tag      int            // tag=: the VLAN the bridge puts untagged frames in, 0 when none
	Trunks   []VLANRange    // trunks=: the VLANs the guest may tag its frames with; none: no tagged frames
}

// VLANRange is an inclusive range of VLAN ids (1..4094).
type VLANRange struct{ Lo, Hi int }

// Group is a security group from cluster.fw. Its rules are compiled once,
// in a shared chain per direction, and entered by GROUP rules.
type Group struct {
	Pos              Pos
	Name             string // canonical (lower-case) name
	Comment          string
	In, Out, Forward []Rule
}

// Set is a named address set: a cluster or guest IP set, or one fwc makes
// itself (management, ipfilter). Its content is final: entries resolved,
// nomatch entries subtracted, overlaps merged, sorted.
type Set struct {
	Pos     Pos
	Name    string // scoped: "dc/<name>" or "guest-<vmid>/<name>"
	Comment string
	V4, V6  []netip.Prefix
}

// Direction is where a rule list applies.
type Direction int

// Directions.
const (
	In Direction = iota
	Out
	Forward
)

func (d Direction) String() string {
	switch d {
	case In:
		return "in"
	case Out:
		return "out"
	case Forward:
		return "forward"
	}
	panic("ir: bad direction")
}

// Verdict is what a matching rule does.
type Verdict int

// Verdicts. Jump enters the security group named by Rule.Group.
const (
	Accept Verdict = iota
	Drop
	Reject
	Jump
)

func (v Verdict) String() string {
	switch v {
	case Accept:
		return "ACCEPT"
	case Drop:
		return "DROP"
	case Reject:
		return "REJECT"
	case Jump:
		return "GROUP"
	}
	panic("ir: bad verdict")
}

// Family restricts a rule to one address family.
type Family int

// Families. Any means the rule applies to IPv4 and IPv6 alike.
const (
	Any Family = iota
	IPv4
	IPv6
)

func (f Family) String() string {
	switch f {
	case Any:
		return "any"
	case IPv4:
		return "ipv4"
	case IPv6:
		return "ipv6"
	}
	panic("ir: bad family")
}

// LogLevel is a syslog severity; NoLog (the zero value) means no log rule.
type LogLevel int

// Log levels. The LOGID in log prefixes is the level minus one (emerg = 0).
const (
	NoLog LogLevel = iota
	Emerg
	Alert
	Crit
	Err
	Warn
	Notice
	Info
	Debug
)

var logNames = [...]string{"nolog", "emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"}

func (l LogLevel) String() string { return logNames[l] }

// ID is the numeric syslog severity used in log prefixes (emerg = 0).
func (l LogLevel) ID() int { return int(l) - 1 }

// Rule is one resolved firewall rule: every match is already concrete
// (aliases resolved, macros expanded, names checked). A rule matches a
// packet when every non-empty match matches.
type Rule struct {
	Pos  Pos   // the configuration line
	From []Pos // further source lines folded into this rule by an optimiser pass

	// Iface restricts the rule to an interface: for host rules the kernel
	// interface name (input interface for In, output for Out); for guest
	// rules the NIC's host-side name (tap100i0). Empty matches any.
	Iface  string
	Family Family // set when addresses, protocol or macro pin one family

	Proto    string // canonical protocol name ("tcp", "ipv6-icmp", "gre"); "" = any
	ProtoNum uint8
	Src, Dst Addr
	SPort    []PortRange // sorted, merged; empty = any
	DPort    []PortRange
	ICMP     []ICMPType // only with Proto "icmp" or "ipv6-icmp"; empty = any type

	Verdict Verdict
	Group   string // with Verdict Jump: the group's canonical name

	Log     LogLevel
	Comment string
	Macro   string // canonical macro name when the rule came from a macro
}

// Addr is an address match: a named set or a literal list. At most one of
// Set and the literal lists is used.
type Addr struct {
	Set      string // Set.Name
	Prefixes []netip.Prefix
	Ranges   []AddrRange
	Alias    string // the alias the literal came from, for messages only
}

// IsZero reports whether the match is empty (matches any address).
func (a Addr) IsZero() bool { return a.Set == "" && len(a.Prefixes) == 0 && len(a.Ranges) == 0 }

// AddrRange is an inclusive address range "a-b" of one family.
type AddrRange struct {
	From, To netip.Addr
}

// PortRange is an inclusive port range; a single port has Lo == Hi.
type PortRange struct {
	Lo, Hi uint16
}

// ICMPType is an ICMP or ICMPv6 type with an optional code.
type ICMPType struct {
	Type    uint8
	Code    uint8
	HasCode bool
}
