// Package pipeline wires fwc's stages together: read a tree, parse its
// files, lower them to the IR, and emit. It is the one place the commands
// and the kernel lab share, so both compile exactly the same way.
package pipeline

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"

	"github.com/fwc-project/fwc/corosync"
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
	// Resolve looks up host names in corosync.conf with this machine's
	// resolver, as PVE does on the node (--resolve).
	Resolve bool
	// Target and KernelLog are for Compile: what to emit, and whether log
	// rules go to the kernel log instead of nflog group 0.
	Target    Target
	KernelLog bool
}

// resolveHost is getaddrinfo, as PVE resolves corosync node names.
func resolveHost(name string) ([]netip.Addr, error) {
	return net.DefaultResolver.LookupNetIP(context.Background(), "ip", name)
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
	c := config(t, t.Guests, t.VNets, parse, &diags)
	rs, ld := lower.Lower(c, o.lowerOptions())
	diags = append(diags, ld...)
	if !o.NoOptimize {
		lower.Optimize(rs)
	}
	return rs, diags
}

// config builds lower's input from a tree: its cluster, host and
// corosync files, and the given guests and VNets (all of the tree's, or
// the few a lint of one file needs). parse parses the sources in one go
// (on all cores); sources[i] is nil for a missing file.
func config(t *tree.Tree, guests []tree.Guest, vnets []*tree.Source, parse func([]*tree.Source, *ir.Diags) []*grammar.File, d *ir.Diags) lower.Config {
	c := lower.Config{Node: t.Node}
	sources := []*tree.Source{t.Cluster, t.Host}
	for _, g := range guests {
		sources = append(sources, g.FW)
	}
	sources = append(sources, vnets...)
	files := parse(sources, d)
	c.Cluster, c.Host = files[0], files[1]
	for i, g := range guests {
		c.Guests = append(c.Guests, lower.GuestInput{Conf: g, FW: files[2+i]})
	}
	c.VNets = files[2+len(guests):]
	if t.Corosync != nil {
		conf, cd := corosync.Parse(t.Corosync.Path, t.Corosync.Data)
		c.Corosync = conf
		*d = append(*d, cd...)
	}
	return c
}

// lowerOptions are the options lower takes from the command line.
func (o Options) lowerOptions() lower.Options {
	lo := lower.Options{LocalNetwork: o.LocalNetwork}
	if o.Resolve {
		lo.Resolve = resolveHost
	}
	return lo
}

// parse parses the sources that exist; the result has nil for the others.
func parse(sources []*tree.Source, d *ir.Diags) []*grammar.File {
	var in []grammar.Input
	for _, s := range sources {
		if s != nil {
			in = append(in, grammar.Input{Name: s.Path, Kind: s.Kind, Data: s.Data})
		}
	}
	parsed, diags := grammar.ParseAll(in)
	files := make([]*grammar.File, len(sources))
	for i, s := range sources {
		if s != nil {
			files[i], parsed = parsed[0], parsed[1:]
			*d = append(*d, diags[0]...)
			diags = diags[1:]
		}
	}
	return files
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

// DiagError is Compile's error for input with errors: it matches
// ErrDiagnostics and its message lists every diagnostic, for callers (the
// lab, the bench) that do not print them on their own.
type DiagError struct{ Diags ir.Diags }

func (e *DiagError) Error() string {
	var msg strings.Builder
	msg.WriteString(ErrDiagnostics.Error() + ":")
	for _, d := range e.Diags {
		msg.WriteString("\n" + d.String())
	}
	return msg.String()
}

// Is makes errors.Is(err, ErrDiagnostics) true.
func (e *DiagError) Is(target error) bool { return target == ErrDiagnostics }

// Target is what Compile emits.
type Target int

// Targets.
const (
	NFT      Target = iota // one nft -f script
	IPTables               // the iptables-restore bundle
)

// Output is what one compile produced: the ruleset it was emitted from
// and the target's text.
type Output struct {
	Ruleset  *ir.Ruleset
	NFT      []byte          // Target NFT
	IPTables iptables.Bundle // Target IPTables
}

// Compile is fwc's one compile entry point, for the CLI, the lab and the
// bench: it loads the tree and emits o.Target. With errors in the input it
// returns the diagnostics and a *DiagError, and no output; err is nil or
// one of those only when the tree could be read.
func Compile(root string, o Options) (*Output, ir.Diags, error) {
	rs, diags, err := Load(root, o)
	if err != nil {
		return nil, nil, err
	}
	if diags.HasErrors() {
		return nil, diags, &DiagError{diags}
	}
	out := &Output{Ruleset: rs}
	switch o.Target {
	case IPTables:
		if out.IPTables, err = iptables.Emit(rs, iptables.Options{KernelLog: o.KernelLog}); err != nil {
			return nil, diags, fmt.Errorf("emitting iptables: %w", err)
		}
	default:
		out.NFT = nft.Script(rs, nft.Options{KernelLog: o.KernelLog, NoOptimize: o.NoOptimize})
	}
	return out, diags, nil
}

// Script is the nft script Compile makes for one node, or an error that
// lists every diagnostic: the lab's and the bench's view of the compiler.
func Script(root string, o Options) ([]byte, error) {
	o.Target = NFT
	out, _, err := Compile(root, o)
	if err != nil {
		return nil, err
	}
	return out.NFT, nil
}
