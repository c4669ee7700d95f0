package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/fwc-project/fwc/bench"
	"github.com/fwc-project/fwc/gen"
	"github.com/fwc-project/fwc/internal/atomicfile"
	"github.com/fwc-project/fwc/internal/nftcheck"
	"github.com/fwc-project/fwc/pipeline"
	"github.com/fwc-project/fwc/tree"
)

// compileBudget bounds the time spent repeating one compile timing.
const compileBudget = 20 * time.Second

// loadBudget bounds the time spent repeating one whole-script load: a
// load that takes longer than this is timed once.
const loadBudget = 20 * time.Second

// compiled is one compile: its script, its fastest wall time and the
// largest peak RSS of its runs.
type compiled struct {
	script []byte
	time   time.Duration
	rss    int64 // bytes
}

// compile generates the tree of g guests (once) and compiles it up to
// runs times, each in a fresh process as `fwc compile -o` would run,
// keeping the fastest time; results are kept for the run.
func (c config) compile(g int, noOpt bool) (compiled, error) {
	key := fmt.Sprintf("%d-%v", g, noOpt)
	if r, ok := c.compiled[key]; ok {
		return r, nil
	}
	progress("compiling %d guests (-O0: %v)", g, noOpt)
	dir := c.treeDir(g)
	if _, err := os.Stat(dir); err != nil {
		if err := gen.Write(dir, gen.Options{Guests: g, Seed: c.seed}); err != nil {
			return compiled{}, err
		}
	}
	self, err := os.Executable()
	if err != nil {
		return compiled{}, err
	}
	// In the VM the work directory is read-only; its /tmp is not.
	tmp, err := os.CreateTemp("", "fwcbench-*.nft")
	if err != nil {
		return compiled{}, err
	}
	tmp.Close()
	out := tmp.Name()
	defer os.Remove(out)
	var best compiled
	spent := time.Duration(0)
	for i := 0; i < c.runs && (i == 0 || spent < compileBudget); i++ {
		cmd := exec.Command(self, "-compile", dir, "-O0="+strconv.FormatBool(noOpt), "-o", out)
		cmd.Stderr = os.Stderr
		start := time.Now()
		err := cmd.Run()
		d := time.Since(start)
		if err != nil {
			return compiled{}, fmt.Errorf("compiling %d guests: %w", g, err)
		}
		spent += d
		if best.time == 0 || d < best.time {
			best.time = d
		}
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			best.rss = max(best.rss, ru.Maxrss*1024) // kilobytes on Linux
		}
	}
	if best.script, err = os.ReadFile(out); err != nil {
		return compiled{}, err
	}
	c.compiled[key] = best
	return best, nil
}

// compileOnly is fwcbench -compile: one compile in this process, the
// script written to out.
func compileOnly(dir string, noOpt bool, out string) int {
	script, err := pipeline.Script(dir, pipeline.Options{Node: gen.Node, NoOptimize: noOpt})
	if err == nil {
		err = atomicfile.Write(out, script, 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "fwcbench -compile:", err)
		return 1
	}
	return 0
}

// hostRows are the measurements this machine's kernel can make.
func hostRows(c config) ([]row, error) {
	miss, err := nftcheck.Probe()
	if err != nil {
		return nil, err
	}
	// whole is the script as this kernel can load it: the bridge table's
	// expressions it lacks are swapped for loadable ones of the same
	// shape, as internal/nftcheck checks the goldens.
	whole := func(script []byte) []byte { return []byte(nftcheck.SubstituteBridge(string(script), miss)) }
	load := func(what string, script []byte) (loaded, error) {
		progress("loading %s (limit %v)", what, c.loadLimit)
		d, err := bench.LoadWithin(whole(script), c.runs, c.loadLimit, loadBudget)
		if errors.Is(err, bench.ErrLimit) {
			return loaded{d, true}, nil
		}
		return loaded{d, false}, err
	}
	small, err := c.compile(c.smallG, false)
	if err != nil {
		return nil, err
	}
	big, err := c.compile(c.compileG, false)
	if err != nil {
		return nil, err
	}
	smallLoad, err := load(count(c.smallG)+" guests", small.script)
	if err != nil {
		return nil, err
	}
	bigLoad, err := load(count(c.compileG)+" guests", big.script)
	if err != nil {
		return nil, err
	}
	opt, err := c.compile(c.loadG, false)
	if err != nil {
		return nil, err
	}
	o0, err := c.compile(c.loadG, true)
	if err != nil {
		return nil, err
	}
	optLoad, err := load(count(c.loadG)+" guests", opt.script)
	if err != nil {
		return nil, err
	}
	o0Load, err := load(count(c.loadG)+" guests, -O0", o0.script)
	if err != nil {
		return nil, err
	}
	so, s0 := bench.Count(opt.script), bench.Count(o0.script)
	sg, bg, lg := count(c.smallG), count(c.compileG), count(c.loadG)
	rows := []row{
		timeRow(fmt.Sprintf("compile (`fwc compile -o`, own process), %s vs %s guests", sg, bg), sg, bg, small.time, big.time, "≤ 11×; "+bg+" < 1 s"),
		bytesRow(fmt.Sprintf("compile peak RSS, %s vs %s guests", sg, bg), sg, bg, small.rss, big.rss, bg+" < 200 MB"),
		loadRow(fmt.Sprintf("`nft -f` whole script, %s vs %s guests", sg, bg), sg, bg, smallLoad, bigLoad, "≤ 11×"),
		loadRow(fmt.Sprintf("`nft -f` whole script, %s guests", lg), "optimised", "-O0", optLoad, o0Load, "≥ 3×; optimised < 1.5 s"),
		loadRow(fmt.Sprintf("`nft -f` whole script of %s guests vs their compile", bg), "load", "compile", bigLoad, loaded{d: big.time}, ""),
		perGuestRow(fmt.Sprintf("rules per guest, %s guests", lg), so.Rules, s0.Rules, c.loadG, "optimised ≤ 25"),
		countRow(fmt.Sprintf("rules, %s guests", lg), so.Rules, s0.Rules),
		countRow(fmt.Sprintf("chains, %s guests", lg), so.Chains, s0.Chains),
		countRow(fmt.Sprintf("named sets, %s guests", lg), so.Sets, s0.Sets),
		countRow(fmt.Sprintf("set elements, %s guests", lg), so.Elements, s0.Elements),
		countRow(fmt.Sprintf("anonymous sets, %s guests", lg), so.Anon, s0.Anon),
		countRow(fmt.Sprintf("script bytes, %s guests", lg), so.Bytes, s0.Bytes),
	}
	ar, err := anonRow(c.runs)
	if err != nil {
		return nil, err
	}
	rows = append(rows, ar)
	lr, err := c.lintRow(c.loadG)
	if err != nil {
		return nil, err
	}
	rows = append(rows, lr)
	tiny, err := c.compile(10, false)
	if err != nil {
		return nil, err
	}
	large, err := c.compile(c.packetG, false)
	if err != nil {
		return nil, err
	}
	pk, err := c.packetRows(c.packetG, bench.Select(tiny.script, "inet"), bench.Select(large.script, "inet"), false)
	if err != nil {
		return nil, err
	}
	return append(rows, pk...), nil
}

