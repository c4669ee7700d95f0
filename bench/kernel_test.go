package bench

import (
	"net/netip"
	"os"
	"testing"
	"time"

	"github.com/fwc-project/fwc/ir"
	"github.com/fwc-project/fwc/tree"
)

func requireRoot(t *testing.T) {
	t.Helper()
	if testing.Short() || os.Geteuid() != 0 {
		t.Skip("needs root for network namespaces; skipped with -short")
	}
}

func TestLoadTime(t *testing.T) {
	requireRoot(t)
	if _, err := LoadTime([]byte("table inet fwcbench {\n\tchain c {\n\t}\n}\n"), 2); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadTime([]byte("table inet fwcbench {\n\tchain c {\n\t\tbogus\n\t}\n}\n"), 1); err == nil {
		t.Error("a script nft rejects loaded without error")
	}
}

// TestPath measures through a path with a ruleset that lets only TCP 22
// into the host: connects succeed, and ping fails for lack of replies.
func TestPath(t *testing.T) {
	requireRoot(t)
	g := tree.Guest{VMID: 100, Kind: ir.VM, NICs: []tree.NIC{{Index: 0, MAC: "bc:24:11:00:01:90", Bridge: "vmbr0", Firewall: true}}}
	p, err := NewPath(g)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if p.Host != netip.MustParseAddr("10.0.0.1") {
		t.Errorf("host address %v, want 10.0.0.1", p.Host)
	}
	err = p.Load([]byte(`table inet fwcbench {
	chain input {
		type filter hook input priority 0; policy drop;
		tcp dport 22 accept
		ct state established accept
	}
}
`))
	if err != nil {
		t.Fatal(err)
	}
	for _, addr := range []netip.Addr{p.Host, p.Guest} {
		if r, err := p.ConnectRate(addr, 22, 200*time.Millisecond); err != nil || r <= 0 {
			t.Errorf("ConnectRate(%v) = %v, %v; want a positive rate", addr, r, err)
		}
	}
	if d, err := p.PingRTT(p.Guest, 3); err != nil || d <= 0 {
		t.Errorf("PingRTT(guest) = %v, %v; want a positive time", d, err)
	}
	if _, err := p.PingRTT(p.Host, 2); err == nil {
		t.Error("PingRTT(host) through a ruleset dropping ICMP: no error")
	}
}
