package nft

import (
	"fmt"

	"github.com/fwc-project/fwc/ir"
)

// helper is a conntrack helper PVE can enable (nf_conntrack_helpers) and
// the port it watches.
type helper struct {
	name   string
	proto  string
	port   int
	v4only bool
}

// helperTable is PVE's list; lower admits only these names.
var helperTable = []helper{
	{"amanda", "udp", 10080, false},
	{"ftp", "tcp", 21, false},
	{"irc", "tcp", 6667, true},
	{"netbios-ns", "udp", 137, true},
	{"pptp", "tcp", 1723, true},
	{"sane", "tcp", 6566, false},
	{"sip", "udp", 5060, false},
	{"snmp", "udp", 161, true},
	{"tftp", "udp", 69, false},
}

// helpers assigns the configured conntrack helpers to new connections on
// their ports, PVE's raw-table CT rules. The base chain runs in prerouting
// after conntrack, before the connection is confirmed, as helper
// assignment requires; the helpers' related connections are then accepted
// by the ct state rules. Unlike NFT, fwc does not open the helper ports.
func (e *emitter) helpers(t *table) {
	names := e.rs.Host.Helpers
	if len(names) == 0 {
		return
	}
	c := t.newChain("helpers", baseHook("prerouting", "filter"))
	for _, name := range names {
		h := lookupHelper(name)
		obj := "helper-" + h.name
		l3, pin := "inet", ""
		if h.v4only {
			l3, pin = "ip", hostDialect("").family(ir.IPv4)
		}
		t.decls = append(t.decls, fmt.Sprintf("ct helper %s { type %q protocol %s; l3proto %s; }", obj, h.name, h.proto, l3))
		c.add(pin, fmt.Sprintf("%s dport %d ct helper set %q", h.proto, h.port, obj))
	}
}

func lookupHelper(name string) helper {
	for _, h := range helperTable {
		if h.name == name {
			return h
		}
	}
	panic("nft: unknown conntrack helper " + name)
}
