package lab

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"

	"github.com/fwc-project/fwc/pipeline"
)

var (
	scenarioDir = flag.String("lab.scenarios", "../testdata/lab", "directory of lab scenario files")
	deadline    = flag.Duration("lab.deadline", 300*time.Millisecond, "how long a probe waits before calling a packet dropped")
)

// labCompiler compiles scenario trees: the hand-written ruleset.nft
// section when a scenario has one, else fwc.
var labCompiler = FileCompiler(fwcCompile)

// fwcCompile is fwc's nft script for a node of a scenario's tree.
func fwcCompile(root, node string) ([]byte, error) {
	return pipeline.Script(root, pipeline.Options{Node: node})
}

// tally counts scenario outcomes for the closing line.
var tally struct {
	sync.Mutex
	ran                     bool
	passed, failed, skipped int
}

func record(t *testing.T) {
	tally.Lock()
	defer tally.Unlock()
	switch {
	case t.Skipped():
		tally.skipped++
	case t.Failed():
		tally.failed++
	default:
		tally.passed++
	}
}

func TestMain(m *testing.M) {
	flag.Parse()
	// Probes mostly wait for packets that never come; run more scenarios
	// at once than there are cores unless -parallel says otherwise.
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.parallel" })
	if !set {
		flag.Set("test.parallel", "8")
	}
	code := m.Run()
	if tally.ran {
		fmt.Printf("lab %s: %d passed, %d failed, %d skipped\n", kernelRelease(), tally.passed, tally.failed, tally.skipped)
	}
	os.Exit(code)
}

func kernelRelease() string {
	var u unix.Utsname
	if err := unix.Uname(&u); err != nil {
		return "unknown"
	}
	return unix.ByteSliceToString(u.Release[:])
}

// unusable says why the lab cannot run here, or "".
func unusable() string {
	if os.Geteuid() != 0 {
		return "not root (network namespaces and nft need it)"
	}
	for _, tool := range []string{"ip", "nft"} {
		if _, err := exec.LookPath(tool); err != nil {
			return tool + " not found in PATH"
		}
	}
	ns, err := NewNS("fwclab-check")
	if err != nil {
		return err.Error()
	}
	ns.Close()
	return ""
}

// cannotRun fails the test under CI, where a lab that cannot run must not
// pass as skipped, and skips it elsewhere.
func cannotRun(t *testing.T, scenarios int, why string) {
	tally.Lock()
	ci := os.Getenv("CI") != ""
	if ci {
		tally.failed += scenarios
	} else {
		tally.skipped += scenarios
	}
	tally.Unlock()
	if ci {
		t.Fatalf("lab cannot run: %s", why)
	}
	t.Skipf("lab cannot run: %s", why)
}

func scenarioPaths(t *testing.T) []string {
	paths, err := filepath.Glob(filepath.Join(*scenarioDir, "*.txtar"))
	if err != nil || len(paths) == 0 {
		tally.Lock()
		tally.failed++
		tally.Unlock()
		t.Fatalf("no scenarios in %s (-lab.scenarios): %v", *scenarioDir, err)
	}
	return paths
}

// TestLab runs every scenario in parallel, each in its own namespaces.
func TestLab(t *testing.T) {
	runLab(t, labRun{compile: labCompiler, explain: loadIR})
}

// labRun is one way of compiling the scenarios for runLab.
type labRun struct {
	compile Compiler
	explain IRLoader
	fwcOnly bool   // skip scenarios with a hand-written ruleset
	label   string // how the logs name this run, e.g. " with -O0"
}

// runLab runs every scenario as a parallel subtest and reports failures
// with the chains the failing probes cross.
func runLab(t *testing.T, run labRun) {
	tally.Lock()
	tally.ran = true
	tally.Unlock()
	paths := scenarioPaths(t)
	if why := unusable(); why != "" {
		cannotRun(t, len(paths), why)
	}
	caps, err := KernelCaps()
	if err != nil {
		cannotRun(t, len(paths), err.Error())
	}
	for _, path := range paths {
		s, err := LoadScenario(path)
		if err != nil {
			t.Fatal(err)
		}
		if run.fwcOnly && handWritten(s) {
			continue
		}
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txtar"), func(t *testing.T) {
			t.Parallel()
			t.Cleanup(func() { record(t) })
			if why := caps.Missing(s.Requires); why != "" {
				t.Skipf("kernel %s lacks %s", kernelRelease(), why)
			}
			for _, brnf := range s.BridgeNF {
				label := run.label
				if len(s.BridgeNF) > 1 {
					label += fmt.Sprintf(" with bridge-nf-call-iptables=%d", map[bool]int{true: 1}[brnf])
				}
				start := time.Now()
				rep, err := s.Run(t.TempDir(), run.compile, NFT{}, Options{Deadline: *deadline, Explain: run.explain, BridgeNF: brnf})
				if err != nil {
					if why := caps.Missing([]Requirement{BridgeConntrack, BridgeReject}); why != "" && errors.Is(err, ErrLoad) {
						t.Fatalf("%v\n(kernel %s lacks %s: a scenario that needs it says so with a requires: line)", err, kernelRelease(), why)
					}
					t.Fatalf("%s: %v", label, err)
				}
				if bad := rep.Failed(); len(bad) > 0 {
					var probes []Probe
					for _, r := range bad {
						t.Errorf("%s%s", r, label)
						probes = append(probes, r.Probe)
					}
					t.Logf("ruleset%s in the host namespace, the chains these probes cross:\n%s", label, Relevant(rep.Ruleset, probes))
				}
				t.Logf("%d probes%s in %v", len(rep.Results), label, time.Since(start).Round(time.Millisecond))
			}
		})
	}
}

