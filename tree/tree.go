// Package tree reads a configuration tree in the /etc/pve layout: the
// firewall files and the guest configs of one node. It only reads and
// splits; the .fw files are parsed by package grammar.
package tree

import (
	"net/netip"

	"github.com/fwc-project/fwc/grammar"
	"github.com/fwc-project/fwc/ir"
)

// Tree is the input of one compile: the files that concern one node.
type Tree struct {
	Root    string   // as given on the command line
	Node    string   // the node compiled
	Nodes   []string // every node under nodes/, sorted
	Cluster *Source  // firewall/cluster.fw, nil when missing
	Host    *Source  // nodes/<node>/host.fw, nil when missing
	Guests  []Guest  // guests whose config lives on Node, sorted by VMID
	VNets   []*Source
	// Corosync is corosync.conf at the root, nil when missing. PVE opens
	// corosync between the members its nodelist names.
	Corosync *File
}

// File is an input that is not a .fw file: its path and bytes.
type File struct {
	Path string // root joined with the relative path, as printed in diagnostics
	Data []byte
}

// Source is one .fw file's bytes and kind.
type Source struct {
	Path string // root joined with the relative path, as printed in diagnostics
	Kind grammar.Kind
	Data []byte
}

// Guest is a VM or container config (qemu-server/<vmid>.conf or
// lxc/<vmid>.conf) with its firewall file.
type Guest struct {
	Pos  ir.Pos // the config file
	VMID int
	Kind ir.GuestKind
	NICs []NIC   // netN keys, sorted by index
	FW   *Source // firewall/<vmid>.fw, nil when missing
}

// NIC is a netN line of a guest config.
type NIC struct {
	Pos      ir.Pos
	Index    int
	MAC      string // canonical lower-case; "" when absent
	Bridge   string
	Firewall bool
	Tag      int            // VLAN tag, 0 when untagged
	Trunks   []ir.VLANRange // trunks=, sorted and merged; nil when absent
	Addrs    []netip.Prefix // LXC ip=/ip6= static addresses
	Gateways []netip.Addr   // LXC gw=/gw6=
}
