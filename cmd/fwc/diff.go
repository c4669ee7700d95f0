package main

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/fwc-project/fwc/diff"
	"github.com/fwc-project/fwc/explain"
	"github.com/fwc-project/fwc/ir"
	"github.com/fwc-project/fwc/pipeline"
)

type diffCmd struct {
	commonFlags
	Uplink string `placeholder:"BRIDGE" help:"Bridge the host's uplink is a port of (default: a routed uplink, eth0)."`
	Format string `enum:"text,json" default:"text" help:"Output format: text or json."`
	Old    string `arg:"" help:"The tree before the change."`
	New    string `arg:"" help:"The tree after the change."`
}

// exitChanges is diff's status when the trees behave differently; like
// diff(1), trouble (a tree that does not compile) is exitFailure.
const exitChanges = 1

func (c *diffCmd) Run(e *env) error {
	o, err := c.options()
	if err != nil {
		return err
	}
	var rss [2]*ir.Ruleset
	for i, root := range []string{c.Old, c.New} {
		rs, diags, err := pipeline.Load(root, o)
		if err != nil {
			fmt.Fprintln(e.stderr, "fwc:", err)
			return exitError{exitFailure}
		}
		var errs ir.Diags
		for _, d := range diags {
			if d.Severity == ir.Error {
				errs = append(errs, d)
			}
		}
		writeText(e.stderr, errs)
		if diags.HasErrors() {
			fmt.Fprintf(e.stderr, "fwc: nothing compared: %s has errors (see above)\n", root)
			return exitError{exitFailure}
		}
		rss[i] = rs
	}
	rep, err := diff.Compare(rss[0], rss[1], explain.Network{Uplink: c.Uplink})
	if err != nil {
		fmt.Fprintln(e.stderr, "fwc:", err)
		return exitError{exitFailure}
	}
	diff.Sort(rep.Classes)
	// Origins are relative to their tree: both trees have the same files.
	for i := range rep.Classes {
		cl := &rep.Classes[i]
		cl.Old.By.Pos.Filename = relative(c.Old, cl.Old.By.Pos.Filename)
		cl.New.By.Pos.Filename = relative(c.New, cl.New.By.Pos.Filename)
	}
	if c.Format == "json" {
		err = writeDiffJSON(e.stdout, rep)
	} else {
		err = writeDiffText(e.stdout, rep)
	}
	if err == nil && len(rep.Classes) > 0 {
		return exitError{exitChanges}
	}
	return err
}

func relative(root, file string) string {
	if rel, err := filepath.Rel(root, file); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return file
}

func writeDiffText(w io.Writer, rep diff.Report) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, cl := range rep.Classes {
		fmt.Fprintf(tw, "%s -> %s\t%s\t%s (%s) -> %s (%s)\n", cl.From, cl.To, cl.Fields(),
			cl.Old.Verdict, origin(cl.Old.By), cl.New.Verdict, origin(cl.New.By))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, s := range rep.Skipped {
		fmt.Fprintf(w, "not compared: %s\n", s)
	}
	return nil
}

type diffDoc struct {
	Changes []diffChange `json:"changes"`
	Skipped []string     `json:"skipped"`
}

type diffChange struct {
	From       string      `json:"from"`
	To         string      `json:"to"`
	Family     int         `json:"family"`
	Protocol   string      `json:"protocol"`
	State      string      `json:"state"`
	RemoteSide string      `json:"remote_side,omitempty"`
	Remote     []string    `json:"remote,omitempty"`
	SPort      *diff.Range `json:"sport,omitempty"`
	DPort      *diff.Range `json:"dport,omitempty"`
	ICMPType   *diff.Range `json:"icmp_type,omitempty"`
	ICMPCode   *diff.Range `json:"icmp_code,omitempty"`
	Old        diffOutcome `json:"old"`
	New        diffOutcome `json:"new"`
}

type diffOutcome struct {
	Verdict string   `json:"verdict"`
	By      jsonStep `json:"by"`
}

func writeDiffJSON(w io.Writer, rep diff.Report) error {
	doc := diffDoc{Changes: []diffChange{}, Skipped: append([]string{}, rep.Skipped...)}
	for _, cl := range rep.Classes {
		ch := diffChange{From: cl.From.String(), To: cl.To.String(), Family: cl.Family, Protocol: cl.ProtoName(),
			State: cl.State.String(), RemoteSide: cl.RemoteSide(), Old: outcomeDoc(cl.Old), New: outcomeDoc(cl.New)}
		if ch.RemoteSide != "" {
			ch.Remote = diff.RemoteCIDRs(cl.Remote)
		}
		if cl.SPort != (diff.Range{}) || cl.DPort != (diff.Range{}) {
			ch.SPort, ch.DPort = &cl.SPort, &cl.DPort
		}
		if cl.ICMPType != (diff.Range{}) || cl.ICMPCode != (diff.Range{}) {
			ch.ICMPType, ch.ICMPCode = &cl.ICMPType, &cl.ICMPCode
		}
		doc.Changes = append(doc.Changes, ch)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(doc)
}

func outcomeDoc(o diff.Outcome) diffOutcome {
	s := o.By
	return diffOutcome{Verdict: o.Verdict.String(), By: jsonStep{Chain: s.Chain, Match: s.Match, File: s.Pos.Filename, Line: s.Pos.Line, Item: s.Item}}
}
