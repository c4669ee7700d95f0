package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/fwc-project/fwc/fix"
	"github.com/fwc-project/fwc/grammar"
	"github.com/fwc-project/fwc/ir"
	"github.com/fwc-project/fwc/pipeline"
	"github.com/fwc-project/fwc/report"
)

type lintCmd struct {
	commonFlags
	Format        string   `enum:"text,json,sarif,github,checkstyle" default:"text" help:"Output format: text (file:line:col: severity: message [code]), json (versioned schema, see README), sarif (SARIF 2.1.0), github (Actions annotations) or checkstyle (XML)."`
	Kind          string   `enum:",cluster,host,guest,vnet" default:"" help:"Kind of single .fw files outside a tree (default: from the file name)."`
	StdinFilename string   `name:"stdin-filename" placeholder:"PATH" help:"Read the file to lint from stdin (path -); PATH names it: its kind and the tree its references resolve against."`
	FailOn        string   `name:"fail-on" enum:"error,warning,note" default:"error" help:"Exit 1 when a finding is at least this severe: error, warning or note."`
	Severity      []string `placeholder:"CODE=LEVEL" help:"Report CODE as error, warning or note, or not at all (off); repeatable."`
	Fix           bool     `help:"Apply the certain fixes (a name's case, an option's spelling) to the files, atomically, and report what is left."`
	List          bool     `help:"List every check's code, severity and purpose (with --format json: the registry as JSON), and exit."`
	Paths         []string `arg:"" optional:"" name:"path" help:"Configuration trees (directories) or files; - for stdin with --stdin-filename."`
}

func (c *lintCmd) Validate() error {
	if c.StdinFilename != "" && (len(c.Paths) != 1 || c.Paths[0] != "-") {
		return fmt.Errorf("--stdin-filename reads stdin: give - as the only path")
	}
	if c.StdinFilename == "" && len(c.Paths) > 0 && c.Paths[0] == "-" {
		return fmt.Errorf("lint - needs --stdin-filename PATH (the file's name decides its kind and tree)")
	}
	if c.Fix && c.StdinFilename != "" {
		return fmt.Errorf("--fix rewrites files, not stdin")
	}
	if c.List && c.Format != "text" && c.Format != "json" {
		return fmt.Errorf("--list prints text or json")
	}
	_, err := c.lintOptions()
	return err
}

func (c *lintCmd) lintOptions() (pipeline.LintOptions, error) {
	o, err := c.options()
	lo := pipeline.LintOptions{Options: o, Severity: map[ir.Code]ir.Severity{}, Off: map[ir.Code]bool{}}
	if err != nil {
		return lo, err
	}
	for _, s := range c.Severity {
		code, level, ok := strings.Cut(s, "=")
		if _, known := ir.LookupCheck(ir.Code(code)); !ok || !known {
			return lo, fmt.Errorf("--severity %q: want CODE=LEVEL with a code from fwc lint --list", s)
		}
		if level == "off" {
			lo.Off[ir.Code(code)] = true
			continue
		}
		sev, ok := ir.ParseSeverity(level)
		if !ok {
			return lo, fmt.Errorf("--severity %q: level is error, warning, note or off", s)
		}
		lo.Severity[ir.Code(code)] = sev
	}
	return lo, nil
}

func (c *lintCmd) Run(e *env) error {
	if c.List {
		if c.Format == "json" {
			return report.Checks(e.stdout)
		}
		return listChecks(e)
	}
	if len(c.Paths) == 0 {
		return fmt.Errorf("lint: give at least one tree or .fw file")
	}
	o, err := c.lintOptions()
	if err != nil {
		return err
	}
	all, err := c.lint(e, o)
	if err == nil && c.Fix {
		var fixed bool
		if fixed, err = fix.Apply(all); err == nil && fixed {
			all, err = c.lint(e, o)
		}
	}
	if err != nil {
		fmt.Fprintln(e.stderr, "fwc:", err)
		return exitError{exitFailure}
	}
	if err := report.Write(e.stdout, c.Format, all); err != nil {
		return err
	}
	failOn, _ := ir.ParseSeverity(c.FailOn)
	for _, d := range all {
		if d.Severity <= failOn {
			return exitError{exitFindings}
		}
	}
	return nil
}

// lint checks every path (or stdin) and returns the sorted findings.
func (c *lintCmd) lint(e *env, o pipeline.LintOptions) (ir.Diags, error) {
	if c.StdinFilename != "" {
		data, err := io.ReadAll(e.stdin)
		if err != nil {
			return nil, err
		}
		return pipeline.LintPath(c.StdinFilename, data, c.kind(), o)
	}
	var all ir.Diags
	for _, p := range c.Paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		var ds ir.Diags
		if st.IsDir() {
			ds, err = pipeline.LintTree(p, o)
		} else {
			ds, err = pipeline.LintPath(p, nil, c.kind(), o)
		}
		if err != nil {
			return nil, err
		}
		all = append(all, ds...)
	}
	all.Sort()
	return all, nil
}

func (c *lintCmd) kind() *grammar.Kind {
	if c.Kind == "" {
		return nil
	}
	k := map[string]grammar.Kind{"cluster": grammar.Cluster, "host": grammar.Host, "guest": grammar.Guest, "vnet": grammar.VNet}[c.Kind]
	return &k
}

func listChecks(e *env) error {
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	for _, ch := range ir.Checks {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", ch.Code, ch.Severity, ch.Doc)
	}
	return tw.Flush()
}
