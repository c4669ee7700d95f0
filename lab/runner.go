package lab

import (
	"fmt"
	"path/filepath"
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
}

// OK reports whether the probe saw what the scenario expects.
func (r Result) OK() bool { return r.Err == nil && r.Got == r.Probe.Want && r.Explain == "" }

func (r Result) String() string {
	if r.Err != nil {
		return fmt.Sprintf("expect:%d: %s: probe failed: %v", r.Probe.Line, r.Probe.Text, r.Err)
	}
	if r.Explain != "" {
		return fmt.Sprintf("expect:%d: %s: want %s, got %s (%s); %s", r.Probe.Line, r.Probe.Text, r.Probe.Want, r.Got, r.Detail, r.Explain)
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
	if err := load.Load(n.Host, script); err != nil {
		return nil, err
	}
	rs, err := explainIR(root, t.Node, opt.Explain)
	if err != nil {
		return nil, err
	}
	rep := &Report{}
	for _, p := range s.Probes {
		p.Want = p.WantFor(load.Name())
		got, detail, err := n.Observe(&p, opt.Deadline)
		if err == nil && got == Drop && p.Want != Drop {
			// Silence can be a slow machine (an emulated VM) rather than a
			// drop: look again, longer, before calling it a mismatch.
			// Expected drops never pay for this.
			got, detail, err = n.Observe(&p, retryFactor*opt.Deadline)
			detail += " (on a second, longer try)"
		}
		res := Result{Probe: p, Got: got, Detail: detail, Err: err}
		if err == nil && rs != nil {
			res.Explain = n.ExplainMismatch(rs, &p, got)
		}
		rep.Results = append(rep.Results, res)
	}
	if rep.Ruleset, err = load.List(n.Host); err != nil {
		return rep, err
	}
	return rep, nil
}
