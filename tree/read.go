package tree

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/fwc-project/fwc/grammar"
	"github.com/fwc-project/fwc/internal/parallel"
	"github.com/fwc-project/fwc/ir"
)

// ErrNotTree is the error (wrapped) for a folder that is not a
// configuration tree: it has no firewall/cluster.fw, so nothing says what
// the admin wants, and compiling it would remove every rule.
var ErrNotTree = errors.New("not a configuration tree")

// ErrNode is the error (wrapped) when the node to compile is not in the
// tree or cannot be chosen: a usage error, whatever the error model.
var ErrNode = errors.New("cannot choose the node")

// Read reads the tree at root for one node: node names it, or is empty to
// let ChooseNode pick it. A tree without a nodes/ directory is read for
// cluster.fw alone. Problems with the content (a bad guest config line)
// are diagnostics; the error is for I/O failures, ErrNotTree and ErrNode.
func Read(root string, node string) (*Tree, ir.Diags, error) {
	r := &reader{root: root}
	t := &Tree{Root: root}
	var err error
	if t.Nodes, err = Nodes(root); err != nil {
		return nil, nil, err
	}
	if t.Cluster, err = r.source("firewall/cluster.fw", grammar.Cluster); err != nil {
		return nil, nil, err
	}
	if t.Node, err = ChooseNode(root, t.Nodes, node); err != nil {
		return nil, nil, err
	}
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

// Nodes checks that root is a configuration tree and lists its nodes (the
// directories under nodes/), sorted.
func Nodes(root string) ([]string, error) {
	if fi, err := os.Stat(root); err != nil {
		return nil, err
	} else if !fi.IsDir() {
		return nil, fmt.Errorf("%s: not a directory", root)
	}
	cluster := filepath.Join(root, "firewall", "cluster.fw")
	if _, err := os.Stat(cluster); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s is %w: %s does not exist (fwc reads the /etc/pve layout: firewall/cluster.fw, nodes/<node>/host.fw, firewall/<vmid>.fw)%s",
			root, ErrNotTree, cluster, notTreeHint(root))
	} else if err != nil {
		return nil, err
	}
	return (&reader{root: root}).list("nodes", "", true)
}

// notTreeHint guesses why root is not a tree.
func notTreeHint(root string) string {
	if _, err := os.Stat(filepath.Join(root, "cluster.fw")); err == nil {
		return fmt.Sprintf("; %s looks like the firewall folder itself: give its parent, %s", root, filepath.Dir(filepath.Clean(root)))
	}
	if entries, err := os.ReadDir(root); err == nil && len(entries) == 0 {
		return "; the folder is empty (for /etc/pve: is the cluster filesystem, pve-cluster, running?)"
	}
	return ""
}

// hostname is the machine's name; a variable for tests.
var hostname = os.Hostname

// ChooseNode picks the node to compile the way the host itself would know
// it: want when given (it must be in nodes); else the node root's local
// symlink points to (/etc/pve/local is nodes/<this node>); else the
// machine's short hostname when it names a node; else the only node. A
// tree without nodes compiles with no node (""). Anything else is ErrNode.
func ChooseNode(root string, nodes []string, want string) (string, error) {
	if want != "" {
		if slices.Contains(nodes, want) {
			return want, nil
		}
		if len(nodes) == 0 {
			return "", fmt.Errorf("%w: node %q not in the tree (it has no nodes/ folder)", ErrNode, want)
		}
		return "", fmt.Errorf("%w: node %q not in the tree (nodes: %s)", ErrNode, want, strings.Join(nodes, ", "))
	}
	if target, err := os.Readlink(filepath.Join(root, "local")); err == nil && slices.Contains(nodes, filepath.Base(target)) {
		return filepath.Base(target), nil
	}
	if h, err := hostname(); err == nil {
		if short, _, _ := strings.Cut(h, "."); slices.Contains(nodes, short) {
			return short, nil
		}
	}
	switch len(nodes) {
	case 0:
		return "", nil
	case 1:
		return nodes[0], nil
	}
	return "", fmt.Errorf("%w: the tree has several nodes (%s) and none is this machine (no local symlink, hostname not a node); choose one with --node",
		ErrNode, strings.Join(nodes, ", "))
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
		mode := e.Type()
		if mode&fs.ModeSymlink != 0 {
			// Stat follows symlinks, as /etc/pve has some; a dangling
			// one names nothing. Other entries need no stat.
			fi, err := os.Stat(filepath.Join(r.path(rel), e.Name()))
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			if err != nil {
				return nil, err
			}
			mode = fi.Mode().Type()
		}
		if dirs && mode.IsDir() || !dirs && mode.IsRegular() && strings.HasSuffix(e.Name(), suffix) {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names, nil
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
			guests = append(guests, Guest{Pos: ir.Pos{Filename: path}, VMID: vmid, Kind: dir.kind})
		}
	}
	// Reading thousands of small files is system calls: on all cores.
	confs := make([][]byte, len(guests))
	errs := make([]error, len(guests))
	parallel.Each(len(guests), func() func(int) {
		return func(i int) {
			g := &guests[i]
			if confs[i], errs[i] = os.ReadFile(g.Pos.Filename); errs[i] == nil {
				g.FW, errs[i] = r.source(filepath.Join("firewall", strconv.Itoa(g.VMID)+".fw"), grammar.Guest)
			}
		}
	})
	for i := range guests {
		if errs[i] != nil {
			return nil, errs[i]
		}
		guests[i].NICs = ParseGuestConfig(guests[i].Pos.Filename, guests[i].Kind, confs[i], &r.diags)
	}
	sort.Slice(guests, func(i, j int) bool { return guests[i].VMID < guests[j].VMID })
	return guests, nil
}
