package nft

import (
	"github.com/fwc-project/fwc/plan"

	"regexp"
	"strings"
	"testing"

	"github.com/fwc-project/fwc/internal/nftcheck"
	"github.com/fwc-project/fwc/ir"
)

// checkRender checks the inet and bridge halves of a ruleset's script,
// and the whole script when the kernel has every bridge feature.
func checkRender(t *testing.T, name string, render func(inet, bridge bool) []byte) {
	t.Helper()
	nftcheck.Check(t, name+" (inet table)", render(true, false))
	nftcheck.Check(t, name+" (bridge table)", render(false, true))
	if len(nftcheck.Missing(t)) == 0 {
		nftcheck.Check(t, name, render(true, true))
	}
}

func TestKernelGolden(t *testing.T) {
	nftcheck.Need(t)
	for _, f := range nftcheck.Missing(t) {
		t.Logf("kernel lacks %s", f)
	}
	for _, tc := range goldenCases {
		t.Run(tc.name, func(t *testing.T) {
			checkRender(t, tc.name, func(inet, bridge bool) []byte {
				return render(plan.Build(tc.rs()), goldenOptions(tc.name), inet, bridge)
			})
		})
	}
}

// TestKernelLoad really loads a host table, twice (the second run replaces
// the first), and reads it back.
func TestKernelLoad(t *testing.T) {
	nftcheck.Need(t)
	script := render(plan.Build(hostRules()), Options{}, true, false)
	out, err := nftcheck.InNamespace(t, `nft -f "$1" && nft -f "$1" && nft list table inet fwc`, script)
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
	nftcheck.Need(t)
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
	script := render(plan.Build(rs), Options{}, true, false)
	out, err := nftcheck.InNamespace(t, `nft -f "$1" && nft -a list chain inet fwc host-in && echo TABLES && nft list tables`, script)
	if err != nil {
		t.Fatalf("loading failed: %v\n%s\nscript:\n%s", err, out, nftcheck.Numbered(script))
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
