package grammar

import "github.com/fwc-project/fwc/ir"

// Kind is the kind of a .fw file; it decides which sections and rule types
// are allowed.
type Kind int

// File kinds.
const (
	Cluster Kind = iota // cluster.fw
	Host                // nodes/<node>/host.fw
	Guest               // <vmid>.fw
	VNet                // sdn/firewall/<vnet>.fw
)

func (k Kind) String() string {
	return [...]string{"cluster", "host", "guest", "vnet"}[k]
}

// File is one parsed .fw file. Lines are kept as written (values are plain
// strings); checking values is lower's job. Repeated [OPTIONS], [RULES] and
// [ALIASES] sections are merged in order; every [IPSET]/[group] header makes
// its own entry, even when a name repeats (lower reports that).
type File struct {
	Name    string // path as given
	Kind    Kind
	Options []*Option
	Aliases []*Alias
	IPSets  []*IPSet
	Rules   []*Rule
	Groups  []*Group
}

// Option is a "key: value" line of [OPTIONS].
type Option struct {
	Pos      ir.Pos
	Key      string // as written
	Value    string // trimmed; may be empty
	ValuePos ir.Pos
}

// Alias is a "name address [# comment]" line of [ALIASES].
type Alias struct {
	Pos     ir.Pos
	Name    string
	Addr    string
	AddrPos ir.Pos
	Comment string
}

// IPSet is an [IPSET name] section.
type IPSet struct {
	Pos     ir.Pos // the header
	Name    string // as written
	NamePos ir.Pos
	Comment string
	Entries []*IPSetEntry
}

// IPSetEntry is a "[!]address [# comment]" line of an IP set.
type IPSetEntry struct {
	Pos     ir.Pos
	NoMatch bool
	Addr    string // address, CIDR or alias reference
	AddrPos ir.Pos
	Comment string
}

// Group is a [group name] section.
type Group struct {
	Pos     ir.Pos
	Name    string // as written
	NamePos ir.Pos
	Comment string
	Rules   []*Rule
}

// Rule is one line of [RULES] or of a group body:
// "[|]TYPE ACTION [-opt value]... [# comment]".
type Rule struct {
	Pos       ir.Pos
	Disabled  bool   // leading "|"
	Type      string // IN, OUT, FORWARD or GROUP as written (any case)
	TypePos   ir.Pos
	Action    string // ACCEPT, SSH(ACCEPT), or the group name for GROUP
	ActionPos ir.Pos
	Options   []*RuleOption
	Comment   string
}

// RuleOption is one "-name value" pair of a rule.
type RuleOption struct {
	Pos      ir.Pos // the option word
	Name     string // as written, with its dashes: "-dport", "--source", "-i"
	Value    string
	ValuePos ir.Pos
}
