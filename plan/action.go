package plan

import "github.com/fwc-project/fwc/ir"

// Stmt is a statement a matching rule runs before its verdict. The set is
// closed, as Cond's.
type Stmt interface{ stmt() }

// Limit lets the rest of the rule run only below Rate per Unit (plus
// Burst; 0 is the backend's default): the cluster's log_ratelimit.
type Limit struct {
	Rate  int
	Unit  string // "second", "minute", "hour" or "day"
	Burst int
}

// Log logs the packet with PVE's prefix ":<VMID>:<level ID>:<chain>: <Msg>",
// which pvefw-logger parses; the chain is the one the rule is in, as the
// backend names it.
type Log struct {
	Level ir.LogLevel
	VMID  int
	Msg   string
}

// SetMark ors Bits into the packet mark.
type SetMark struct {
	Bits uint32
}

// SetHelper attaches the conntrack helper object Helper (a CtHelper of
// the table) to the connection.
type SetHelper struct {
	Helper string
}

func (Limit) stmt()     {}
func (Log) stmt()       {}
func (SetMark) stmt()   {}
func (SetHelper) stmt() {}

// AllStmts holds a valid value of every statement type (see AllConds).
var AllStmts = []Stmt{Limit{Rate: 1, Unit: "second"}, Log{Level: ir.Info, Msg: "DROP: "}, SetMark{Bits: AcceptMark}, SetHelper{Helper: "h"}}

// Verdict ends a rule's evaluation. The set is closed, as Cond's.
type Verdict interface{ verdict() }

// Accept ends the hook: the packet goes on to the next one.
type Accept struct{}

// Drop discards the packet.
type Drop struct{}

// Reject discards the packet and answers it.
type Reject struct {
	With RejectKind
}

// RejectKind is the answer of a Reject.
type RejectKind int

// Reject answers.
const (
	TCPReset        RejectKind = iota // a TCP reset
	PortUnreachable                   // ICMP or ICMPv6 port unreachable, by the packet's family
	HostProhibited                    // ICMP host prohibited (IPv4 only)
	AdminProhibited                   // ICMPv6 administratively prohibited (IPv6 only)
)

// Jump enters Chain; on return evaluation goes on after the rule.
type Jump struct{ Chain string }

// Goto enters Chain; on return evaluation goes on after the rule that
// jumped to the current chain.
type Goto struct{ Chain string }

// Return leaves the current chain.
type Return struct{}

// VMap looks the Keys up in the verdict Map and goes to the chain found;
// nothing happens when the key is not in it.
type VMap struct {
	Keys []Key
	Map  string
}

func (Accept) verdict() {}
func (Drop) verdict()   {}
func (Reject) verdict() {}
func (Jump) verdict()   {}
func (Goto) verdict()   {}
func (Return) verdict() {}
func (VMap) verdict()   {}

// AllVerdicts holds a valid value of every verdict type (see AllConds).
var AllVerdicts = []Verdict{Accept{}, Drop{}, Reject{With: TCPReset}, Jump{Chain: "c"}, Goto{Chain: "c"}, Return{}, VMap{Keys: []Key{KeyIIFName}, Map: "m"}}