// packetRows measures TCP connect rate and ICMP round trip with the
// small script (10 guests) and the large one (n guests) loaded, to the
// host and, with toGuest, to one guest. The scripts were compiled from the
// trees in c.treeDir(10) and c.treeDir(n).
func (c config) packetRows(n int, small, large []byte, toGuest bool) ([]row, error) {
	g, err := pickGuest(c.treeDir(10))
	if err != nil {
		return nil, err
	}
	// The generator plans guests in order from the seed, so the large tree
	// has the same guest with the same NICs.
	if gl, err := pickGuest(c.treeDir(n)); err != nil || gl.VMID != g.VMID || gl.NICs[0].MAC != g.NICs[0].MAC {
		return nil, fmt.Errorf("guest %d differs between the trees of 10 and %d guests", g.VMID, n)
	}
	progress("measuring per-packet cost, 10 and %d guests", n)
	var paths [2]*bench.Path
	for i, s := range [][]byte{small, large} {
		p, err := bench.NewPath(g)
		if err != nil {
			return nil, err
		}
		defer p.Close()
		if err := p.Load(s); err != nil {
			return nil, err
		}
		paths[i] = p
	}
	targets := []bool{false}
	if toGuest {
		targets = append(targets, true)
	}
	var rows []row
	for _, guest := range targets {
		where := "host"
		if guest {
			where = fmt.Sprintf("guest %d", g.VMID)
		}
		var rate [2]float64
		var rtt [2]time.Duration
		for range c.runs {
			for i, p := range paths {
				addr := p.Host
				if guest {
					addr = p.Guest
				}
				r, err := p.ConnectRate(addr, 22, c.packetTime)
				if err != nil {
					return nil, fmt.Errorf("connect to the %s: %w", where, err)
				}
				rate[i] = max(rate[i], r)
				d, err := p.PingRTT(addr, c.pings)
				if err != nil {
					return nil, fmt.Errorf("ping the %s: %w", where, err)
				}
				if rtt[i] == 0 || d < rtt[i] {
					rtt[i] = d
				}
			}
		}
		big := count(n)
		rows = append(rows,
			rateRow(fmt.Sprintf("TCP connects/s to the %s, 10 vs %s guests", where, big), "10", big, rate[0], rate[1]),
			timeRow(fmt.Sprintf("ICMP round trip to the %s, 10 vs %s guests", where, big), "10", big, rtt[0], rtt[1], "0.90–1.10×"))
	}
	return rows, nil
}

// pickGuest is the first guest of a tree whose rules let the outside
// namespace in on TCP 22 and ICMP echo: its .fw enters ssh-admin (from
// the management set) and accepts Ping from anywhere.
func pickGuest(dir string) (tree.Guest, error) {
	t, _, err := tree.Read(dir, gen.Node)
	if err != nil {
		return tree.Guest{}, err
	}
	for _, g := range t.Guests {
		if g.FW != nil && bytes.Contains(g.FW.Data, []byte("\nGROUP ssh-admin\n")) &&
			bytes.Contains(g.FW.Data, []byte("\nIN Ping(ACCEPT)\n")) && len(g.NICs) > 0 && g.NICs[0].Firewall {
			return g, nil
		}
	}
	return tree.Guest{}, errors.New("no guest accepts SSH and ping in " + filepath.Base(dir))
}
