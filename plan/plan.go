package plan

import (
	"net/netip"
	"time"

	"github.com/fwc-project/fwc/ir"
)

// Plan is the whole firewall of one node: the tables in load order. A
// disabled firewall (cluster enable: 0) has no tables; a table without a
// body (host firewall off, no filtered NIC) is left out, but backends still
// replace both of fwc's tables.
type Plan struct {
	Tables []*Table
}

// TableFamily is the netfilter family of a table.
type TableFamily int

// Table families.
const (
	Inet   TableFamily = iota // the host: input, output, forward
	Bridge                    // the guests: frames crossing the bridges
)

func (f TableFamily) String() string {
	if f == Bridge {
		return "bridge"
	}
	return "inet"
}

// Table is one table: its declarations and its chains, in print order.
type Table struct {
	Family  TableFamily
	Name    string      // "fwc"
	Sets    []*Set      // address sets first (in IR order), then fwc's own
	Maps    []*Map      // verdict maps
	Helpers []*CtHelper // conntrack helper objects
	Chains  []*Chain    // base chains first, then in the order they are made
}

// Chain returns the chain called name, or nil.
func (t *Table) Chain(name string) *Chain {
	for _, c := range t.Chains {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// Set returns the set called name, or nil.
func (t *Table) Set(name string) *Set {
	for _, s := range t.Sets {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// Map returns the verdict map called name, or nil.
func (t *Table) Map(name string) *Map {
	for _, m := range t.Maps {
		if m.Name == name {
			return m
		}
	}
	return nil
}

// Hook makes a chain a base chain. Base chains always have policy accept:
// every policy is an explicit rule at the end, so a half-loaded ruleset
// can never lock the host out.
type Hook struct {
	Name     string // "input", "output", "forward", "prerouting", "postrouting"
	Priority int    // 0 is nft's "filter" in the inet family (not in bridge: -200)
}

// Chain is a base chain (Hook set) or a regular chain entered by jump,
// goto or a verdict map.
type Chain struct {
	Name  string
	Hook  *Hook
	Role  Role
	Dir   ir.Direction // of the rules: RoleRules, RoleGroup, guest roles
	VMID  int          // guest roles: the guest; 0 elsewhere (also in log prefixes)
	NIC   *ir.NIC      // guest roles: the NIC the chain filters
	Group string       // RoleGroup: the group's canonical name
	Rules []*Rule
}

// Role tells what a chain is for, so backends and explain need not parse
// chain names.
type Role int

// Chain roles.
const (
	RoleInput                Role = iota // inet base: traffic to the host
	RoleOutput                           // inet base: traffic from the host
	RoleForward                          // inet base: traffic the host routes
	RoleHelpers                          // inet base (prerouting): conntrack helper assignment
	RoleRules                            // host.fw and cluster.fw rules of one direction (Dir)
	RoleGroup                            // a security group's rules for one direction (Dir); bridge IN groups exist twice, see RoleGuestInLate
	RoleSmurfs                           // PVE's PVEFW-smurfs
	RoleTCPFlags                         // PVE's PVEFW-tcpflags
	RoleLogDrop                          // logs (at the chain's level) and drops: blacklist, smurfs, TCP flags
	RolePolicy                           // the silent list before a DROP or REJECT policy (PVEFW-Drop/-Reject)
	RoleReject                           // how a REJECT answers (PVEFW-reject)
	RoleGuestDispatchOut                 // bridge base (prerouting): frames from a guest NIC, by interface
	RoleGuestDispatchUnicast             // bridge base (prerouting): frames to a firewalled NIC's MAC
	RoleGuestDispatchLate                // bridge base (postrouting): frames leaving through a guest NIC
	RoleBridged                          // bridge base (forward, before br_netfilter): marks bridged frames with BridgedMark
	RoleGuestOut                         // traffic from guest NIC (VMID, NIC)
	RoleGuestIn                          // traffic to guest NIC, unicast path: REJECT rejects, accepts mark
	RoleGuestInLate                      // traffic to guest NIC, postrouting path: REJECT can only drop
)

// Rule is one rule: all conditions must hold, then the statements run in
// order and the verdict (nil: none, evaluation goes on) applies.
type Rule struct {
	Match   []Cond
	Stmts   []Stmt
	Verdict Verdict
	Comment string // the user rule's comment, "" for built-in rules
	Origin  Origin
}

// Origin is where a rule comes from: a user rule (Rule set, Pos its line)
// or a built-in policy item (Item set, Pos the option or file behind it
// when known).
type Origin struct {
	Pos  ir.Pos
	Rule *ir.Rule // the user rule this plan rule is (part of)
	Item Item     // the built-in item; ItemUser for user rules
}

// Set is a named set. Address sets hold one family's half of an ir.Set
// (IRSet); the other sets are fwc's own.
type Set struct {
	Name     string
	Type     []DataType     // one entry, or several for a concatenation
	Prefixes []netip.Prefix // address sets: the elements (interval set)
	Ports    []ir.PortRange // port sets (TypeService): the elements (interval set)
	Tuples   [][]string     // other sets: one value per Type entry
	Dynamic  time.Duration  // > 0: filled by rules (meters), entries time out after this
	IRSet    string         // the ir.Set this is one family of, or ""
}

// DataType is the type of a set element or of one part of it.
type DataType int

// Data types.
const (
	TypeIPv4Addr DataType = iota
	TypeIPv6Addr
	TypeIfName
	TypeEtherAddr
	TypeService // a transport port
)

// Map is a verdict map: a key looked up in it picks a chain to go to.
type Map struct {
	Name  string
	Type  []DataType
	Elems []MapElem
}

// MapElem is one entry: key values (one per Type entry) and the chain
// the verdict goes to.
type MapElem struct {
	Key  []string
	Goto string
}

// CtHelper is a conntrack helper object (nf_conntrack_helpers).
type CtHelper struct {
	Name   string // object name, e.g. "helper-ftp"
	Type   string // kernel helper, e.g. "ftp"
	Proto  uint8  // 6 or 17
	V4Only bool   // the helper exists for IPv4 only
}
