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

// LintTree checks a whole tree (Workspace.LintAll).
func LintTree(root string, o LintOptions) (ir.Diags, error) {
	return NewWorkspace(root, o).LintAll()
}

// LintPath checks one file. data, when not nil, is the file's content
// (stdin, an unsaved buffer) and path only names it. A file that sits in
// a tree's layout (see Locate) is checked against that tree; any other is
// checked on its own, its kind from kind or else from its name.
func LintPath(path string, data []byte, kind *grammar.Kind, o LintOptions) (ir.Diags, error) {
	if pl, ok := Locate(path); ok && kind == nil {
		if fi, err := os.Stat(pl.Under); err == nil && fi.IsDir() {
			w := NewWorkspace(pl.Under, o)
			if data != nil {
				w.SetOverlay(path, data)
			}
			ds, ok, err := w.LintFile(path)
			if ok || err != nil {
				return ds, err
			}
		}
	}
	if data == nil {
		var err error
		if data, err = os.ReadFile(path); err != nil {
			return nil, err
		}
	}
	return lintAlone(path, data, kind, o), nil
}

// mergeRuns unions the diagnostics of several node runs, keeping unused-*
// warnings only when every run reported them.
func mergeRuns(runs []ir.Diags) ir.Diags {
	if len(runs) == 1 {
		return runs[0]
	}
	type key struct {
		pos  ir.Pos
		code ir.Code
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
			if isUnused(d.Code) && count[key{d.Pos, d.Code}] < len(runs) {
				continue
			}
			out = append(out, d)
		}
	}
	return out
}

func dropCode(ds ir.Diags, code ir.Code) ir.Diags {
	var out ir.Diags
	for _, d := range ds {
		if d.Code != code {
			out = append(out, d)
		}
	}
	return out
}

// lintAlone checks a single .fw file on its own. Guest files are checked
// without their guest config, so -i netN is checked against net0..net31;
// references to cluster objects cannot be resolved and are not reported.
func lintAlone(path string, data []byte, kind *grammar.Kind, o LintOptions) ir.Diags {
	k, ok := grammar.Kind(0), false
	if kind != nil {
		k, ok = *kind, true
	} else {
		k, ok = grammar.KindFromName(path)
	}
	if !ok {
		return ir.Diags{ir.Diag(ir.Pos{Filename: path}, ir.CodeFileKind, "cannot tell the file kind from its name; use --kind cluster|host|guest|vnet")}
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
	lo := o.lowerOptions()
	lo.DiagnosticsOnly = true
	_, ld := lower.Lower(c, lo)
	if k != grammar.Cluster {
		ld = dropCodes(ld, ir.CodeUnknownAlias, ir.CodeUnknownIpset, ir.CodeUnknownGroup, ir.CodeNoLocalNetwork)
	}
	text := func(string) []byte { return data }
	return finishLint(finish(append(diags, ld...), o.KeepGoing), text, o, path)
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

func dropCodes(ds ir.Diags, codes ...ir.Code) ir.Diags {
	for _, c := range codes {
		ds = dropCode(ds, c)
	}
	return ds
}

// isUnused tells the codes that say a definition is never used, which
// only a run that sees every user may report.
func isUnused(c ir.Code) bool {
	return c == ir.CodeUnusedAlias || c == ir.CodeUnusedIpset || c == ir.CodeUnusedGroup
}
