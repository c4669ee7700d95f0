package main

import (
	"errors"
	"fmt"

	"github.com/fwc-project/fwc/emit/nft"
	"github.com/fwc-project/fwc/pipeline"
)

type compileCmd struct {
	commonFlags
	Target    string `enum:"nft" default:"nft" help:"Output format."`
	Output    string `short:"o" placeholder:"FILE" help:"Write the ruleset to FILE atomically instead of stdout."`
	KernelLog bool   `name:"kernel-log" help:"Log to the kernel log instead of nflog group 0 (what pvefw-logger reads)."`
	Tree      string `arg:"" help:"Configuration tree in the /etc/pve layout."`
}

func (c *compileCmd) Run(e *env) error {
	o, err := c.options()
	if err != nil {
		return err
	}
	out, diags, err := pipeline.CompileNFT(c.Tree, o, nft.Options{KernelLog: c.KernelLog})
	writeText(e.stderr, diags)
	switch {
	case errors.Is(err, pipeline.ErrDiagnostics):
		fmt.Fprintln(e.stderr, "fwc: nothing written: the configuration has errors (see above; --keep-going skips bad items)")
		return exitError{exitFindings}
	case err != nil:
		return err
	}
	if c.Output == "" {
		_, err = e.stdout.Write(out)
		return err
	}
	return pipeline.WriteFileAtomic(c.Output, out)
}
