package main

import (
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"runtime/debug"

	"github.com/alecthomas/kong"

	"github.com/fwc-project/fwc/pipeline"
	"github.com/fwc-project/fwc/tree"
)

// cli is the command line: one struct per command.
type cli struct {
	Version kong.VersionFlag `help:"Print fwc's version and exit."`

	Compile compileCmd `cmd:"" help:"Compile a configuration tree into a ruleset."`
	Lint    lintCmd    `cmd:"" help:"Check configuration trees or single .fw files."`
	Explain explainCmd `cmd:"" help:"Show which rules decide a packet's fate, and why."`
	LSP     lspCmd     `cmd:"" name:"lsp" help:"Run the language server on stdin and stdout (for editors)."`
}

// commonFlags are shared by every command that reads a tree.
type commonFlags struct {
	Node         string   `help:"Node to compile (default: the only node in the tree)."`
	LocalNetwork []string `name:"local-network" placeholder:"CIDR" help:"local_network when cluster.fw does not define the alias."`
	KeepGoing    bool     `name:"keep-going" help:"Skip bad lines, rules and entries with a warning (PVE's model) instead of failing."`
	Optimize     int      `short:"O" default:"1" help:"Optimisation level: 0 switches the optimiser passes off."`
	Resolve      bool     `help:"Resolve host names in corosync.conf's nodelist with this machine's resolver, as PVE does on the node."`
}

// options checks the flags; their errors are usage errors.
func (c commonFlags) options() (pipeline.Options, error) {
	o := pipeline.Options{Node: c.Node, KeepGoing: c.KeepGoing, NoOptimize: c.Optimize == 0, Resolve: c.Resolve}
	if c.Optimize != 0 && c.Optimize != 1 {
		return o, usagef("-O %d: the optimisation level is 0 or 1", c.Optimize)
	}
	for _, s := range c.LocalNetwork {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return o, usagef("--local-network: %q is not a CIDR (an address and a prefix length, e.g. 10.0.0.0/24)", s)
		}
		o.LocalNetwork = append(o.LocalNetwork, p.Masked())
	}
	return o, nil
}

// env is what commands write to.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

// exitError carries an exit status; its message, if any, was printed.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// usageError is a mistake in the command line (exit 80).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// exitCode is the exit status for an error a command returned: what the
// README promises for each kind of failure.
func exitCode(err error) int {
	var ee exitError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ee):
		return ee.code
	case errors.As(err, new(usageError)), errors.Is(err, tree.ErrNode):
		return exitUsage
	case errors.Is(err, tree.ErrNotTree):
		return exitFindings
	}
	return exitFailure
}

// Exit codes.
const (
	exitOK       = 0
	exitFindings = 1 // errors in the input
	exitFailure  = 2 // I/O or internal failure
	exitUsage    = 80
)

// Main runs fwc with args and returns the exit status.
func Main(args []string, stdout, stderr io.Writer) int {
	return mainIO(args, os.Stdin, stdout, stderr)
}

// mainIO is Main with its standard input given (lint --stdin-filename).
func mainIO(args []string, stdin io.Reader, stdout, stderr io.Writer) (status int) {
	var c cli
	exited := false
	out := &checkedWriter{w: stdout}
	defer func() {
		// Output that did not arrive is a failure, whatever the command
		// found: a caller must not take a cut-off ruleset or report for
		// a complete one.
		if out.err != nil {
			fmt.Fprintln(stderr, "fwc: writing the output:", out.err)
			status = exitFailure
		}
	}()
	parser, err := kong.New(&c, kong.Name("fwc"),
		kong.Description("fwc compiles Proxmox VE firewall configuration into nftables rulesets."),
		kong.Vars{"version": "fwc " + version()},
		kong.Writers(out, stderr),
		kong.Exit(func(code int) { exited, status = true, code; panic(exitPanic{}) }),
		kong.UsageOnError())
	if err != nil {
		fmt.Fprintln(stderr, "fwc:", err)
		return exitFailure
	}
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(exitPanic); !ok || !exited {
				panic(r)
			}
		}
	}()
	ctx, err := parser.Parse(args)
	if err != nil {
		if out.err == nil { // else it is the failed write, reported above
			fmt.Fprintln(stderr, "fwc:", err)
		}
		return exitUsage
	}
	err = ctx.Run(&env{stdin: stdin, stdout: out, stderr: stderr})
	if err != nil && !errors.As(err, new(exitError)) && out.err == nil {
		fmt.Fprintln(stderr, "fwc:", err)
	}
	return exitCode(err)
}

// checkedWriter remembers the first write error, so that Main can turn a
// lost output into exit 2 whichever command wrote it.
type checkedWriter struct {
	w   io.Writer
	err error
}

func (c *checkedWriter) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.w.Write(p)
	c.err = err
	return n, err
}

// version is the module version fwc was built from, as the Go toolchain
// recorded it ("(devel)" in a work tree), with the VCS revision when known.
func version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)"
	}
	v := bi.Main.Version
	if v == "" {
		v = "(devel)"
	}
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" {
			v += " " + s.Value
		}
	}
	return v
}

// exitPanic unwinds kong's Exit callback (help, --version) back to Main.
type exitPanic struct{}
