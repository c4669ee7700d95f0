package nft

import (
	"net/netip"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/fwc-project/fwc/ir"
	"github.com/google/go-cmp/cmp"
)

func TestMatches(t *testing.T) {
	inet, bridge := hostDialect("c"), guestDialect(1, "c", ir.Out, false)
	v6range := ir.Addr{Ranges: []ir.AddrRange{{From: netip.MustParseAddr("2001:db8::1"), To: netip.MustParseAddr("2001:db8::9")}}}
	tests := []struct {
		name  string
		r     ir.Rule
		iface string
		d     dialect
		want  []string
	}{
		{"empty", ir.Rule{}, "", inet, []string{""}},
		{"iface and ports", ir.Rule{Iface: "eth0", Proto: "udp", ProtoNum: 17,
			SPort: []ir.PortRange{port(53, 53)}, DPort: []ir.PortRange{port(1024, 65535)}}, "oifname", inet,
			[]string{`oifname "eth0" meta l4proto udp th sport 53 th dport 1024-65535`}},
		{"set in both families", ir.Rule{Dst: ir.Addr{Set: "dc/x"}}, "", inet,
			[]string{"ip daddr @v4-dc/x", "ip6 daddr @v6-dc/x"}},
		{"set in one family", ir.Rule{Family: ir.IPv6, Src: ir.Addr{Set: "dc/x"}, Dst: v6range}, "", inet,
			[]string{"ip6 saddr @v6-dc/x ip6 daddr 2001:db8::1-2001:db8::9"}},
		{"family pinned inet", ir.Rule{Family: ir.IPv6, Proto: "tcp", ProtoNum: 6}, "", inet,
			[]string{"meta nfproto ipv6 meta l4proto tcp"}},
		{"family pinned bridge", ir.Rule{Family: ir.IPv4}, "", bridge, []string{"meta protocol ip"}},
		{"numeric protocol", ir.Rule{Proto: "ospf", ProtoNum: 89}, "", inet, []string{"meta l4proto 89"}},
		{"icmp without type", ir.Rule{Family: ir.IPv4, Proto: "icmp", ProtoNum: 1}, "", inet,
			[]string{"meta nfproto ipv4 meta l4proto icmp"}},
		{"icmpv6 one type", ir.Rule{Family: ir.IPv6, Proto: "ipv6-icmp", ProtoNum: 58, ICMP: []ir.ICMPType{{Type: 128}}}, "", bridge,
			[]string{"meta protocol ip6 icmpv6 type echo-request"}},
		{"icmp codes split", ir.Rule{Proto: "icmp", ProtoNum: 1, ICMP: []ir.ICMPType{{Type: 5, Code: 1, HasCode: true}, {Type: 42}}}, "", inet,
			[]string{"icmp type redirect icmp code 1", "icmp type 42"}},
		{"single address", ir.Rule{Src: ir.Addr{Prefixes: pfx("2001:db8::1/128")}}, "", inet, []string{"ip6 saddr 2001:db8::1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := matches(tc.r, tc.iface, tc.d)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("matches (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAddRule(t *testing.T) {
	rs := baseRuleset()
	rs.LogRateLimit = ir.RateLimit{Enabled: true, Rate: 3, Unit: "hour"}
	e := &emitter{rs: rs, o: Options{LogGroup: 5}}
	tests := []struct {
		name string
		r    ir.Rule
		dir  ir.Direction
		d    dialect
		want []string
	}{
		{"log and comment", ir.Rule{Verdict: ir.Drop, Log: ir.Crit, Comment: "x"}, ir.In, hostDialect("host-in"), []string{
			`limit rate 3/hour log prefix ":0:2:host-in: DROP: " group 5`,
			`drop comment "x"`,
		}},
		{"reject towards guest, unicast", ir.Rule{Verdict: ir.Reject}, ir.In, guestDialect(7, "g", ir.In, false), []string{"jump do-reject"}},
		{"reject towards guest, late", ir.Rule{Verdict: ir.Reject}, ir.In, guestDialect(7, "g", ir.In, true), []string{"drop"}},
		{"accept towards guest marks", ir.Rule{Verdict: ir.Accept}, ir.In, guestDialect(7, "g", ir.In, false),
			[]string{"meta mark set meta mark | 0x00800000 accept"}},
		{"reject from guest", ir.Rule{Verdict: ir.Reject}, ir.Out, guestDialect(7, "g", ir.Out, false), []string{"jump do-reject"}},
		{"group late", ir.Rule{Verdict: ir.Jump, Group: "web"}, ir.In, guestDialect(7, "g", ir.In, true), []string{"jump group-web-in-late"}},
		{"group out with iface", ir.Rule{Verdict: ir.Jump, Group: "web", Iface: "bond0"}, ir.Out, hostDialect("host-out"),
			[]string{`oifname "bond0" jump group-web-out`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tb := newTable(inetTable)
			c := tb.newChain("c", "")
			e.addRule(c, tc.r, tc.dir, hostIface(tc.dir), tc.d)
			if diff := cmp.Diff(tc.want, c.rules); diff != "" {
				t.Errorf("rules (-want +got):\n%s", diff)
			}
		})
	}
}

func TestQuote(t *testing.T) {
	tests := []struct{ in, want string }{
		{`plain`, `"plain"`},
		{`say "hi"`, `"say 'hi'"`},
		{`a\" } ; flush ruleset`, `"a/' } ; flush ruleset"`},
		{"line\nbreak\ttab\x00nul\x7f", `"line break tab nul "`},
		{"bad \xff utf8", `"bad ? utf8"`},
		{"sep\u2028x", `"sep x"`},
	}
	for _, tc := range tests {
		if got := quote(tc.in, 0); got != tc.want {
			t.Errorf("quote(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
	if got := quotePrefix("$x"); got != `"_x"` {
		t.Errorf("quotePrefix($x) = %s", got)
	}
}

func TestQuoteLimit(t *testing.T) {
	long := strings.Repeat("é", 100) // 200 bytes
	got := quote(long, maxComment)
	inner := got[1 : len(got)-1]
	if len(inner) != 128 || !utf8.ValidString(inner) {
		t.Errorf("quote cut to %d bytes (valid UTF-8: %v), want 128", len(inner), utf8.ValidString(inner))
	}
	odd := "x" + long // the cut falls inside a rune
	inner = quote(odd, maxComment)
	if inner = inner[1 : len(inner)-1]; len(inner) != 127 || !utf8.ValidString(inner) {
		t.Errorf("quote cut to %d bytes (valid UTF-8: %v), want 127", len(inner), utf8.ValidString(inner))
	}
}

// TestImpossible checks that values lower never produces panic instead of
// reaching the script.
func TestImpossible(t *testing.T) {
	for name, f := range map[string]func(){
		"identifier": func() { ident(`web"; flush ruleset`) },
		"mac":        func() { mac("02:00:00:00:00:0G") },
		"iface":      func() { matches(ir.Rule{Iface: "tap1i0"}, "", hostDialect("c")) },
		"verdict":    func() { hostDialect("c").verdict(ir.Rule{Verdict: 9}, ir.In) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}
