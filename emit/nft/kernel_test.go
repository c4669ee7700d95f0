package nft

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/fwc-project/fwc/ir"
)

// The kernel checks load every emitted script with `nft -c` in a fresh
// network namespace. They need nft and root; under CI a missing tool is a
// failure, elsewhere a skip that says why.

func needNFT(t *testing.T) {
	t.Helper()
	why := ""
	switch {
	case os.Geteuid() != 0:
		why = "not root"
	case !onPath("nft"):
		why = "nft is not installed"
	case !onPath("unshare"):
		why = "unshare is not installed"
	}
	if why == "" {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("kernel check impossible under CI: %s", why)
	}
	t.Skipf("skipping kernel check: %s", why)
}

func onPath(name string) bool {
	_, err := exec.LookPath(name)
	return err == nil
}

// inNamespace runs a shell script in a new network namespace with the nft
// script at $1, and returns its combined output.
func inNamespace(t *testing.T, sh string, script []byte) (string, error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "fwc.nft")
	if err := os.WriteFile(path, script, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("unshare", "-n", "sh", "-c", sh, "sh", path).CombinedOutput()
	return string(out), err
}

// nftCheck fails the test when the kernel refuses script.
func nftCheck(t *testing.T, what string, script []byte) {
	t.Helper()
	if out, err := inNamespace(t, `nft -c -f "$1"`, script); err != nil {
		t.Errorf("nft -c refused %s: %v\n%s\nscript:\n%s", what, err, out, numbered(script))
	}
}

func numbered(b []byte) string {
	var s strings.Builder
	for i, l := range strings.Split(string(b), "\n") {
		fmt.Fprintf(&s, "%4d  %s\n", i+1, l)
	}
	return s.String()
}

// bridgeFeature is a kernel feature the bridge table needs that some
// kernels are built without. When the probe rule fails to load, the
// bridge table is still checked for everything else, with the feature's
// expressions replaced by loadable ones of the same shape.
type bridgeFeature struct {
	name    string
	probe   string
	pattern *regexp.Regexp
	repl    string
}

var bridgeFeatures = []bridgeFeature{
	{"bridge conntrack (nf_conntrack_bridge)", "ct state established accept",
		regexp.MustCompile(`ct state [a-z,]+`), "meta mark 0x1"},
	{"bridge reject (nft_reject_bridge)", "meta l4proto tcp reject with tcp reset",
		regexp.MustCompile(`reject with (tcp reset|icmpx port-unreachable|icmp host-prohibited|icmpv6 admin-prohibited)`), "drop"},
	{"bridge meta (nft_meta_bridge)", `meta ibrname "br0" accept`,
		regexp.MustCompile(`meta ibrname`), "iifname"},
}

var (
	probeOnce sync.Once
	missing   []bridgeFeature
)

// missingFeatures probes the kernel once for the bridge features.
func missingFeatures(t *testing.T) []bridgeFeature {
	probeOnce.Do(func() {
		for _, f := range bridgeFeatures {
			probe := "table bridge fwc-probe {\n\tchain p {\n\t\ttype filter hook prerouting priority 0; policy accept;\n\t\t" + f.probe + "\n\t}\n}\n"
			if _, err := inNamespace(t, `nft -c -f "$1"`, []byte(probe)); err != nil {
				missing = append(missing, f)
			}
		}
	})
	return missing
}

// checkScripts checks the inet and bridge halves of a ruleset's script,
// and the whole script when the kernel has every bridge feature.
func checkRender(t *testing.T, name string, render func(inet, bridge bool) []byte) {
	t.Helper()
	nftCheck(t, name+" (inet table)", render(true, false))
	bridge := string(render(false, true))
	miss := missingFeatures(t)
	for _, f := range miss {
		bridge = f.pattern.ReplaceAllString(bridge, f.repl)
	}
	nftCheck(t, name+" (bridge table)", []byte(bridge))
	if len(miss) == 0 {
		nftCheck(t, name, render(true, true))
	}
}

func TestKernelGolden(t *testing.T) {
	needNFT(t)
	for _, f := range missingFeatures(t) {
		t.Logf("kernel lacks %s: bridge tables are checked with %q replaced by %q", f.name, f.pattern, f.repl)
	}
	for _, tc := range goldenCases {
		t.Run(tc.name, func(t *testing.T) {
			checkRender(t, tc.name, func(inet, bridge bool) []byte {
				return render(tc.rs(), goldenOptions(tc.name), inet, bridge)
			})
		})
	}
}

// TestKernelLoad really loads a host table, twice (the second run replaces
// the first), and reads it back.
func TestKernelLoad(t *testing.T) {
	needNFT(t)
	script := render(hostRules(), Options{}, true, false)
	out, err := inNamespace(t, `nft -f "$1" && nft -f "$1" && nft list table inet fwc`, script)
	if err != nil {
		t.Fatalf("loading failed: %v\n%s", err, out)
	}
	for _, want := range []string{
		"chain input {", "type filter hook input priority filter; policy accept;",
		"chain group-web-forward {", "set v4-dc/office {",
		`comment "ssh 'admins'; } flush ruleset"`,
	} {
		if n := strings.Count(out, want); n != 1 {
			t.Errorf("listing has %q %d times, want once:\n%s", want, n, out)
		}
	}
}

// TestKernelInjection loads rules whose comments try to break out of their
// string and checks the kernel got exactly the rules fwc meant.
func TestKernelInjection(t *testing.T) {
	needNFT(t)
	rs := baseRuleset()
	evil := []string{
		`"; flush ruleset; "`,
		`\"} chain evil { accept }`,
		"line\n}\ntable inet evil {}\n",
		"tab\there $x ${y} # not a comment",
		strings.Repeat("ü", 80) + `"`,
		"\x00\x1b[31m\xff",
	}
	for _, c := range evil {
		r := tcp(port(22, 22))
		r.Comment, r.Log, r.Iface = c, ir.Info, `eth"0`
		rs.Host.In = append(rs.Host.In, r)
	}
	script := render(rs, Options{}, true, false)
	out, err := inNamespace(t, `nft -f "$1" && nft -a list chain inet fwc host-in && echo TABLES && nft list tables`, script)
	if err != nil {
		t.Fatalf("loading failed: %v\n%s\nscript:\n%s", err, out, numbered(script))
	}
	chain, tables, _ := strings.Cut(out, "TABLES\n")
	if got, want := strings.Count(chain, "# handle"), 1+2*len(evil); got != want { // the chain has a handle too
		t.Errorf("host-in has %d handles, want %d:\n%s", got, want, chain)
	}
	if regexp.MustCompile(`(?m)^\s*(chain|table) [a-z ]*evil`).MatchString(chain) {
		t.Errorf("an injected object appeared:\n%s", chain)
	}
	if tables != "table inet fwc\n" {
		t.Errorf("tables after loading:\n%s", tables)
	}
}
