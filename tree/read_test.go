package tree

import (
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fwc-project/fwc/grammar"
	"github.com/fwc-project/fwc/internal/testtree"
	"github.com/fwc-project/fwc/ir"
)

// writeTree creates files (relative path → content) under a new root.
func writeTree(t *testing.T, files map[string]string) string { return testtree.Write(t, files) }

func TestRead(t *testing.T) {
	root := writeTree(t, map[string]string{
		"firewall/cluster.fw":                  "[OPTIONS]\nenable: 1\n",
		"firewall/100.fw":                      "[OPTIONS]\nenable: 1\n",
		"firewall/101.fw":                      "[RULES]\n",
		"firewall/300.fw":                      "# a guest of another node\n",
		"firewall/notes.txt":                   "",
		"nodes/pve1/host.fw":                   "[OPTIONS]\nnftables: 1\n",
		"nodes/pve1/qemu-server/100.conf":      "net0: virtio=BC:24:11:00:00:01,bridge=vmbr0,firewall=1\n",
		"nodes/pve1/qemu-server/102.conf":      "memory: 512\n",
		"nodes/pve1/qemu-server/template.conf": "net0: bad\n",
		"nodes/pve1/qemu-server/0103.conf":     "net0: bad\n",
		"nodes/pve1/lxc/101.conf":              "net0: name=eth0,hwaddr=bc:24:11:00:00:02,ip=10.0.0.2/24,bridge=vmbr0\n",
		"sdn/firewall/zeta.fw":                 "[RULES]\n",
		"sdn/firewall/alpha.fw":                "[OPTIONS]\n",
		"sdn/firewall/readme":                  "",
	})
	// Symlinks are followed; a dangling one is skipped.
	for link, target := range map[string]string{"sdn/firewall/linked.fw": "alpha.fw", "sdn/firewall/dangling.fw": "nowhere.fw"} {
		if err := os.Symlink(target, filepath.Join(root, link)); err != nil {
			t.Fatal(err)
		}
	}
	got, diags, err := Read(root, "")
	if err != nil || len(diags) > 0 {
		t.Fatalf("Read: %v %v", err, diags)
	}
	p := func(rel string) string { return filepath.Join(root, rel) }
	want := &Tree{
		Root:    root,
		Node:    "pve1",
		Nodes:   []string{"pve1"},
		Cluster: &Source{Path: p("firewall/cluster.fw"), Kind: grammar.Cluster, Data: []byte("[OPTIONS]\nenable: 1\n")},
		Host:    &Source{Path: p("nodes/pve1/host.fw"), Kind: grammar.Host, Data: []byte("[OPTIONS]\nnftables: 1\n")},
		Guests: []Guest{
			{
				Pos: ir.Pos{Filename: p("nodes/pve1/qemu-server/100.conf")}, VMID: 100, Kind: ir.VM,
				NICs: []NIC{{Pos: ir.Pos{Filename: p("nodes/pve1/qemu-server/100.conf"), Line: 1, Column: 1}, MAC: "bc:24:11:00:00:01", Bridge: "vmbr0", Firewall: true}},
				FW:   &Source{Path: p("firewall/100.fw"), Kind: grammar.Guest, Data: []byte("[OPTIONS]\nenable: 1\n")},
			},
			{
				Pos: ir.Pos{Filename: p("nodes/pve1/lxc/101.conf")}, VMID: 101, Kind: ir.CT,
				NICs: []NIC{{Pos: ir.Pos{Filename: p("nodes/pve1/lxc/101.conf"), Line: 1, Column: 1}, MAC: "bc:24:11:00:00:02", Bridge: "vmbr0", Addrs: []netip.Prefix{netip.MustParsePrefix("10.0.0.2/24")}}},
				FW:   &Source{Path: p("firewall/101.fw"), Kind: grammar.Guest, Data: []byte("[RULES]\n")},
			},
			{Pos: ir.Pos{Filename: p("nodes/pve1/qemu-server/102.conf")}, VMID: 102, Kind: ir.VM},
		},
		VNets: []*Source{
			{Path: p("sdn/firewall/alpha.fw"), Kind: grammar.VNet, Data: []byte("[OPTIONS]\n")},
			{Path: p("sdn/firewall/linked.fw"), Kind: grammar.VNet, Data: []byte("[OPTIONS]\n")},
			{Path: p("sdn/firewall/zeta.fw"), Kind: grammar.VNet, Data: []byte("[RULES]\n")},
		},
	}
	if diff := cmp.Diff(want, got, equateIP); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestReadNode(t *testing.T) {
	for _, tc := range []struct {
		name     string
		nodes    []string // directories under nodes/; nil: no nodes/ at all
		node     string
		local    string // target of the root's local symlink, "" for none
		host     string // the machine's hostname
		wantNode string
		wantErr  string
	}{
		{name: "cluster only", nodes: nil, node: ""},
		{name: "cluster only, node asked", nodes: nil, node: "pve1", wantErr: `node "pve1" not in the tree (it has no nodes/ folder)`},
		{name: "the only node", nodes: []string{"pve1"}, node: "", wantNode: "pve1"},
		{name: "chosen", nodes: []string{"pve2", "pve1"}, node: "pve2", wantNode: "pve2"},
		{name: "chosen beats local", nodes: []string{"pve2", "pve1"}, node: "pve1", local: "nodes/pve2", wantNode: "pve1"},
		{name: "several", nodes: []string{"pve2", "pve1"}, node: "", wantErr: `the tree has several nodes (pve1, pve2) and none is this machine`},
		{name: "local symlink", nodes: []string{"pve2", "pve1"}, local: "nodes/pve2", host: "pve1", wantNode: "pve2"},
		{name: "local names no node", nodes: []string{"pve2", "pve1"}, local: "nodes/pve9", wantErr: "several nodes"},
		{name: "hostname", nodes: []string{"pve2", "pve1"}, host: "pve1.example.com", wantNode: "pve1"},
		{name: "the only node, another hostname", nodes: []string{"pve2"}, host: "pve1", wantNode: "pve2"},
		{name: "missing", nodes: []string{"pve2", "pve1"}, node: "pve3", wantErr: `node "pve3" not in the tree (nodes: pve1, pve2)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files := map[string]string{"firewall/cluster.fw": "", "firewall/100.fw": ""}
			for _, n := range tc.nodes {
				files["nodes/"+n+"/qemu-server/100.conf"] = ""
			}
			if tc.nodes != nil {
				// A stray file under nodes/ is not a node.
				files["nodes/README"] = ""
			}
			root := writeTree(t, files)
			if tc.local != "" {
				if err := os.Symlink(tc.local, filepath.Join(root, "local")); err != nil {
					t.Fatal(err)
				}
			}
			hostname = func() (string, error) { return tc.host, nil }
			defer func() { hostname = os.Hostname }()
			tr, diags, err := Read(root, tc.node)
			if tc.wantErr != "" {
				if !errors.Is(err, ErrNode) || !strings.Contains(err.Error(), tc.wantErr) {
					t.Errorf("error %v, want ErrNode with %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || len(diags) > 0 {
				t.Fatal(err, diags)
			}
			if tr.Node != tc.wantNode || tr.Cluster == nil {
				t.Errorf("node %q (cluster %v), want %q", tr.Node, tr.Cluster != nil, tc.wantNode)
			}
			// Guests are read only for a chosen node.
			if (len(tr.Guests) == 1) != (tc.wantNode != "") {
				t.Errorf("%d guests for node %q", len(tr.Guests), tr.Node)
			}
		})
	}
}

// TestReadNotATree: without firewall/cluster.fw nothing says what the
// admin wants; Read refuses, with a hint where it can give one.
func TestReadNotATree(t *testing.T) {
	firewall := filepath.Join(writeTree(t, map[string]string{"firewall/cluster.fw": ""}), "firewall")
	for dir, hint := range map[string]string{
		t.TempDir(): "the folder is empty",
		firewall:    "give its parent, " + filepath.Dir(firewall),
		writeTree(t, map[string]string{"nodes/pve1/host.fw": ""}): "firewall/cluster.fw does not exist",
	} {
		if _, _, err := Read(dir, ""); !errors.Is(err, ErrNotTree) || !strings.Contains(err.Error(), hint) {
			t.Errorf("%s: error %v, want ErrNotTree with %q", dir, err, hint)
		}
	}
}

func TestReadGuestKindClash(t *testing.T) {
	root := writeTree(t, map[string]string{
		"firewall/cluster.fw":             "",
		"nodes/pve1/qemu-server/100.conf": "",
		"nodes/pve1/lxc/100.conf":         "",
	})
	tr, diags, err := Read(root, "")
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(root, "nodes/pve1/lxc/100.conf") + ": error: guest 100 has both a VM and a container config; the container is ignored [guest-config]"
	if len(diags) != 1 || diags[0].String() != want {
		t.Errorf("diagnostics %v, want %q", diags, want)
	}
	if len(tr.Guests) != 1 || tr.Guests[0].Kind != ir.VM {
		t.Errorf("guests %+v, want the VM", tr.Guests)
	}
}

func TestReadGuestConfigDiagnostics(t *testing.T) {
	// Paths in positions are the root joined with the relative path.
	root := writeTree(t, map[string]string{"firewall/cluster.fw": "", "nodes/pve1/lxc/101.conf": "net0: name=eth0,ip=10.0.0.1\n"})
	_, diags, err := Read(root, "")
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(root, "nodes/pve1/lxc/101.conf") + `:1:20: error: invalid ip value "10.0.0.1": want an IPv4 CIDR, dhcp or manual [guest-config]`
	if len(diags) != 1 || diags[0].String() != want {
		t.Errorf("diagnostics %v, want %q", diags, want)
	}
}

func TestReadErrors(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, root := range []string{filepath.Join(dir, "missing"), file} {
		if _, _, err := Read(root, ""); err == nil {
			t.Errorf("Read(%q): no error", root)
		}
	}
	// A .fw path that is a directory cannot be read.
	bad := writeTree(t, map[string]string{"firewall/cluster.fw/x": ""})
	if _, _, err := Read(bad, ""); err == nil {
		t.Errorf("Read with a directory for cluster.fw: no error")
	}
}
