package main

import (
	"errors"
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
	"github.com/fwc-project/fwc/tree"
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
		return usagef("lint: give at least one tree or .fw file")
	}
	o, err := c.lintOptions()
	if err != nil {
		return err
	}
	all, status := c.lint(e, o)
	if status == exitOK && c.Fix {
		fixed, err := fix.Apply(all)
		if err != nil {
			return err
		}
		if fixed {
			all, status = c.lint(e, o)
		}
	}
	if err := report.Write(e.stdout, c.Format, all); err != nil {
		return err
	}
	failOn, _ := ir.ParseSeverity(c.FailOn)
	for _, d := range all {
		if d.Severity <= failOn {
			status = max(status, exitFindings)
		}
	}
	if status != exitOK {
		return exitError{status}
	}
	return nil
}

// lint checks every path (or stdin) and returns the sorted findings. A
// path that cannot be checked is reported like a finding, so that every
// format stays one document and the other paths are still checked; the
// status says what kind of failure it was (exitOK when none).
func (c *lintCmd) lint(e *env, o pipeline.LintOptions) (ir.Diags, int) {
	var all ir.Diags
	status := exitOK
	check := func(path string, ds ir.Diags, err error) {
		if err != nil {
			all = append(all, failure(path, err))
			status = max(status, exitCode(err))
		}
		all = append(all, ds...)
	}
	if c.StdinFilename != "" {
		var ds ir.Diags
		data, err := io.ReadAll(e.stdin)
		if err == nil {
			ds, err = pipeline.LintPath(c.StdinFilename, data, c.kind(), o)
		}
		check(c.StdinFilename, ds, err)
		c.Paths = nil // the only path is "-"
	}
	for _, p := range c.Paths {
		var ds ir.Diags
		st, err := os.Stat(p)
		switch {
		case err != nil:
		case st.IsDir():
			ds, err = pipeline.LintTree(p, o)
		default:
			ds, err = pipeline.LintPath(p, nil, c.kind(), o)
		}
		check(p, ds, err)
	}
	all.Sort()
	return all, status
}

// failure is the diagnostic for a path lint could not check.
func failure(path string, err error) ir.Diagnostic {
	code := ir.CodeIO
	switch {
	case errors.Is(err, tree.ErrNotTree):
		code = ir.CodeNotATree
	case errors.Is(err, tree.ErrNode):
		code = ir.CodeNode
	}
	return ir.Diag(ir.Pos{Filename: path}, code, "%s", err.Error())
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
