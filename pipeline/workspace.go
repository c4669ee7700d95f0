package pipeline

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/fwc-project/fwc/grammar"
	"github.com/fwc-project/fwc/ir"
	"github.com/fwc-project/fwc/lower"
	"github.com/fwc-project/fwc/suppress"
	"github.com/fwc-project/fwc/tree"
)

// LintOptions are lint's settings on top of the shared ones.
type LintOptions struct {
	Options
	// Severity overrides a code's registered severity; Off drops a code.
	Severity map[ir.Code]ir.Severity
	Off      map[ir.Code]bool
}

// Workspace is a configuration tree being linted. It keeps each node's
// files and their parses, so that linting one file again after an edit
// re-parses only what changed and lowers only what the file can affect:
// a guest file is lowered with the cluster scope and that guest alone, a
// host file without guests. Only cluster.fw, whose definitions every
// guest may use, needs the whole tree.
type Workspace struct {
	root    string
	o       LintOptions
	overlay map[string][]byte      // unsaved buffers and stdin, by clean path
	trees   map[string]*nodeTree   // tree.Read results by node
	parsed  map[string]*parsedFile // by path
}

type nodeTree struct {
	t     *tree.Tree
	diags ir.Diags
}

type parsedFile struct {
	data  []byte
	f     *grammar.File
	diags ir.Diags
}

// NewWorkspace opens the tree at root. Nothing is read until asked.
func NewWorkspace(root string, o LintOptions) *Workspace {
	o.NoOptimize = true // lint needs the diagnostics, not a ruleset
	return &Workspace{root: filepath.Clean(root), o: o, overlay: map[string][]byte{},
		trees: map[string]*nodeTree{}, parsed: map[string]*parsedFile{}}
}

// Root is the tree's root directory.
func (w *Workspace) Root() string { return w.root }

// SetOverlay makes path read as data instead of its bytes on disk (an
// editor's unsaved buffer, stdin); nil data removes the overlay.
func (w *Workspace) SetOverlay(path string, data []byte) {
	path = filepath.Clean(path)
	if data == nil {
		delete(w.overlay, path)
	} else {
		w.overlay[path] = data
	}
	if _, err := os.Stat(path); err != nil || strings.HasSuffix(path, ".conf") {
		// Guest configs are parsed while the tree is read, and a file
		// that is not on disk yet is only found then.
		w.Reload()
	}
}

// Reload forgets what was read from disk (files changed outside the
// editor); parses stay cached by content.
func (w *Workspace) Reload() { clear(w.trees) }

// Text returns a file's current bytes: its overlay, else the disk's; nil
// when it cannot be read.
func (w *Workspace) Text(path string) []byte {
	if data, ok := w.overlay[filepath.Clean(path)]; ok {
		return data
	}
	data, _ := os.ReadFile(path)
	return data
}

// node reads (once) the tree for one node, with the overlays applied.
func (w *Workspace) node(name string) (*nodeTree, error) {
	if nt, ok := w.trees[name]; ok {
		return nt, nil
	}
	t, diags, err := tree.Read(w.root, name)
	if err != nil {
		return nil, err
	}
	if len(w.overlay) > 0 {
		w.applyOverlay(t, &diags)
	}
	nt := &nodeTree{t: t, diags: diags}
	w.trees[name] = nt
	return nt, nil
}

// applyOverlay replaces the sources' bytes by their overlays, including
// files that do not exist on disk yet, and re-parses overlaid guest configs.
func (w *Workspace) applyOverlay(t *tree.Tree, diags *ir.Diags) {
	src := func(s **tree.Source, rel string, kind grammar.Kind) {
		path := filepath.Join(w.root, rel)
		if data, ok := w.overlay[path]; ok {
			*s = &tree.Source{Path: path, Kind: kind, Data: data}
		}
	}
	src(&t.Cluster, "firewall/cluster.fw", grammar.Cluster)
	if t.Node != "" {
		src(&t.Host, filepath.Join("nodes", t.Node, "host.fw"), grammar.Host)
	}
	for i := range t.Guests {
		g := &t.Guests[i]
		src(&g.FW, filepath.Join("firewall", strconv.Itoa(g.VMID)+".fw"), grammar.Guest)
		if data, ok := w.overlay[g.Pos.Filename]; ok {
			*diags = slices.DeleteFunc(*diags, func(d ir.Diagnostic) bool { return d.Pos.Filename == g.Pos.Filename })
			g.NICs = tree.ParseGuestConfig(g.Pos.Filename, g.Kind, data, diags)
		}
	}
	for i := range t.VNets {
		src(&t.VNets[i], filepath.Join("sdn/firewall", filepath.Base(t.VNets[i].Path)), grammar.VNet)
	}
}

