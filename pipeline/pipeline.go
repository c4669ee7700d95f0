// Package pipeline wires fwc's stages together: read a tree, parse its
// files, lower them to the IR, and emit. It is the one place the commands
// and the kernel lab share, so both compile exactly the same way.
package pipeline

import (
	"bytes"
	"errors"
	"fmt"
	"net/netip"

	"github.com/fwc-project/fwc/emit/iptables"
	"github.com/fwc-project/fwc/emit/nft"
	"github.com/fwc-project/fwc/grammar"
	"github.com/fwc-project/fwc/ir"
	"github.com/fwc-project/fwc/lower"
	"github.com/fwc-project/fwc/tree"
)

// Options are the settings shared by compile, lint and explain.
type Options struct {
	Node         string
	LocalNetwork []netip.Prefix
	// KeepGoing is PVE's error model: a bad line, rule or entry is skipped
	// with a warning and the rest compiles.
	KeepGoing bool
	// NoOptimize (-O0) skips the optimiser passes.
	NoOptimize bool
}

// Load reads the tree at root and lowers the chosen node. err is for I/O
// failures only; problems with the input are diagnostics.
func Load(root string, o Options) (*ir.Ruleset, ir.Diags, error) {
	t, diags, err := tree.Read(root, o.Node)
	if err != nil {
		return nil, nil, err
	}
	rs, ld := lowerTree(t, o)
	return rs, finish(append(diags, ld...), o.KeepGoing), nil
}

// lowerTree parses a tree's files, lowers them and, unless o says -O0,
// optimises the result. The diagnostics are unsorted.
func lowerTree(t *tree.Tree, o Options) (*ir.Ruleset, ir.Diags) {
	var diags ir.Diags
	c := lower.Config{Node: t.Node}
	c.Cluster = parse(t.Cluster, &diags)
	c.Host = parse(t.Host, &diags)
	for _, g := range t.Guests {
		c.Guests = append(c.Guests, lower.GuestInput{Conf: g, FW: parse(g.FW, &diags)})
	}
	for _, v := range t.VNets {
		c.VNets = append(c.VNets, parse(v, &diags))
	}
	rs, ld := lower.Lower(c, lower.Options{LocalNetwork: o.LocalNetwork})
	if t.Node == "" && len(t.Nodes) > 0 {
		// No node was chosen: its guests are missing, so "unused" says
		// nothing.
		ld = dropCodes(ld, ir.CodeUnusedAlias, ir.CodeUnusedIpset, ir.CodeUnusedGroup)
	}
	diags = append(diags, ld...)
	if !o.NoOptimize {
		lower.Optimize(rs)
	}
	return rs, diags
}

func parse(s *tree.Source, d *ir.Diags) *grammar.File {
	if s == nil {
		return nil
	}
	f, pd := grammar.Parse(s.Path, s.Kind, s.Data)
	*d = append(*d, pd...)
	return f
}

// finish sorts diagnostics and, with keep-going, turns errors into
// warnings: every error left its item out, and keep-going means compiling
// the rest.
func finish(ds ir.Diags, keepGoing bool) ir.Diags {
	if keepGoing {
		for i := range ds {
			if ds[i].Severity == ir.Error {
				ds[i].Severity = ir.Warning
			}
		}
	}
	ds.Sort()
	return ds
}

// ErrDiagnostics reports that the input had errors, so nothing was emitted.
var ErrDiagnostics = errors.New("configuration has errors")

// CompileNFT loads the tree and emits the nft script. With errors in the
// input it returns the diagnostics and ErrDiagnostics, and no script.
func CompileNFT(root string, o Options, eo nft.Options) ([]byte, ir.Diags, error) {
	rs, diags, err := Load(root, o)
	if err != nil {
		return nil, nil, err
	}
	if diags.HasErrors() {
		return nil, diags, ErrDiagnostics
	}
	var buf bytes.Buffer
	if err := nft.Emit(&buf, rs, eo); err != nil {
		return nil, diags, fmt.Errorf("emitting nft: %w", err)
	}
	return buf.Bytes(), diags, nil
}

// CompileIPTables loads the tree and emits the iptables-restore bundle,
// with the same error contract as CompileNFT.
func CompileIPTables(root string, o Options, eo iptables.Options) (iptables.Bundle, ir.Diags, error) {
	rs, diags, err := Load(root, o)
	if err != nil {
		return iptables.Bundle{}, nil, err
	}
	if diags.HasErrors() {
		return iptables.Bundle{}, diags, ErrDiagnostics
	}
	b, err := iptables.Emit(rs, eo)
	if err != nil {
		return iptables.Bundle{}, diags, fmt.Errorf("emitting iptables: %w", err)
	}
	return b, diags, nil
}

// Compile is the lab's view of the compiler: the nft script for a node, or
// an error that includes every diagnostic.
func Compile(root, node string) ([]byte, error) {
	out, diags, err := CompileNFT(root, Options{Node: node}, nft.Options{})
	if errors.Is(err, ErrDiagnostics) {
		var msg bytes.Buffer
		for _, d := range diags {
			fmt.Fprintln(&msg, d)
		}
		return nil, fmt.Errorf("%w:\n%s", err, msg.String())
	}
	return out, err
}
