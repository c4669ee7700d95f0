package explain

import (
	"path/filepath"

	"github.com/fwc-project/fwc/ir"
)

// files are the configuration files built-in rules are blamed on when
// the IR has no finer position: host.fw for host defaults, cluster.fw
// for cluster ones. The IR keeps positions on rules, sets and policies
// only, so the files are found from those.
type files struct {
	cluster, host ir.Pos
}

func findFiles(rs *ir.Ruleset) files {
	var f files
	var all []ir.Pos
	all = append(all, rs.Host.PolicyPos[:]...)
	for _, s := range rs.Sets {
		all = append(all, s.Pos)
	}
	for _, rules := range [][]ir.Rule{rs.Host.In, rs.Host.Out, rs.Host.Forward} {
		for _, r := range rules {
			all = append(all, r.Pos)
		}
	}
	for _, g := range rs.Groups {
		all = append(all, g.Pos)
	}
	for _, p := range all {
		switch filepath.Base(p.Filename) {
		case "cluster.fw":
			f.cluster = ir.Pos{Filename: p.Filename}
		case "host.fw":
			f.host = ir.Pos{Filename: p.Filename}
		}
	}
	// The tree layout puts host.fw at nodes/<node>/host.fw beside the
	// firewall/ directory of cluster.fw.
	if f.host.Filename == "" && f.cluster.Filename != "" && rs.Node != "" {
		root := filepath.Dir(filepath.Dir(f.cluster.Filename))
		f.host = ir.Pos{Filename: filepath.Join(root, "nodes", rs.Node, "host.fw")}
	}
	return f
}
