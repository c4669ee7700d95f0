package iptables

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/fwc-project/fwc/ir"
)

// The tests in this file load bundles with the real tools, each in a fresh
// network namespace (iptables, ipset and ebtables state is per namespace),
// so they change nothing on the machine. Without root or the tools they
// skip, saying why; under CI (env CI set) that is a failure instead.

var systemTools = []string{"unshare", "nsenter", "ip", "iptables-restore", "ip6tables-restore",
	"iptables-save", "ip6tables-save", "ipset", "ebtables", "ebtables-restore", "ebtables-save", "busybox"}

func needSystem(t *testing.T) {
	t.Helper()
	var missing []string
	for _, tool := range systemTools {
		if _, err := exec.LookPath(tool); err != nil {
			missing = append(missing, tool)
		}
	}
	reason := ""
	switch {
	case len(missing) > 0:
		reason = "missing tools: " + strings.Join(missing, ", ")
	case os.Geteuid() != 0:
		reason = "needs root to create network namespaces"
	}
	if reason == "" {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatal(reason)
	}
	t.Skip(reason)
}

// inNetns runs a sh script in a new network namespace with args as $1...
// The script runs in its own process group, killed when it ends, so
// servers it left in the background cannot outlive the test.
func inNetns(t *testing.T, script string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command("unshare", append([]string{"-n", "sh", "-euc", script, "sh"}, args...)...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.WaitDelay = time.Second
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		return "", err
	}
	defer syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	err := cmd.Wait()
	if errors.Is(err, exec.ErrWaitDelay) {
		err = nil // a background process still held the output
	}
	return out.String(), err
}

func writeBundle(t *testing.T, rs *ir.Ruleset, o Options) string {
	t.Helper()
	b, err := Emit(rs, o)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "bundle")
	if err := b.WriteDir(dir); err != nil {
		t.Fatal(err)
	}
	return dir
}

// dumpState prints everything fwc may touch, without timestamps.
const dumpState = `dump() {
	for t in raw filter; do iptables-save -t $t; ip6tables-save -t $t; done | grep -v '^#'
	ebtables-save | grep -v '^#'
	# The hash seed and so the member order are new on every swap.
	ipset save | sed 's/ initval 0x[0-9a-f]*//' | sort
}
`

// TestRealTools loads every golden case: the restore files pass
// iptables-restore --test, apply.sh loads all files, and a second run of
// apply.sh leaves the state exactly as the first did, with every hook
// present once.
func TestRealTools(t *testing.T) {
	needSystem(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := writeBundle(t, tc.rs, tc.o)
			out, err := inNetns(t, dumpState+`cd "$1"
sh ./apply.sh
iptables-restore --test <rules.v4
ip6tables-restore --test <rules.v6
dump >"$1/first"
sh ./apply.sh
dump >"$1/second"
diff -u "$1/first" "$1/second"
cat "$1/second"`, dir)
			if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			for _, hook := range []string{"-A INPUT -j FWC-INPUT", "-A OUTPUT -j FWC-OUTPUT", "-A FORWARD -j FWC-FORWARD", "-A PREROUTING -j FWC-PREROUTING", "-A PREROUTING -j FWC-BRIDGE"} {
				want := 2 // iptables and ip6tables
				if strings.Contains(hook, "BRIDGE") {
					want = 1
				}
				if n := strings.Count(out, "\n"+hook+"\n"); n != want {
					t.Errorf("hook %q appears %d times, want %d", hook, n, want)
				}
			}
		})
	}
}

// TestRealToolsRejectBroken makes sure the check above can fail: a rule the
// kernel does not accept stops apply.sh.
func TestRealToolsRejectBroken(t *testing.T) {
	needSystem(t)
	b, err := Emit(cases[1].rs, Options{})
	if err != nil {
		t.Fatal(err)
	}
	b.RulesV4 = []byte(strings.Replace(string(b.RulesV4), "-A FWC-INPUT -j FWC-HOST-IN", "-A FWC-INPUT -m nosuchmatch -j FWC-HOST-IN", 1))
	dir := t.TempDir()
	if err := b.WriteDir(dir); err != nil {
		t.Fatal(err)
	}
	if out, err := inNetns(t, `sh "$1/apply.sh"`, dir); err == nil {
		t.Fatalf("apply.sh accepted a broken rule:\n%s", out)
	}
}

// TestApplyPrunes applies a bundle with guests, then one without: fwc's
// chains and sets of the first must be gone, other chains and sets kept.
func TestApplyPrunes(t *testing.T) {
	needSystem(t)
	first := writeBundle(t, guestsCase(), Options{})
	second := writeBundle(t, cases[1].rs, Options{})
	out, err := inNetns(t, dumpState+`iptables -N OTHER
ipset create other hash:net
sh "$1/apply.sh"
sh "$2/apply.sh"
dump`, first, second)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, stale := range []string{"FWC-tap100i0-IN", "FWC-tap100i0-ARP", "FWC-GUEST-OUT", "FWC-GROUP-ssh-IN", "FWC-100-ipfilter-net0-v4", "FWC-0-blacklist-v6"} {
		if strings.Contains(out, stale) {
			t.Errorf("%s survived the second bundle", stale)
		}
	}
	for _, kept := range []string{":OTHER - [0:0]", "create other hash:net", ":FWC-HOST-IN - [0:0]", "create FWC-0-management-v4 "} {
		if !strings.Contains(out, kept) {
			t.Errorf("%q missing after the second bundle", kept)
		}
	}
}
