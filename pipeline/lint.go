package pipeline

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/fwc-project/fwc/grammar"
	"github.com/fwc-project/fwc/ir"
	"github.com/fwc-project/fwc/lower"
	"github.com/fwc-project/fwc/tree"
)

// LintTree checks a whole tree: every node is lowered, so every guest file
// is checked, and diagnostics are merged. An "unused" finding about a
// cluster object counts only when no node uses it.
func LintTree(root string, o Options) (ir.Diags, error) {
	o.NoOptimize = true // lint needs the diagnostics, not a ruleset
	nodes, err := tree.Nodes(root)
	if err != nil {
		return nil, err
	}
	if o.Node != "" || len(nodes) <= 1 {
		t, diags, err := tree.Read(root, o.Node)
		if err != nil {
			return nil, err
		}
		_, ld := lowerTree(t, o)
		return finish(append(diags, ld...), o.KeepGoing), nil
	}
	var runs []ir.Diags
	for _, n := range nodes {
		nt, nd, err := tree.Read(root, n)
		if err != nil {
			return nil, err
		}
		_, ld := lowerTree(nt, o)
		runs = append(runs, append(nd, ld...))
	}
	return finish(mergeRuns(runs), o.KeepGoing), nil
}

// mergeRuns unions the diagnostics of several node runs, keeping unused-*
// warnings only when every run reported them.
func mergeRuns(runs []ir.Diags) ir.Diags {
	type key struct {
		pos  ir.Pos
		code string
	}
	count := map[key]int{}
	for _, r := range runs {
		for _, d := range r {
			count[key{d.Pos, d.Code}]++
		}
	}
	var out ir.Diags
	for _, r := range runs {
		for _, d := range r {
			if strings.HasPrefix(d.Code, "unused-") && count[key{d.Pos, d.Code}] < len(runs) {
				continue
			}
			out = append(out, d)
		}
	}
	return out
}

func dropCode(ds ir.Diags, code string) ir.Diags {
	var out ir.Diags
	for _, d := range ds {
		if d.Code != code {
			out = append(out, d)
		}
	}
	return out
}

// LintFile checks a single .fw file on its own. The kind comes from the
// file name unless given. Guest files are checked without their guest
// config, so -i netN is checked against net0..net31; references to
// cluster objects cannot be resolved and are not reported.
func LintFile(path string, kind *grammar.Kind, o Options) (ir.Diags, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	k, ok := grammar.Kind(0), false
	if kind != nil {
		k, ok = *kind, true
	} else {
		k, ok = grammar.KindFromName(path)
	}
	if !ok {
		return ir.Diags{{Pos: ir.Pos{Filename: path}, Severity: ir.Error, Code: "file-kind",
			Message: "cannot tell the file kind from its name; use --kind cluster|host|guest|vnet"}}, nil
	}
	f, diags := grammar.Parse(path, k, data)
	c := lower.Config{}
	switch k {
	case grammar.Cluster:
		c.Cluster = f
	case grammar.Host:
		c.Host = f
	case grammar.Guest:
		c.Guests = []lower.GuestInput{{Conf: standaloneGuest(path), FW: f}}
	case grammar.VNet:
		c.VNets = []*grammar.File{f}
	}
	_, ld := lower.Lower(c, lower.Options{LocalNetwork: o.LocalNetwork})
	if k != grammar.Cluster {
		ld = dropCodes(ld, "unknown-alias", "unknown-ipset", "unknown-group", "no-local-network")
	}
	return finish(append(diags, ld...), o.KeepGoing), nil
}

// standaloneGuest invents the config of a guest linted on its own: a VM
// with NICs net0..net31, so -i checks still catch typos.
func standaloneGuest(path string) tree.Guest {
	vmid, _ := strconv.Atoi(strings.TrimSuffix(filepath.Base(path), ".fw")) // 0 when not a VMID
	g := tree.Guest{Pos: ir.Pos{Filename: path}, VMID: vmid}
	for i := 0; i < 32; i++ {
		g.NICs = append(g.NICs, tree.NIC{Index: i, Firewall: true})
	}
	return g
}

func dropCodes(ds ir.Diags, codes ...string) ir.Diags {
	for _, c := range codes {
		ds = dropCode(ds, c)
	}
	return ds
}
