package main

import (
	"fmt"
	"path/filepath"

	"github.com/fwc-project/fwc/bench"
)

// lintRow is the language server's latency: diagnostics for one file
// after an edit in the tree of g guests, for a guest file (lowered with
// the cluster scope alone) and for cluster.fw (the whole tree again).
func (c config) lintRow(g int) (row, error) {
	dir := c.treeDir(g)
	progress("linting one file after an edit, %d guests", g)
	guest, err := bench.LintAfterChange(dir, bench.GuestFile(dir), max(c.runs, 3))
	if err != nil {
		return row{}, err
	}
	cluster, err := bench.LintAfterChange(dir, filepath.Join(dir, "firewall", "cluster.fw"), max(c.runs, 3))
	if err != nil {
		return row{}, err
	}
	return timeRow(fmt.Sprintf("diagnostics after an edit (`fwc lsp`), %s guests", count(g)), "guest file", "cluster.fw", guest, cluster, "guest file < 200 ms"), nil
}
