package tree

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/fwc-project/fwc/grammar"
	"github.com/fwc-project/fwc/ir"
)

// Read reads the tree at root for one node: node names it, or is empty to
// take the only node in the tree. A tree without a nodes/ directory is read
// for cluster.fw alone. Problems with the content (no such node, a bad guest
// config line) are diagnostics; the error is for I/O failures.
func Read(root string, node string) (*Tree, ir.Diags, error) {
	r := &reader{root: root}
	if fi, err := os.Stat(root); err != nil {
		return nil, nil, err
	} else if !fi.IsDir() {
		return nil, nil, fmt.Errorf("%s: not a directory", root)
	}
	t := &Tree{Root: root}
	var err error
	if t.Cluster, err = r.source("firewall/cluster.fw", grammar.Cluster); err != nil {
		return nil, nil, err
	}
	if t.Nodes, err = r.list("nodes", "", true); err != nil {
		return nil, nil, err
	}
	t.Node = r.chooseNode(t.Nodes, node)
	if t.Node != "" {
		if t.Host, err = r.source(filepath.Join("nodes", t.Node, "host.fw"), grammar.Host); err != nil {
			return nil, nil, err
		}
		if t.Guests, err = r.guests(t.Node); err != nil {
			return nil, nil, err
		}
	}
	vnets, err := r.list("sdn/firewall", ".fw", false)
	if err != nil {
		return nil, nil, err
	}
	for _, name := range vnets {
		src, err := r.source(filepath.Join("sdn/firewall", name), grammar.VNet)
		if err != nil {
			return nil, nil, err
		}
		t.VNets = append(t.VNets, src)
	}
	if t.Corosync, err = r.file("corosync.conf"); err != nil {
		return nil, nil, err
	}
	return t, r.diags, nil
}

// reader holds the root and collects diagnostics.
type reader struct {
	root  string
	diags ir.Diags
}

// path joins a relative path to the root, as diagnostics print it.
func (r *reader) path(rel string) string { return filepath.Join(r.root, rel) }

// source reads a .fw file, or returns nil when it does not exist.
func (r *reader) source(rel string, kind grammar.Kind) (*Source, error) {
	f, err := r.file(rel)
	if f == nil {
		return nil, err
	}
	return &Source{Path: f.Path, Kind: kind, Data: f.Data}, nil
}

// file reads a file, or returns nil when it does not exist.
func (r *reader) file(rel string) (*File, error) {
	data, err := os.ReadFile(r.path(rel))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &File{Path: r.path(rel), Data: data}, nil
}

// list returns the sorted names in a directory that are directories (dirs)
// or regular files ending in suffix; a missing directory is empty.
func (r *reader) list(rel, suffix string, dirs bool) ([]string, error) {
	entries, err := os.ReadDir(r.path(rel))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		// Stat follows symlinks, as /etc/pve has some; a dangling one
		// names nothing.
		fi, err := os.Stat(filepath.Join(r.path(rel), e.Name()))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if dirs && fi.IsDir() || !dirs && fi.Mode().IsRegular() && strings.HasSuffix(e.Name(), suffix) {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names, nil
}

// chooseNode picks the node to compile, or reports why it cannot.
func (r *reader) chooseNode(nodes []string, want string) string {
	pos := ir.Pos{Filename: r.path("nodes")}
	if want != "" {
		for _, n := range nodes {
			if n == want {
				return n
			}
		}
		if len(nodes) == 0 {
			r.diags.Add(pos, ir.CodeNode, "node %q not in tree (it has no nodes)", want)
		} else {
			r.diags.Add(pos, ir.CodeNode, "node %q not in tree (nodes: %s)", want, strings.Join(nodes, ", "))
		}
		return ""
	}
	switch len(nodes) {
	case 0:
		return ""
	case 1:
		return nodes[0]
	}
	r.diags.Add(pos, ir.CodeNode, "several nodes in tree (%s); choose one with --node", strings.Join(nodes, ", "))
	return ""
}

// guests reads the VM and container configs of a node, with their
// firewall files. A <vmid>.fw without a config here belongs to a guest of
// another node and is not read.
func (r *reader) guests(node string) ([]Guest, error) {
	var guests []Guest
	seen := map[int]bool{}
	for _, dir := range []struct {
		name string
		kind ir.GuestKind
	}{{"qemu-server", ir.VM}, {"lxc", ir.CT}} {
		rel := filepath.Join("nodes", node, dir.name)
		names, err := r.list(rel, ".conf", false)
		if err != nil {
			return nil, err
		}
		for _, name := range names {
			stem := strings.TrimSuffix(name, ".conf")
			vmid, err := strconv.Atoi(stem)
			if err != nil || vmid <= 0 || strconv.Itoa(vmid) != stem {
				continue // not a guest config
			}
			path := r.path(filepath.Join(rel, name))
			if seen[vmid] {
				r.diags.Add(ir.Pos{Filename: path}, ir.CodeGuestConfig, "guest %d has both a VM and a container config; the container is ignored", vmid)
				continue
			}
			seen[vmid] = true
			data, err := os.ReadFile(path)
			if err != nil {
				return nil, err
			}
			g := Guest{Pos: ir.Pos{Filename: path}, VMID: vmid, Kind: dir.kind}
			g.NICs = ParseGuestConfig(path, dir.kind, data, &r.diags)
			if g.FW, err = r.source(filepath.Join("firewall", stem+".fw"), grammar.Guest); err != nil {
				return nil, err
			}
			guests = append(guests, g)
		}
	}
	sort.Slice(guests, func(i, j int) bool { return guests[i].VMID < guests[j].VMID })
	return guests, nil
}