// parseAll parses sources, or their overlays, once per content: what
// changed since the last call is parsed (on all cores), the rest comes
// from the cache. The result has nil for nil sources.
func (w *Workspace) parseAll(sources []*tree.Source, d *ir.Diags) []*grammar.File {
	var stale []*tree.Source
	for i, s := range sources {
		if s == nil {
			continue
		}
		if data, ok := w.overlay[s.Path]; ok {
			s = &tree.Source{Path: s.Path, Kind: s.Kind, Data: data}
			sources[i] = s
		}
		if p, ok := w.parsed[s.Path]; !ok || !bytes.Equal(p.data, s.Data) {
			stale = append(stale, s)
		}
	}
	if len(stale) > 0 {
		for i, f := range parseEach(stale) {
			w.parsed[stale[i].Path] = &parsedFile{data: stale[i].Data, f: f.f, diags: f.diags}
		}
	}
	files := make([]*grammar.File, len(sources))
	for i, s := range sources {
		if s != nil {
			p := w.parsed[s.Path]
			files[i] = p.f
			*d = append(*d, p.diags...)
		}
	}
	return files
}

// parseEach parses sources on all cores, keeping each file's diagnostics.
func parseEach(sources []*tree.Source) []parsedFile {
	in := make([]grammar.Input, len(sources))
	for i, s := range sources {
		in[i] = grammar.Input{Name: s.Path, Kind: s.Kind, Data: s.Data}
	}
	files, diags := grammar.ParseAll(in)
	out := make([]parsedFile, len(sources))
	for i := range sources {
		out[i] = parsedFile{f: files[i], diags: diags[i]}
	}
	return out
}

// lower lowers part of a node's tree: the cluster, host and corosync
// files, the given guests and VNets.
func (w *Workspace) lower(t *tree.Tree, guests []tree.Guest, vnets []*tree.Source) ir.Diags {
	var diags ir.Diags
	lo := w.o.lowerOptions()
	lo.DiagnosticsOnly = true
	_, ld := lower.Lower(config(t, guests, vnets, w.parseAll, &diags), lo)
	return append(diags, ld...)
}

// LintAll checks the whole tree: every node is lowered, so every guest
// file is checked, and an "unused" finding about a cluster object counts
// only when no node uses it.
func (w *Workspace) LintAll() (ir.Diags, error) {
	ds, files, err := w.lintAll()
	if err != nil {
		return nil, err
	}
	return w.finish(ds, files...), nil
}

func (w *Workspace) lintAll() (ir.Diags, []string, error) {
	nodes, err := w.nodes()
	if err != nil {
		return nil, nil, err
	}
	var runs []ir.Diags
	var files []string
	for _, n := range nodes {
		nt, err := w.node(n)
		if err != nil {
			return nil, nil, err
		}
		runs = append(runs, append(slices.Clone(nt.diags), w.lower(nt.t, nt.t.Guests, nt.t.VNets)...))
		files = append(files, sourcePaths(nt.t)...)
	}
	return mergeRuns(runs), files, nil
}

// nodes lists the nodes lint checks: the one asked for, else every node
// of the tree ("" for a tree without nodes).
func (w *Workspace) nodes() ([]string, error) {
	if w.o.Node != "" {
		return []string{w.o.Node}, nil
	}
	nodes, err := tree.Nodes(w.root)
	if err != nil || len(nodes) > 0 {
		return nodes, err
	}
	return []string{""}, nil
}

// sourcePaths lists a tree's .fw files (suppression comments are looked
// for also in files without findings).
func sourcePaths(t *tree.Tree) []string {
	var out []string
	for _, s := range []*tree.Source{t.Cluster, t.Host} {
		if s != nil {
			out = append(out, s.Path)
		}
	}
	for _, g := range t.Guests {
		if g.FW != nil {
			out = append(out, g.FW.Path)
		}
	}
	for _, v := range t.VNets {
		out = append(out, v.Path)
	}
	return out
}

// Place says where a file sits in a tree: its kind, and for guests their
// VMID. ok is false for a path that is no file of a tree's layout.
type Place struct {
	Kind  grammar.Kind
	Node  string // host.fw and guest configs
	VMID  int    // guest files and configs
	Conf  bool   // a guest config, not a .fw file
	VNet  bool
	Under string // the tree's root
}

// Locate tells where path sits in a /etc/pve layout, by its last
// components: firewall/cluster.fw, firewall/<vmid>.fw,
// nodes/<node>/host.fw, nodes/<node>/{qemu-server,lxc}/<vmid>.conf,
// sdn/firewall/<vnet>.fw.
func Locate(path string) (Place, bool) {
	path = filepath.Clean(path)
	dir, base := filepath.Split(path)
	dir = filepath.Clean(dir)
	parent := filepath.Base(dir)
	up := func(n int) string {
		d := dir
		for range n {
			d = filepath.Dir(d)
		}
		return d
	}
	vmid := func(stem string) int {
		n, err := strconv.Atoi(stem)
		if err != nil || n <= 0 || strconv.Itoa(n) != stem {
			return 0
		}
		return n
	}
	switch {
	case base == "cluster.fw" && parent == "firewall" && filepath.Base(up(1)) != "sdn":
		return Place{Kind: grammar.Cluster, Under: up(1)}, true
	case base == "host.fw" && filepath.Base(up(1)) == "nodes":
		return Place{Kind: grammar.Host, Node: parent, Under: up(2)}, true
	case strings.HasSuffix(base, ".fw") && parent == "firewall" && filepath.Base(up(1)) == "sdn":
		return Place{Kind: grammar.VNet, VNet: true, Under: up(2)}, true
	case strings.HasSuffix(base, ".fw") && parent == "firewall" && vmid(strings.TrimSuffix(base, ".fw")) > 0:
		return Place{Kind: grammar.Guest, VMID: vmid(strings.TrimSuffix(base, ".fw")), Under: up(1)}, true
	case strings.HasSuffix(base, ".conf") && (parent == "qemu-server" || parent == "lxc") && filepath.Base(up(2)) == "nodes" &&
		vmid(strings.TrimSuffix(base, ".conf")) > 0:
		return Place{Kind: grammar.Guest, Conf: true, Node: filepath.Base(up(1)), VMID: vmid(strings.TrimSuffix(base, ".conf")), Under: up(3)}, true
	}
	return Place{}, false
}

