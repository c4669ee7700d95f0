package main

import (
	"errors"
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/fwc-project/fwc/grammar"
	"github.com/fwc-project/fwc/ir"
	"github.com/fwc-project/fwc/lower"
	"github.com/fwc-project/fwc/pipeline"
	"github.com/fwc-project/fwc/tree"
)

type lintCmd struct {
	commonFlags
	Format string   `enum:"text,json" default:"text" help:"Output format: text (file:line:col: severity: message [code]) or json."`
	Kind   string   `enum:",cluster,host,guest,vnet" default:"" help:"Kind of single .fw files (default: from the file name)."`
	List   bool     `help:"List every check's code, severity and purpose, and exit."`
	Paths  []string `arg:"" optional:"" name:"path" help:"Configuration trees (directories) or .fw files."`
}

func (c *lintCmd) Run(e *env) error {
	if c.List {
		return listChecks(e)
	}
	if len(c.Paths) == 0 {
		return usagef("lint: give at least one tree or .fw file")
	}
	o, err := c.options()
	if err != nil {
		return err
	}
	var all ir.Diags
	status := exitOK
	for _, p := range c.Paths {
		ds, err := c.lintPath(p, o)
		if err != nil {
			// A path that cannot be checked is reported like a finding, so
			// that --format json stays one document, and the rest is
			// still checked; the exit status says what kind it was.
			all = append(all, failure(p, err))
			status = max(status, exitCode(err))
		}
		all = append(all, ds...)
	}
	all.Sort()
	if c.Format == "json" {
		if err := writeJSON(e.stdout, all); err != nil {
			return err
		}
	} else {
		writeText(e.stdout, all)
	}
	if all.HasErrors() {
		status = max(status, exitFindings)
	}
	if status != exitOK {
		return exitError{status}
	}
	return nil
}

// failure is the diagnostic for a path lint could not check.
func failure(path string, err error) ir.Diagnostic {
	code := "io"
	switch {
	case errors.Is(err, tree.ErrNotTree):
		code = "not-a-tree"
	case errors.Is(err, tree.ErrNode):
		code = "node"
	}
	return ir.Diagnostic{Pos: ir.Pos{Filename: path}, Severity: ir.Error, Code: code, Message: err.Error()}
}

func (c *lintCmd) lintPath(p string, o pipeline.Options) (ir.Diags, error) {
	st, err := os.Stat(p)
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return pipeline.LintTree(p, o)
	}
	var kind *grammar.Kind
	if c.Kind != "" {
		k := map[string]grammar.Kind{"cluster": grammar.Cluster, "host": grammar.Host, "guest": grammar.Guest, "vnet": grammar.VNet}[c.Kind]
		kind = &k
	}
	return pipeline.LintFile(p, kind, o)
}

func listChecks(e *env) error {
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	for _, ch := range lower.Checks {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", ch.Code, ch.Severity, ch.Doc)
	}
	return tw.Flush()
}
