package main

import (
	"errors"
	"fmt"

	"github.com/fwc-project/fwc/emit/sysctl"
	"github.com/fwc-project/fwc/internal/atomicfile"
	"github.com/fwc-project/fwc/pipeline"
)

type compileCmd struct {
	commonFlags
	Target    string `enum:"nft,iptables" default:"nft" help:"Output: nft (one nft -f script) or iptables (a directory with rules.v4, rules.v6, ipsets, ebtables and apply.sh)."`
	Output    string `short:"o" placeholder:"PATH" help:"Write the nft script to PATH atomically instead of stdout; the iptables bundle's directory (required for that target)."`
	Sysctl    string `placeholder:"FILE" help:"Also write the kernel settings host.fw asks for (nf_conntrack_max, conntrack timeouts) as a sysctl.d fragment to FILE (the iptables bundle's apply.sh sets them itself)."`
	KernelLog bool   `name:"kernel-log" help:"Log to the kernel log instead of nflog group 0 (what pvefw-logger reads)."`
	Tree      string `arg:"" help:"Configuration tree in the /etc/pve layout."`
}

func (c *compileCmd) Validate() error {
	if c.Target == "iptables" && c.Output == "" {
		return errors.New("--target iptables writes a directory: give it with -o DIR")
	}
	return nil
}

func (c *compileCmd) Run(e *env) error {
	o, err := c.options()
	if err != nil {
		return err
	}
	o.KernelLog = c.KernelLog
	if c.Target == "iptables" {
		o.Target = pipeline.IPTables
	}
	out, diags, err := pipeline.Compile(c.Tree, o)
	writeText(e.stderr, diags)
	if errors.Is(err, pipeline.ErrDiagnostics) {
		fmt.Fprintln(e.stderr, "fwc: nothing written: the configuration has errors (see above; --keep-going skips bad items)")
		return exitError{exitFindings}
	}
	if err != nil {
		return fmt.Errorf("nothing written: %w", err)
	}
	if c.Sysctl != "" {
		// Before the ruleset: a reload script that applies both never
		// sees a new ruleset with stale settings.
		if err := atomicfile.Write(c.Sysctl, sysctl.Fragment(out.Ruleset.Host.Sysctls), 0o644); err != nil {
			return err
		}
	}
	switch {
	case o.Target == pipeline.IPTables:
		return out.IPTables.WriteDir(c.Output)
	case c.Output == "":
		_, err = e.stdout.Write(out.NFT)
		return err
	}
	return atomicfile.Write(c.Output, out.NFT, 0o644)
}