// LintFile checks one file of the tree with its references resolved
// against the whole tree. It reports only the file's own findings; ok is
// false when the tree has no place for the file (a guest file without a
// guest config), and the caller lints it on its own.
func (w *Workspace) LintFile(path string) (ds ir.Diags, ok bool, err error) {
	path = filepath.Clean(path)
	pl, ok := Locate(path)
	if !ok || pl.Under != w.root {
		return nil, false, nil
	}
	var all ir.Diags
	switch {
	case pl.Kind == grammar.Cluster:
		if all, _, err = w.lintAll(); err != nil {
			return nil, true, err
		}
	case pl.Kind == grammar.Host:
		nt, err := w.node(pl.Node)
		if err != nil {
			return nil, true, err
		}
		all = append(slices.Clone(nt.diags), w.lower(nt.t, nil, nil)...)
	case pl.VNet:
		nt, err := w.node(w.o.Node)
		if err != nil {
			return nil, true, err
		}
		i := slices.IndexFunc(nt.t.VNets, func(s *tree.Source) bool { return s.Path == path })
		if i < 0 {
			return nil, false, nil
		}
		all = w.lower(nt.t, nil, nt.t.VNets[i:i+1])
	default:
		nt, g, err := w.guest(pl)
		if err != nil || nt == nil {
			return nil, nt != nil, err
		}
		all = append(slices.Clone(nt.diags), w.lower(nt.t, []tree.Guest{g}, nil)...)
	}
	var mine ir.Diags
	for _, d := range all {
		if d.Pos.Filename == path {
			mine = append(mine, d)
		}
	}
	return w.finish(mine, path), true, nil
}

// guest finds the node tree holding a guest; nil when no node has it.
func (w *Workspace) guest(pl Place) (*nodeTree, tree.Guest, error) {
	nodes := []string{pl.Node}
	if pl.Node == "" {
		var err error
		if nodes, err = w.nodes(); err != nil {
			return nil, tree.Guest{}, err
		}
	}
	for _, n := range nodes {
		nt, err := w.node(n)
		if err != nil {
			return nil, tree.Guest{}, err
		}
		for _, g := range nt.t.Guests {
			if g.VMID == pl.VMID {
				return nt, g, nil
			}
		}
	}
	return nil, tree.Guest{}, nil
}

// finish turns raw findings into the report: errors become warnings with
// keep-going, findings get ranges, suppression comments (in the findings'
// files and in files) apply, severities are overridden, and the list is
// sorted.
func (w *Workspace) finish(ds ir.Diags, files ...string) ir.Diags {
	return finishLint(finish(ds, w.o.KeepGoing), w.Text, w.o, files...)
}

// finishLint is the part of finish only lint does, for a workspace's and
// a lone file's findings alike.
func finishLint(ds ir.Diags, text func(string) []byte, o LintOptions, files ...string) ir.Diags {
	ds = suppress.Apply(ds, text, files...)
	out := ds[:0]
	for _, d := range ds {
		if o.Off[d.Code] {
			continue
		}
		if s, ok := o.Severity[d.Code]; ok {
			d.Severity = s
		}
		out = append(out, d)
	}
	out.FillEnds(text)
	out.Sort()
	return out
}

// Parsed returns the parse of a file of the tree as it reads now (its
// overlay or its bytes on disk); nil when it cannot be read.
func (w *Workspace) Parsed(path string) *grammar.File {
	path = filepath.Clean(path)
	pl, ok := Locate(path)
	if !ok || pl.Conf {
		return nil
	}
	data := w.Text(path)
	if data == nil {
		return nil
	}
	var d ir.Diags
	return w.parseAll([]*tree.Source{{Path: path, Kind: pl.Kind, Data: data}}, &d)[0]
}

// Files lists the tree's .fw files of every node, cluster.fw first.
func (w *Workspace) Files() ([]string, error) {
	first, err := w.node(w.o.Node)
	if err != nil {
		return nil, err
	}
	nodes := []string{first.t.Node}
	if w.o.Node == "" && len(first.t.Nodes) > 1 {
		nodes = first.t.Nodes
	}
	var out []string
	for _, n := range nodes {
		nt, err := w.node(n)
		if err != nil {
			return nil, err
		}
		for _, p := range sourcePaths(nt.t) {
			if !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
	}
	return out, nil
}
