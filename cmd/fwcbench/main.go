// Command fwcbench measures fwc against the kernel and prints one
// markdown table of comparisons, each a ratio of two figures taken in the
// same run, and writes it to a file (bench/RESULTS.md under make bench):
//
//	go run ./cmd/fwcbench -o bench/RESULTS.md [-vm]
//
// This machine's kernel cannot load the bridge table as written (no
// bridge conntrack), so whole scripts are loaded here with those
// expressions substituted, and per-packet costs are measured with the
// inet table (the host firewall) alone. With -vm the whole ruleset is also loaded in a VM booted with the
// Debian kernel (package lab/vm), where per-packet costs to a guest are
// measured too. It needs root: every measurement runs in fresh network
// namespaces.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/fwc-project/fwc/gen"
)

type config struct {
	seed                    int64
	smallG, compileG, loadG int
	packetG                 int
	loadLimit               time.Duration
	runs                    int
	packetTime              time.Duration
	pings                   int
	vm                      bool
	vmG, vmMem              int
	vmTimeout               time.Duration
	out                     string
	work                    string
	compiled                map[string]compiled // by tree size and -O0
}

func main() {
	c := config{compiled: map[string]compiled{}}
	flag.Int64Var(&c.seed, "seed", 1, "generator seed")
	flag.IntVar(&c.smallG, "small-guests", 1000, "guests of the smaller tree of the linearity rows")
	flag.IntVar(&c.compileG, "compile-guests", 10000, "guests of the larger tree of the linearity rows")
	flag.IntVar(&c.loadG, "load-guests", 5000, "guests for the -O0 versus optimised comparison")
	flag.DurationVar(&c.loadLimit, "load-limit", 2*time.Minute, "time after which a whole-script load is killed and reported as longer")
	flag.IntVar(&c.packetG, "packet-guests", 5000, "guests loaded for the per-packet comparison with 10")
	flag.IntVar(&c.runs, "runs", 3, "runs per timing; the fastest counts")
	flag.DurationVar(&c.packetTime, "connect-time", time.Second, "duration of each TCP connect run")
	flag.IntVar(&c.pings, "pings", 500, "echo requests per ICMP run")
	flag.BoolVar(&c.vm, "vm", false, "also measure the whole ruleset in a Debian-kernel VM")
	flag.IntVar(&c.vmG, "vm-guests", 300, "guests of the large tree in the VM")
	flag.IntVar(&c.vmMem, "vm-memory", 6144, "VM memory in MiB")
	flag.DurationVar(&c.vmTimeout, "vm-timeout", 25*time.Minute, "limit for the VM run")
	flag.StringVar(&c.out, "o", "", "also write the table to this file")
	inside := flag.String("inside", "", "internal: measure in the VM, reading the work directory given")
	compileTree := flag.String("compile", "", "internal: compile this tree (node "+gen.Node+") to the file -o names, as fwc compile does")
	noOpt := flag.Bool("O0", false, "internal: with -compile, switch the optimiser off")
	flag.Parse()
	if *compileTree != "" {
		os.Exit(compileOnly(*compileTree, *noOpt, c.out))
	}
	if *inside != "" {
		os.Exit(runInside(*inside, c))
	}
	if err := run(c); err != nil {
		fmt.Fprintln(os.Stderr, "fwcbench:", err)
		os.Exit(1)
	}
}

func run(c config) error {
	// The VM sees the host's root read-only but has its own /tmp, so the
	// work directory lives under /var/tmp.
	work, err := os.MkdirTemp("/var/tmp", "fwcbench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	c.work = work
	var rows []row
	loadBefore := loadAverage()
	host, err := hostRows(c)
	if err != nil {
		return err
	}
	rows = append(rows, host...)
	notes := []string{
		"This kernel has no bridge conntrack (nor bridge reject), so it refuses `table bridge fwc` as written: the whole-script rows load both tables with those expressions swapped for loadable ones of the same shape (as internal/nftcheck checks the goldens), and the per-packet host rows load only `table inet fwc`.",
		fmt.Sprintf("A whole-script load still running after %v is killed: its figure is then a lower bound.", c.loadLimit),
		"Compile rows run `fwcbench -compile` (pipeline.Script and an atomic write, as `fwc compile -o`) in a fresh process per run; RSS is the process's peak (getrusage, as `/usr/bin/time -v` reports it).",
	}
	if c.vm {
		// The host rows stand on their own: a failed VM run is reported
		// in the notes, not instead of the table.
		vm, err := vmRows(context.Background(), c)
		if err != nil {
			msg, _, _ := strings.Cut(err.Error(), "\n")
			fmt.Fprintln(os.Stderr, "fwcbench: VM run:", err)
			notes = append(notes, "No VM rows: the VM run failed: "+msg)
		}
		rows = append(rows, vm...)
		notes = append(notes, "VM rows run under QEMU TCG (software emulation): absolute times are slow, ratios hold.")
	} else {
		notes = append(notes, "No VM rows: run with -vm to load the whole ruleset in the Debian-kernel VM.")
	}
	// Other work on the machine slows every timing; ratios suffer less.
	notes = append(notes, fmt.Sprintf("Load average of the machine (1 min, %d cores) at the start and the end of the run: %s and %s.", runtime.NumCPU(), loadBefore, loadAverage()))
	table := render(rows, notes, time.Now().UTC())
	fmt.Print(table)
	if c.out == "" {
		return nil
	}
	return os.WriteFile(c.out, []byte(table), 0o644)
}

// loadAverage is the 1-minute load average, or "unknown".
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) > 0 {
		return f[0]
	}
	return "unknown"
}

// progress tells the user on standard error what a long run is doing.
func progress(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "fwcbench: "+format+"\n", args...)
}

// treeDir is where the tree of g guests is generated in the work directory.
func (c config) treeDir(g int) string { return filepath.Join(c.work, fmt.Sprintf("tree-%d", g)) }

func seconds(d time.Duration) string {
	switch {
	case d >= time.Second:
		return fmt.Sprintf("%.2f s", d.Seconds())
	case d >= time.Millisecond:
		return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%.0f µs", float64(d)/float64(time.Microsecond))
}

func count(n int) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
