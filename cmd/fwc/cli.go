package main

import (
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"

	"github.com/alecthomas/kong"

	"github.com/fwc-project/fwc/pipeline"
)

// cli is the command line: one struct per command.
type cli struct {
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

func (c commonFlags) options() (pipeline.Options, error) {
	o := pipeline.Options{Node: c.Node, KeepGoing: c.KeepGoing, NoOptimize: c.Optimize == 0, Resolve: c.Resolve}
	for _, s := range c.LocalNetwork {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return o, fmt.Errorf("--local-network: %w", err)
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
	parser, err := kong.New(&c, kong.Name("fwc"),
		kong.Description("fwc compiles Proxmox VE firewall configuration into nftables rulesets."),
		kong.Writers(stdout, stderr),
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
		fmt.Fprintln(stderr, "fwc:", err)
		return exitUsage
	}
	err = ctx.Run(&env{stdin: stdin, stdout: stdout, stderr: stderr})
	var ee exitError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ee):
		return ee.code
	}
	fmt.Fprintln(stderr, "fwc:", err)
	return exitFailure
}

// exitPanic unwinds kong's Exit callback (help, --version) back to Main.
type exitPanic struct{}
