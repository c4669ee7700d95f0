package nft

import (
	"bytes"
	"strings"
	"testing"

	"github.com/fwc-project/fwc/ir"
	"github.com/fwc-project/fwc/plan"
)

// TestBridgeBody checks when the bridge table gets guest chains: only for
// an enabled guest with a firewalled NIC. Any NIC on a bridge gives it the
// chain that marks bridged frames for the host's forward chain.
func TestBridgeBody(t *testing.T) {
	noFW := guest(100, nic(100, 0, "02:00:00:00:01:00"))
	noFW.NICs[0].Firewall = false
	off := guest(101, nic(101, 0, "02:00:00:00:01:01"))
	off.Enabled = false
	on := guest(102, nic(102, 0, ""))
	tests := []struct {
		name   string
		guests []ir.Guest
		want   bool
		marks  bool
	}{
		{"none", nil, false, false},
		{"nic without firewall", []ir.Guest{noFW}, false, true},
		{"guest disabled", []ir.Guest{off}, false, true},
		{"one filtered nic", []ir.Guest{noFW, off, on}, true, true},
	}
	for _, tc := range tests {
		rs := baseRuleset()
		rs.Guests = tc.guests
		out := render(plan.Build(rs), Options{}, true, true)
		if got := bytes.Contains(out, []byte("\tchain guest-out {\n")); got != tc.want {
			t.Errorf("%s: guest chains %v, want %v", tc.name, got, tc.want)
		}
		if got := bytes.Contains(out, []byte("\tchain bridged {\n")); got != tc.marks {
			t.Errorf("%s: bridged marking %v, want %v", tc.name, got, tc.marks)
		}
	}
}

// TestDuplicateMAC checks that two NICs with one MAC on one bridge do not
// give the in-mac map a duplicate key: the second is filtered late only.
func TestDuplicateMAC(t *testing.T) {
	rs := baseRuleset()
	rs.Guests = []ir.Guest{guest(100, nic(100, 0, "02:00:00:00:01:00")), guest(101, nic(101, 0, "02:00:00:00:01:00"))}
	out := render(plan.Build(rs), Options{}, false, true)
	if n := bytes.Count(out, []byte(`"vmbr0" . 02:00:00:00:01:00 : goto`)); n != 1 {
		t.Errorf("in-mac has %d entries for the MAC, want 1", n)
	}
	if bytes.Contains(out, []byte("chain guest-101-net0-in {")) || !bytes.Contains(out, []byte("chain guest-101-net0-in-late {")) {
		t.Errorf("guest 101 should have only the late IN chain:\n%s", out)
	}
}

// TestNoAnonymousSets checks that the chains made per NIC hold no anonymous
// sets when the guest has no rules: each is a kernel object, and thousands
// of them made a node's ruleset take many seconds to load.
func TestNoAnonymousSets(t *testing.T) {
	rs := baseRuleset()
	g := guest(100, nic(100, 0, "02:00:00:00:01:00"))
	g.PolicyOut, g.PolicyIn = ir.Reject, ir.Reject
	rs.Guests = []ir.Guest{g}
	for _, tb := range plan.Build(rs).Tables {
		p := &printer{t: tb}
		for _, c := range tb.Chains {
			if !strings.HasPrefix(c.Name, "guest-100-") {
				continue
			}
			for _, r := range c.Rules {
				if s := p.rule(r); strings.Contains(s, "{") {
					t.Errorf("chain %s: %s", c.Name, s)
				}
			}
		}
	}
}
