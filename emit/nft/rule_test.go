package nft

import (
	"net/netip"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/fwc-project/fwc/ir"
	"github.com/fwc-project/fwc/plan"
	"github.com/google/go-cmp/cmp"
)

// userLines prints the rules made from user rules in chain, from the plan
// of rs.
func userLines(rs *ir.Ruleset, chain string) []string {
	var out []string
	for _, t := range plan.Build(rs).Tables {
		c := t.Chain(chain)
		if c == nil {
			continue
		}
		p := &printer{o: Options{LogGroup: 5}, t: t, chain: chain}
		for _, r := range c.Rules {
			if r.Origin.Rule != nil {
				out = append(out, p.rule(r))
			}
		}
	}
	return out
}

// TestUserRules checks how user rules are split and printed in host and
// guest chains.
func TestUserRules(t *testing.T) {
	v6range := ir.Addr{Ranges: []ir.AddrRange{{From: netip.MustParseAddr("2001:db8::1"), To: netip.MustParseAddr("2001:db8::9")}}}
	tests := []struct {
		name  string
		r     ir.Rule
		dir   ir.Direction
		guest bool   // a rule of guest 7 instead of the host
		chain string // default: host-in, host-out or guest-7-net0-out
		want  []string
	}{
		{"empty", ir.Rule{}, ir.In, false, "", []string{"accept"}},
		{"iface and ports", ir.Rule{Iface: "eth0", Proto: "udp", ProtoNum: 17,
			SPort: []ir.PortRange{port(53, 53)}, DPort: []ir.PortRange{port(1024, 65535)}}, ir.Out, false, "",
			[]string{`oifname "eth0" meta l4proto udp th sport 53 th dport 1024-65535 accept`}},
		{"set in both families", ir.Rule{Dst: ir.Addr{Set: "dc/management"}}, ir.In, false, "",
			[]string{"ip daddr @v4-dc/management accept", "ip6 daddr @v6-dc/management accept"}},
		{"set in one family", ir.Rule{Family: ir.IPv6, Src: ir.Addr{Set: "dc/management"}, Dst: v6range}, ir.In, false, "",
			[]string{"ip6 saddr @v6-dc/management ip6 daddr 2001:db8::1-2001:db8::9 accept"}},
		{"family pinned inet", ir.Rule{Family: ir.IPv6, Proto: "tcp", ProtoNum: 6}, ir.In, false, "",
			[]string{"meta nfproto ipv6 meta l4proto tcp accept"}},
		{"family pinned bridge", ir.Rule{Family: ir.IPv4}, ir.Out, true, "", []string{"meta protocol ip accept"}},
		{"numeric protocol", ir.Rule{Proto: "ospf", ProtoNum: 89}, ir.In, false, "", []string{"meta l4proto 89 accept"}},
		{"icmp without type", ir.Rule{Family: ir.IPv4, Proto: "icmp", ProtoNum: 1}, ir.In, false, "",
			[]string{"meta nfproto ipv4 meta l4proto icmp accept"}},
		{"icmpv6 one type", ir.Rule{Family: ir.IPv6, Proto: "ipv6-icmp", ProtoNum: 58, ICMP: []ir.ICMPType{{Type: 128}}}, ir.Out, true, "",
			[]string{"meta protocol ip6 icmpv6 type echo-request accept"}},
		{"icmp codes split", ir.Rule{Proto: "icmp", ProtoNum: 1, ICMP: []ir.ICMPType{{Type: 5, Code: 1, HasCode: true}, {Type: 42}}}, ir.In, false, "",
			[]string{"icmp type redirect icmp code 1 accept", "icmp type 42 accept"}},
		{"single address", ir.Rule{Src: ir.Addr{Prefixes: pfx("2001:db8::1/128")}}, ir.In, false, "", []string{"ip6 saddr 2001:db8::1 accept"}},
		{"log and comment", ir.Rule{Verdict: ir.Drop, Log: ir.Crit, Comment: "x"}, ir.In, false, "", []string{
			`limit rate 3/hour log prefix ":0:2:host-in: DROP: " group 5`,
			`drop comment "x"`,
		}},
		{"reject towards guest, unicast", ir.Rule{Verdict: ir.Reject}, ir.In, true, "guest-7-net0-in", []string{"jump do-reject"}},
		{"reject towards guest, late", ir.Rule{Verdict: ir.Reject}, ir.In, true, "guest-7-net0-in-late", []string{"drop"}},
		{"accept towards guest marks", ir.Rule{Verdict: ir.Accept}, ir.In, true, "guest-7-net0-in",
			[]string{"meta mark set meta mark | 0x00800000 accept"}},
		{"reject from guest", ir.Rule{Verdict: ir.Reject}, ir.Out, true, "", []string{"jump do-reject"}},
		{"group late", ir.Rule{Verdict: ir.Jump, Group: "web"}, ir.In, true, "guest-7-net0-in-late", []string{"jump group-web-in-late"}},
		{"group out with iface", ir.Rule{Verdict: ir.Jump, Group: "web", Iface: "bond0"}, ir.Out, false, "",
			[]string{`oifname "bond0" jump group-web-out`}},
		{"guest rule for another NIC", ir.Rule{Iface: "tap7i1"}, ir.Out, true, "", nil},
		{"guest rule for its NIC", ir.Rule{Iface: "tap7i0"}, ir.Out, true, "", []string{"accept"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rs := baseRuleset()
			rs.LogRateLimit = ir.RateLimit{Enabled: true, Rate: 3, Unit: "hour"}
			rs.Groups = []ir.Group{{Name: "web"}}
			chain := tc.chain
			if tc.guest {
				g := guest(7, nic(7, 0, "02:00:00:00:00:07"))
				g.In, g.Out = []ir.Rule{tc.r}, []ir.Rule{tc.r}
				rs.Guests = []ir.Guest{g}
				if chain == "" {
					chain = "guest-7-net0-out"
				}
			} else {
				rs.Host.In, rs.Host.Out = []ir.Rule{tc.r}, []ir.Rule{tc.r}
				if chain == "" {
					chain = "host-" + tc.dir.String()
				}
			}
			if diff := cmp.Diff(tc.want, userLines(rs, chain)); diff != "" {
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
		"iface":      func() { forward(ir.Rule{Iface: "tap1i0"}) },
		"verdict":    func() { forward(ir.Rule{Verdict: 9}) },
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

// forward builds the plan of a host with the forward rule r.
func forward(r ir.Rule) {
	rs := baseRuleset()
	rs.Host.Forward = []ir.Rule{r}
	plan.Build(rs)
}
