package lab

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRelevant(t *testing.T) {
	listing := `table inet fwc {
	set mgmt {
		type ipv4_addr
	}

	set unused {
		type ipv4_addr
	}

	chain input {
		type filter hook input priority filter; policy accept;
		ip saddr @mgmt accept
		jump host-in
	}

	chain output {
		type filter hook output priority filter; policy accept;
		jump host-out
	}

	chain forward {
		type filter hook forward priority filter; policy accept;
	}

	chain host-in {
		tcp dport 22 goto do-reject
	}

	chain host-out {
	}

	chain do-reject {
		reject
	}
}
table bridge fwc {
	map out-iface {
		type ifname : verdict
		elements = { "tap100i0" : goto guest-100-out }
	}

	chain guest-out {
		type filter hook prerouting priority filter; policy accept;
		iifname vmap @out-iface
	}

	chain guest-100-out {
		drop
	}
}
table arp filter {
	chain in {
		type filter hook input priority filter; policy accept;
	}
}`
	input := `table inet fwc {
	set mgmt {
		type ipv4_addr
	}

	chain input {
		type filter hook input priority filter; policy accept;
		ip saddr @mgmt accept
		jump host-in
	}

	chain host-in {
		tcp dport 22 goto do-reject
	}

	chain do-reject {
		reject
	}
}`
	output := `table inet fwc {
	chain output {
		type filter hook output priority filter; policy accept;
		jump host-out
	}

	chain host-out {
	}
}`
	both := `table inet fwc {
	set mgmt {
		type ipv4_addr
	}

	chain input {
		type filter hook input priority filter; policy accept;
		ip saddr @mgmt accept
		jump host-in
	}

	chain output {
		type filter hook output priority filter; policy accept;
		jump host-out
	}

	chain host-in {
		tcp dport 22 goto do-reject
	}

	chain host-out {
	}

	chain do-reject {
		reject
	}
}`
	forward := `table inet fwc {
	chain forward {
		type filter hook forward priority filter; policy accept;
	}
}`
	bridge := `table bridge fwc {
	map out-iface {
		type ifname : verdict
		elements = { "tap100i0" : goto guest-100-out }
	}

	chain guest-out {
		type filter hook prerouting priority filter; policy accept;
		iifname vmap @out-iface
	}

	chain guest-100-out {
		drop
	}
}`
	arp := `table arp filter {
	chain in {
		type filter hook input priority filter; policy accept;
	}
}`
	tests := []struct {
		lines []string
		want  string
	}{
		{[]string{"outside -> host tcp/22 ACCEPT"}, input},
		{[]string{"host -> outside tcp/22 ACCEPT"}, output},
		{[]string{"vm100 -> host tcp/22 ACCEPT", "host -> vm100 icmp ACCEPT"}, both + "\n" + bridge},
		{[]string{"outside -> vm100 tcp/22 ACCEPT"}, forward + "\n" + bridge},
		{[]string{"vm100 arp-spoof 10.0.0.9 -> vm101 DROP"}, forward + "\n" + bridge + "\n" + arp},
	}
	for _, tt := range tests {
		probes, err := ParseExpect(strings.Join(tt.lines, "\n"))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tt.want, Relevant(listing, probes)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.lines, diff)
		}
	}
}

func TestFileCompiler(t *testing.T) {
	with, without := t.TempDir(), t.TempDir()
	if err := os.WriteFile(filepath.Join(with, RulesetSection), []byte("table inet fwc {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	next := func(root, node string) ([]byte, error) { return []byte("compiled " + node), nil }
	tests := []struct {
		root string
		next Compiler
		want string
		err  bool
	}{
		{with, next, "table inet fwc {}\n", false},
		{without, next, "compiled pve1", false},
		{without, nil, "", true},
	}
	for _, tt := range tests {
		got, err := FileCompiler(tt.next)(tt.root, "pve1")
		if string(got) != tt.want || (err != nil) != tt.err {
			t.Errorf("FileCompiler(%s) = %q, %v; want %q, error %v", tt.root, got, err, tt.want, tt.err)
		}
	}
}
