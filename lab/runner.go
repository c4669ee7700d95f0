package lab

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/fwc-project/fwc/tree"
)

// Result is one probe's outcome.
type Result struct {
	Probe  Probe
	Got    Verdict
	Detail string
	Err    error // the probe could not run
	// Explain describes a disagreement between the kernel and fwc
	// explain (see Options.Explain); "" when they agree.
	Explain string
	// Log describes log messages other than the probe expects; "" when
	// they match or the probe does not check them.
	Log string
}

// OK reports whether the probe saw what the scenario expects.
func (r Result) OK() bool {
	return r.Err == nil && r.Got == r.Probe.Want && r.Explain == "" && r.Log == ""
}

func (r Result) String() string {
	if r.Err != nil {
		return fmt.Sprintf("expect:%d: %s: probe failed: %v", r.Probe.Line, r.Probe.Text, r.Err)
	}
	if r.Explain != "" || r.Log != "" {
		return fmt.Sprintf("expect:%d: %s: want %s, got %s (%s); %s", r.Probe.Line, r.Probe.Text, r.Probe.Want, r.Got, r.Detail, strings.TrimPrefix(r.Explain+"; "+r.Log, "; "))
	}
	return fmt.Sprintf("expect:%d: %s: want %s, got %s (%s)", r.Probe.Line, r.Probe.Text, r.Probe.Want, r.Got, r.Detail)
}

// Report is what running a scenario produced.
type Report struct {
	Results []Result
	Ruleset string // the loader's listing after the probes ran
}

// Failed returns the results that did not match.
func (r *Report) Failed() []Result {
	var bad []Result
	for _, res := range r.Results {
		if !res.OK() {
			bad = append(bad, res)
		}
	}
	return bad
}

// retryFactor stretches the deadline for the second look at a probe
// that expected an answer and saw none. Under emulation an IPv6 probe can
// first need neighbour discovery and a slow scheduler; only probes that
// would otherwise fail pay for the wait.
const retryFactor = 10

// Options tune a run.
type Options struct {
	Deadline time.Duration // how long a DROP is waited for
	// Explain, when set, loads the IR of a tree fwc compiled; every probe
	// then also asks fwc explain and fails when the answers differ.
	Explain IRLoader
	// BridgeNF turns bridge-nf-call-iptables and -ip6tables on in the host
	// (br_netfilter, as on a host moving from PVE's iptables firewall), so
	// bridged frames also cross the inet hooks.
	BridgeNF bool
}

// observeAll sends a probe as often as it says; the verdict is the first
// one that differs from the expected one, else the expected one.
func (n *Net) observeAll(p *Probe, deadline time.Duration) (Verdict, string, error) {
	var got Verdict
	var detail string
	for i := range max(p.Repeat, 1) {
		v, d, err := n.Observe(p, deadline)
		if err == nil && v == Drop && p.Want != Drop {
			// Silence can be a slow machine (an emulated VM) rather than a
			// drop: look again, longer, before calling it a mismatch.
			// Expected drops never pay for this.
			v, d, err = n.Observe(p, retryFactor*deadline)
			d += " (on a second, longer try)"
		}
		if err != nil || v != p.Want || i == 0 {
			got, detail = v, d
		}
		if err != nil || v != p.Want {
			if p.Repeat > 1 {
				detail = fmt.Sprintf("%s (send %d of %d)", d, i+1, p.Repeat)
			}
			return got, detail, err
		}
	}
	return got, detail, nil
}

// checkLogs reads the messages a probe caused and compares them with its
// log expectations; "" when they match.
func checkLogs(p *Probe, logs *nflog, wait time.Duration) (string, error) {
	got, err := logs.read(wait)
	if err != nil || p.Log == nil && !p.CountLogs {
		return "", err
	}
	var bad []string
	for _, want := range p.Log {
		if !slices.Contains(got, want) {
			bad = append(bad, fmt.Sprintf("no log message %q", want))
		}
	}
	if p.Log != nil {
		for _, g := range got {
			if !slices.Contains(p.Log, g) {
				bad = append(bad, fmt.Sprintf("unexpected log message %q", g))
			}
		}
	}
	if p.CountLogs && len(got) != p.Logs {
		bad = append(bad, fmt.Sprintf("%d log messages, want %d", len(got), p.Logs))
	}
	if bad == nil {
		return "", nil
	}
	return fmt.Sprintf("log: %s (got %q)", strings.Join(bad, ", "), got), nil
}

// Run builds the scenario's topology in fresh namespaces under a tree
// written to dir, loads the compiled ruleset into the host namespace and
// runs every probe in order. The error is for a scenario that could not
// run at all (bad tree, compile or load error); probe mismatches are in
// the report.
func (s *Scenario) Run(dir string, compile Compiler, load Loader, opt Options) (*Report, error) {
	root := filepath.Join(dir, "tree")
	if err := s.WriteTree(root); err != nil {
		return nil, err
	}
	t, diags, err := tree.Read(root, s.Node)
	if err != nil {
		return nil, fmt.Errorf("read tree: %w", err)
	}
	if diags.HasErrors() {
		var b strings.Builder
		for _, d := range diags {
			fmt.Fprintln(&b, d)
		}
		return nil, fmt.Errorf("read tree:\n%s", b.String())
	}
	top, err := Plan(t, s.Uplink)
	if err != nil {
		return nil, err
	}
	script, err := compile(root, t.Node)
	if err != nil {
		return nil, fmt.Errorf("compile: %w", err)
	}
	n, err := Build(top)
	if err != nil {
		return nil, fmt.Errorf("build topology: %w", err)
	}
	defer n.Close()
	if opt.BridgeNF {
		if err := n.Host.Sysctl(false, "net/bridge/bridge-nf-call-iptables", "1", "net/bridge/bridge-nf-call-ip6tables", "1"); err != nil {
			return nil, fmt.Errorf("br_netfilter: %w", err)
		}
	}
	if err := load.Load(n.Host, script); err != nil {
		return nil, err
	}
	rs, err := explainIR(root, t.Node, opt.Explain)
	if err != nil {
		return nil, err
	}
	// Log expectations name nft's chains, so only the nft loader is
	// checked against them.
	var logs *nflog
	if load.Name() == (NFT{}).Name() && slices.ContainsFunc(s.Probes, func(p Probe) bool { return p.Log != nil || p.CountLogs }) {
		if logs, err = openNFLOG(n.Host, 0); err != nil {
			return nil, err
		}
		defer logs.close()
	}
	rep := &Report{}
	for _, p := range s.Probes {
		p.Want = p.WantFor(load.Name())
		if logs != nil {
			if _, err := logs.read(0); err != nil { // earlier probes' late messages
				return nil, err
			}
		}
		got, detail, err := n.observeAll(&p, opt.Deadline)
		res := Result{Probe: p, Got: got, Detail: detail, Err: err}
		if err == nil && rs != nil {
			res.Explain = n.ExplainMismatch(rs, &p, got)
		}
		if err == nil && logs != nil {
			res.Log, res.Err = checkLogs(&p, logs, opt.Deadline)
		}
		rep.Results = append(rep.Results, res)
	}
	if rep.Ruleset, err = load.List(n.Host); err != nil {
		return rep, err
	}
	return rep, nil
}
