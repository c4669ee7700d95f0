package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/fwc-project/fwc/explain"
	"github.com/fwc-project/fwc/ir"
	"github.com/fwc-project/fwc/netdb"
	"github.com/fwc-project/fwc/pipeline"
)

type explainCmd struct {
	commonFlags
	From     string `required:"" placeholder:"EP" help:"Source: host, outside, <vmid> or <vmid>/net<N>."`
	To       string `required:"" placeholder:"EP" help:"Destination: host, outside, <vmid> or <vmid>/net<N>."`
	Proto    string `short:"p" placeholder:"PROTO" help:"Protocol name or number, or arp (default tcp; icmp with --icmp-type)."`
	DPort    string `name:"dport" placeholder:"PORT" help:"Destination port: a number or a service name (ssh)."`
	SPort    string `name:"sport" placeholder:"PORT" help:"Source port: a number or a service name (default 40000)."`
	Src      string `placeholder:"IP" help:"Source address (default: the source endpoint's own; another one is a forged source)."`
	Dst      string `placeholder:"IP" help:"Destination address (default: the destination endpoint's own)."`
	ICMPType string `name:"icmp-type" placeholder:"T" help:"ICMP or ICMPv6 type: a name or TYPE[/CODE] (default echo-request)."`
	MAC      string `placeholder:"MAC" help:"Source MAC (default: the source NIC's own; another one is forged)."`
	IPv6     bool   `name:"ipv6" short:"6" help:"Use IPv6 when no address says which family."`
	State    string `enum:"new,established" default:"new" help:"Conntrack state: new or established."`
	Uplink   string `placeholder:"BRIDGE" help:"Bridge the host's uplink is a port of (default: a routed uplink, eth0)."`
	Format   string `enum:"text,json" default:"text" help:"Output format: text or json."`
	Status   bool   `name:"verdict-status" help:"Exit with the verdict for scripts: 0 ACCEPT, 10 DROP, 11 REJECT."`
	Tree     string `arg:"" help:"Configuration tree in the /etc/pve layout."`
}

func (c *explainCmd) Run(e *env) error {
	q, err := c.packet()
	if err != nil {
		fmt.Fprintln(e.stderr, "fwc:", err)
		return exitError{exitUsage}
	}
	o, err := c.options()
	if err != nil {
		return err
	}
	rs, diags, err := pipeline.Load(c.Tree, o)
	if err != nil {
		return err
	}
	// Findings are lint's business; explain shows errors, and with
	// --keep-going the warnings, which name the items left out.
	var shown ir.Diags
	for _, d := range diags {
		if d.Severity == ir.Error || d.Severity == ir.Warning && c.KeepGoing {
			shown = append(shown, d)
		}
	}
	writeText(e.stderr, shown)
	if diags.HasErrors() {
		fmt.Fprintln(e.stderr, "fwc: nothing explained: the configuration has errors (see above; --keep-going skips bad items)")
		return exitError{exitFindings}
	}
	res, err := explain.Network{Uplink: c.Uplink}.Explain(rs, q)
	if err != nil {
		// The question does not fit the tree (no such endpoint, no
		// address of the family): a usage error.
		fmt.Fprintln(e.stderr, "fwc:", err)
		return exitError{exitUsage}
	}
	if c.Format == "json" {
		err = writeExplainJSON(e.stdout, res)
	} else {
		err = writeExplainText(e.stdout, q, res)
	}
	if err == nil && c.Status && verdictStatus[res.Verdict] != exitOK {
		return exitError{verdictStatus[res.Verdict]}
	}
	return err
}

// verdictStatus is the exit status of --verdict-status: apart from the
// statuses for bad input (1), failures (2) and usage (80), so a script
// can tell a dropped packet from a broken question.
var verdictStatus = map[ir.Verdict]int{ir.Accept: exitOK, ir.Drop: 10, ir.Reject: 11}