// TestLabCatchesFlippedVerdict runs scenarios against deliberately wrong
// rulesets and checks that exactly the probes the change affects fail.
func TestLabCatchesFlippedVerdict(t *testing.T) {
	if why := unusable(); why != "" {
		cannotRun(t, 0, why)
	}
	tests := []struct {
		scenario string
		old, new string
		want     []string // texts of the probes that must fail
	}{
		{
			scenario: "host-input", old: "tcp dport 22 accept", new: "tcp dport 22 drop",
			want: []string{"vm100 -> host tcp/22 ACCEPT", "vm100 -> host tcp6/22 ACCEPT", "outside -> host tcp/22 ACCEPT"},
		},
		{
			scenario: "host-input", old: "udp dport 54 reject", new: "udp dport 54 drop",
			want: []string{"vm100 -> host udp/54 REJECT", "vm100 -> host udp6/54 REJECT"},
		},
		{
			scenario: "host-output", old: "udp dport 124 reject", new: "udp dport 124 drop",
			want: []string{"host -> vm100 udp/124 REJECT", "host -> vm100 udp6/124 REJECT"},
		},
		{
			scenario: "tcpflags", old: "fib saddr type broadcast drop", new: "",
			want: []string{"vm100 spoof-ip 10.0.0.255 -> host icmp DROP"},
		},
		{
			scenario: "tcpflags", old: `iifname "eth0" ip saddr 10.0.0.0/8 drop`, new: "",
			want: []string{"outside spoof-ip 10.0.0.5 -> host tcp/22 DROP"},
		},
		{
			scenario: "ra-dhcp", old: `iifname "tap100i0" icmpv6 type nd-router-advert drop`, new: "",
			want: []string{"vm100 send-ra -> vm101 DROP", "vm100 send-ra -> host DROP"},
		},
		{
			scenario: "ra-dhcp", old: `iifname "tap100i0" udp sport 67 udp dport 68 drop`, new: "",
			want: []string{"vm100 dhcp-offer -> vm101 DROP", "vm100 dhcp-offer -> host DROP"},
		},
		{
			scenario: "antispoof", old: `iifname "tap100i0" icmpv6 type nd-neighbor-advert ip6 daddr ff02::1 drop`, new: "",
			want: []string{"vm100 ndp-spoof fd00::111 -> vm101 DROP", "vm100 ndp-spoof fd00::1 -> host DROP"},
		},
		{
			scenario: "antispoof", old: `iifname "tap100i0" ether saddr != 02:00:00:00:01:00 drop`, new: "",
			want: []string{"vm100 spoof-mac 02:00:00:00:00:99 -> vm101 icmp DROP", "vm100 spoof-mac 02:00:00:00:00:99 -> host udp/53 DROP"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.scenario+"/"+tt.old, func(t *testing.T) {
			t.Parallel()
			s, err := LoadScenario(filepath.Join(*scenarioDir, tt.scenario+".txtar"))
			if err != nil {
				t.Fatal(err)
			}
			wrong := func(root, node string) ([]byte, error) {
				good, err := labCompiler(root, node)
				if err != nil {
					return nil, err
				}
				if bytes.Count(good, []byte(tt.old)) != 1 {
					return nil, fmt.Errorf("the ruleset has no single %q to flip", tt.old)
				}
				return bytes.Replace(good, []byte(tt.old), []byte(tt.new), 1), nil
			}
			rep, err := s.Run(t.TempDir(), wrong, NFT{}, Options{Deadline: *deadline})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range rep.Failed() {
				got = append(got, r.Probe.Text)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("failing probes (-want +got):\n%s", diff)
			}
		})
	}
}

// TestLabLoadError checks that a ruleset nft refuses fails the scenario
// with nft's own message.
func TestLabLoadError(t *testing.T) {
	if why := unusable(); why != "" {
		cannotRun(t, 0, why)
	}
	s, err := ParseScenario("bad-ruleset", []byte("-- firewall/cluster.fw --\n-- nodes/pve1/qemu-server/100.conf --\nnet0: virtio=02:00:00:00:01:00,bridge=vmbr0\n-- expect --\nvm100 -> host icmp ACCEPT\n"))
	if err != nil {
		t.Fatal(err)
	}
	bad := func(string, string) ([]byte, error) {
		return []byte("table inet fwc {\n\tchain input {\n\t\ttcp dport 22 acept\n\t}\n}\n"), nil
	}
	_, err = s.Run(t.TempDir(), bad, NFT{}, Options{Deadline: *deadline})
	if !errors.Is(err, ErrLoad) || !strings.Contains(err.Error(), "Error: syntax error") {
		t.Errorf("Run with a broken ruleset: %v", err)
	}
}
