package iptables

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/fwc-project/fwc/ir"
	"github.com/google/go-cmp/cmp"
)

func TestRangePrefixes(t *testing.T) {
	for _, tc := range []struct {
		from, to string
		want     []string
	}{
		{"10.0.0.1", "10.0.0.9", []string{"10.0.0.1/32", "10.0.0.2/31", "10.0.0.4/30", "10.0.0.8/31"}},
		{"10.0.0.0", "10.0.0.255", []string{"10.0.0.0/24"}},
		{"0.0.0.0", "255.255.255.255", []string{"0.0.0.0/0"}},
		{"255.255.255.254", "255.255.255.255", []string{"255.255.255.254/31"}},
		{"2001:db8::1", "2001:db8::3", []string{"2001:db8::1/128", "2001:db8::2/127"}},
	} {
		var got []string
		for _, p := range rangePrefixes(ir.AddrRange{From: netip.MustParseAddr(tc.from), To: netip.MustParseAddr(tc.to)}) {
			got = append(got, p.String())
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s-%s (-want +got):\n%s", tc.from, tc.to, diff)
		}
	}
}

func TestMinimal(t *testing.T) {
	got := minimal(pfx("10.2.0.0/16", "10.0.0.0/8", "10.1.2.3/32", "11.0.0.0/8", "9.0.0.0/8"))
	if diff := cmp.Diff(pfx("9.0.0.0/8", "10.0.0.0/8", "11.0.0.0/8"), got, cmp.Comparer(func(a, b netip.Prefix) bool { return a == b })); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestPorts(t *testing.T) {
	var sixteen []ir.PortRange
	for i := range 16 {
		sixteen = append(sixteen, ir.PortRange{Lo: uint16(100 + i), Hi: uint16(100 + i)})
	}
	for _, tc := range []struct {
		name         string
		proto        string
		sport, dport []ir.PortRange
		want         []string
	}{
		{"none", "tcp", nil, nil, []string{""}},
		{"single", "tcp", nil, prs(port(22)), []string{"-m tcp --dport 22"}},
		{"both single", "udp", prs(port(53)), prs([2]uint16{1024, 65535}), []string{"-m udp --sport 53 --dport 1024:65535"}},
		{"list", "tcp", nil, prs(port(80), port(443)), []string{"-m multiport --dports 80,443"}},
		{"udplite single", "udplite", nil, prs(port(5)), []string{"-m multiport --dports 5"}},
		{"split at 15", "tcp", nil, sixteen, []string{
			"-m multiport --dports 100,101,102,103,104,105,106,107,108,109,110,111,112,113,114",
			"-m multiport --dports 115",
		}},
		{"range counts twice", "tcp", nil, append(prs([2]uint16{1, 2}), sixteen[:14]...), []string{
			"-m multiport --dports 1:2,100,101,102,103,104,105,106,107,108,109,110,111,112",
			"-m multiport --dports 113",
		}},
		{"product", "tcp", prs(port(1), port(2)), append(sixteen, sixteen[0]), []string{
			"-m multiport --sports 1,2 -m multiport --dports 100,101,102,103,104,105,106,107,108,109,110,111,112,113,114",
			"-m multiport --sports 1,2 -m multiport --dports 115,100",
		}},
	} {
		if diff := cmp.Diff(tc.want, ports(tc.proto, tc.sport, tc.dport)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
}

func TestSetEntries(t *testing.T) {
	got := setEntries(pfx("0.0.0.0/0", "10.0.0.1/32", "10.1.0.0/16", "::/0", "2001:db8::1/128"))
	want := []string{"0.0.0.0/1", "128.0.0.0/1", "10.0.0.1", "10.1.0.0/16", "::/1", "8000::/1", "2001:db8::1"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestLogPrefix checks the longest prefix fwc can make against NFLOG's
// 64 characters.
func TestLogPrefix(t *testing.T) {
	e := &emitter{rs: &ir.Ruleset{}}
	c := ctx{chain: &chain{name: chainName("veth999999999i31-OUT")}, vmid: 999999999}
	got := e.log(c, ir.Debug, "policy REJECT: ")
	_, prefix, _ := strings.Cut(got, "--nflog-prefix ")
	if n := len(prefix) - 2; n > 64 { // minus the quotes
		t.Errorf("prefix %s has %d characters, more than 64", prefix, n)
	}
	if want := `":999999999:7:FWC-veth999999999i31-OUT: policy REJECT: "`; prefix != want {
		t.Errorf("got %s, want %s", prefix, want)
	}
}

func TestEmitErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		rs   *ir.Ruleset
		want string
	}{
		{"unknown set in rule", &ir.Ruleset{Enabled: true, Host: func() ir.Host {
			h := baseHost()
			h.In = []ir.Rule{{Src: ir.Addr{Set: "dc/nope"}, Verdict: ir.Accept}}
			return h
		}(), Sets: []ir.Set{mgmt}}, `iptables: rule refers to unknown set "dc/nope"`},
		{"unknown group", &ir.Ruleset{Enabled: true, Host: func() ir.Host {
			h := baseHost()
			h.Out = []ir.Rule{{Verdict: ir.Jump, Group: "nope"}}
			return h
		}(), Sets: []ir.Set{mgmt}}, `iptables: rule jumps to unknown group "nope"`},
		{"missing management set", &ir.Ruleset{Enabled: true, Host: baseHost()}, `iptables: unknown set "dc/management"`},
	} {
		_, err := Emit(tc.rs, Options{})
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s: got error %v, want %s", tc.name, err, tc.want)
		}
	}
}

func TestLogGroup(t *testing.T) {
	rs := guestsCase()
	b, err := Emit(rs, Options{LogGroup: 5})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b.RulesV4), "-j NFLOG --nflog-group 5 --nflog-prefix") || strings.Contains(string(b.RulesV4), "--nflog-group 0") {
		t.Error("log rules do not use group 5")
	}
}