// packet turns the flags into the question.
func (c *explainCmd) packet() (explain.Packet, error) {
	var q explain.Packet
	var err error
	if q.From, err = explain.ParseEndpoint(c.From); err != nil {
		return q, fmt.Errorf("--from: %w", err)
	}
	if q.To, err = explain.ParseEndpoint(c.To); err != nil {
		return q, fmt.Errorf("--to: %w", err)
	}
	for _, a := range []struct {
		flag, s string
		to      *netip.Addr
	}{{"--src", c.Src, &q.Src}, {"--dst", c.Dst, &q.Dst}} {
		if a.s == "" {
			continue
		}
		if *a.to, err = netip.ParseAddr(a.s); err != nil {
			return q, fmt.Errorf("%s: %w", a.flag, err)
		}
	}
	if c.MAC != "" {
		if q.SrcMAC, err = net.ParseMAC(c.MAC); err != nil || len(q.SrcMAC) != 6 {
			return q, fmt.Errorf("--mac: bad MAC address %q", c.MAC)
		}
	}
	if c.State == "established" {
		q.State = explain.Established
	}
	if q.DPort, err = port("--dport", c.DPort); err != nil {
		return q, err
	}
	if q.SPort, err = port("--sport", c.SPort); err != nil {
		return q, err
	}
	q.Proto, q.ICMPType, q.IPv6 = c.Proto, c.ICMPType, c.IPv6
	return q, nil
}

// port reads a port flag: a number, or a service name of fwc's embedded
// services table (the one rules use), so "ssh" means what -dport ssh means.
func port(flag, s string) (uint16, error) {
	if s == "" {
		return 0, nil
	}
	if n, err := strconv.ParseUint(s, 10, 16); err == nil {
		return uint16(n), nil
	}
	if p, _, ok := netdb.Service(s); ok {
		return p, nil
	}
	return 0, fmt.Errorf("%s: %q is neither a port number nor a service name", flag, s)
}

func writeExplainText(w io.Writer, q explain.Packet, res explain.Result) error {
	fmt.Fprintf(w, "%s: %s (%s) -> %s (%s)\n", res.Verdict, q.From, res.Src, q.To, res.Dst)
	var table bytes.Buffer
	tw := tabwriter.NewWriter(&table, 0, 4, 2, ' ', 0)
	for _, s := range res.Path {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", s.Chain, s.Match, origin(s))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	// Steps without an origin would end in the padding.
	for _, l := range strings.SplitAfter(table.String(), "\n") {
		if l != "" {
			fmt.Fprintln(w, strings.TrimRight(l, " \n"))
		}
	}
	for _, n := range res.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
	return nil
}

// origin is where a step's rule comes from: the configuration line, or
// the built-in item (with the file or line behind it when known).
func origin(s explain.Step) string {
	where := s.Pos.Filename
	if s.Pos.IsValid() {
		where = fmt.Sprintf("%s:%d", s.Pos.Filename, s.Pos.Line)
	}
	switch {
	case s.Item != "" && where != "":
		return "built-in " + s.Item + ", " + where
	case s.Item != "":
		return "built-in " + s.Item
	}
	return where
}

type explainDoc struct {
	Verdict string `json:"verdict"`
	// IPTables is the iptables backend's verdict where it differs.
	IPTables string     `json:"iptables_verdict,omitempty"`
	Src      string     `json:"src"`
	Dst      string     `json:"dst"`
	Path     []jsonStep `json:"path"`
	Notes    []string   `json:"notes"`
}

type jsonStep struct {
	Chain string `json:"chain"`
	Match string `json:"match"`
	File  string `json:"file"`
	Line  int    `json:"line"`
	Item  string `json:"item,omitempty"` // the built-in policy item
}

func writeExplainJSON(w io.Writer, res explain.Result) error {
	doc := explainDoc{Verdict: res.Verdict.String(), Src: res.Src.String(), Dst: res.Dst.String(),
		Path: []jsonStep{}, Notes: append([]string{}, res.Notes...)}
	if res.IPTables != res.Verdict {
		doc.IPTables = res.IPTables.String()
	}
	for _, s := range res.Path {
		doc.Path = append(doc.Path, jsonStep{Chain: s.Chain, Match: s.Match, File: s.Pos.Filename, Line: s.Pos.Line, Item: s.Item})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(doc)
}
