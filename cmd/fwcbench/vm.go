package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/fwc-project/fwc/bench"
	"github.com/fwc-project/fwc/lab/vm"
)

// resultTag starts the line on which the VM run reports its rows.
const resultTag = "FWCBENCH-ROWS "

// Scripts the host compiles for the VM, in the work directory.
const (
	smallFile = "vm-small.nft"
	largeFile = "vm-large.nft"
	o0File    = "vm-large-O0.nft"
)

// vmRows compiles the scripts on this machine, boots the VM and runs
// fwcbench -inside there, which loads them whole.
func vmRows(ctx context.Context, c config) ([]row, error) {
	for _, s := range []struct {
		file  string
		g     int
		noOpt bool
	}{{smallFile, 10, false}, {largeFile, c.vmG, false}, {o0File, c.vmG, true}} {
		out, err := c.compile(s.g, s.noOpt)
		if err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(c.work, s.file), out.script, 0o644); err != nil {
			return nil, err
		}
	}
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	progress("booting the VM (limit %v)", c.vmTimeout)
	ctx, cancel := context.WithTimeout(ctx, c.vmTimeout)
	defer cancel()
	res, err := vm.Run(ctx, vm.Config{
		Binary: self,
		Args: []string{"-inside", c.work, "-vm-guests", strconv.Itoa(c.vmG), "-runs", strconv.Itoa(c.runs),
			"-connect-time", c.packetTime.String(), "-pings", strconv.Itoa(c.pings)},
		Preload: vm.NetfilterModules,
		Memory:  c.vmMem,
	})
	if err != nil {
		return nil, err
	}
	for _, l := range strings.Split(res.Output, "\n") {
		if js, ok := strings.CutPrefix(l, resultTag); ok {
			var rows []row
			err := json.Unmarshal([]byte(js), &rows)
			return rows, err
		}
	}
	return nil, fmt.Errorf("the VM run reported no rows (exit %d):\n%s", res.ExitCode, res.Output)
}

// runInside is fwcbench in the VM: it loads the scripts the host wrote
// and reports its rows as one JSON line.
func runInside(work string, c config) int {
	c.work = work
	rows, err := insideRows(c)
	if err != nil {
		fmt.Fprintln(os.Stderr, "fwcbench (in the VM):", err)
		return 1
	}
	js, err := json.Marshal(rows)
	if err != nil {
		fmt.Fprintln(os.Stderr, "fwcbench (in the VM):", err)
		return 1
	}
	fmt.Println(resultTag + string(js))
	return 0
}

func insideRows(c config) ([]row, error) {
	var scripts [3][]byte
	for i, f := range []string{smallFile, largeFile, o0File} {
		var err error
		if scripts[i], err = os.ReadFile(filepath.Join(c.work, f)); err != nil {
			return nil, err
		}
	}
	progress("loading the whole rulesets of 10 and %d guests", c.vmG)
	// The first load in a fresh VM pays for cold caches; it is not timed.
	if _, err := bench.LoadTime(scripts[0], 1); err != nil {
		return nil, err
	}
	// Alternate the two scripts so drift in the emulation hits both.
	var opt, o0 time.Duration
	for range c.runs {
		for _, x := range []struct {
			script []byte
			best   *time.Duration
		}{{scripts[1], &opt}, {scripts[2], &o0}} {
			d, err := bench.LoadTime(x.script, 1)
			if err != nil {
				return nil, err
			}
			if *x.best == 0 || d < *x.best {
				*x.best = d
			}
		}
	}
	// Compiling here too puts compile and load on the same machine.
	comp, err := c.compile(c.vmG, false)
	if err != nil {
		return nil, err
	}
	big := count(c.vmG)
	rows := []row{
		timeRow(fmt.Sprintf("VM: `nft -f` whole ruleset, %s guests", big), "optimised", "-O0", opt, o0, "≥ 3×"),
		timeRow(fmt.Sprintf("VM: `nft -f` whole ruleset of %s guests vs their compile", big), "load", "compile", opt, comp.time, "< 0.10×"),
	}
	pk, err := c.packetRows(c.vmG, scripts[0], scripts[1], true)
	if err != nil {
		return nil, err
	}
	for i := range pk {
		pk[i].What = "VM: " + pk[i].What
	}
	return append(rows, pk...), nil
}
