package grammar

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/fwc-project/fwc/ir"
)

var ignorePos = cmpopts.IgnoreTypes(ir.Pos{})

// diagLines renders diagnostics as "line:col: severity: message [code]".
func diagLines(ds ir.Diags) []string {
	var out []string
	for _, d := range ds {
		out = append(out, strings.TrimPrefix(d.String(), d.Pos.Filename+":"))
	}
	return out
}

func parseClean(t *testing.T, kind Kind, src string) *File {
	t.Helper()
	f, diags := Parse("f.fw", kind, []byte(src))
	if len(diags) > 0 {
		t.Fatalf("%q: unexpected diagnostics:\n%s", src, strings.Join(diagLines(diags), "\n"))
	}
	return f
}

// expectRule parses one line of [RULES] and compares it, positions ignored.
func expectRule(t *testing.T, line string, want *Rule) {
	t.Helper()
	f := parseClean(t, Cluster, "[RULES]\n"+line)
	if len(f.Rules) != 1 {
		t.Fatalf("%q: got %d rules, want 1", line, len(f.Rules))
	}
	if diff := cmp.Diff(want, f.Rules[0], ignorePos); diff != "" {
		t.Errorf("%q (-want +got):\n%s", line, diff)
	}
}

// expectDiags parses a file and compares its diagnostics.
func expectDiags(t *testing.T, kind Kind, src string, want ...string) {
	t.Helper()
	_, diags := Parse("f.fw", kind, []byte(src))
	if diff := cmp.Diff(want, diagLines(diags)); diff != "" {
		t.Errorf("%q: diagnostics (-want +got):\n%s", src, diff)
	}
}

func opt(name, value string) *RuleOption { return &RuleOption{Name: name, Value: value} }

func TestRule(t *testing.T) {
	expectRule(t, "IN ACCEPT", &Rule{Type: "IN", Action: "ACCEPT"})
	expectRule(t, "in accept", &Rule{Type: "in", Action: "accept"})
	expectRule(t, "OUT DROP -p tcp -dport 22", &Rule{Type: "OUT", Action: "DROP", Options: []*RuleOption{opt("-p", "tcp"), opt("-dport", "22")}})
	expectRule(t, "FORWARD REJECT --source 10.0.0.0/8 --dest +dc/web", &Rule{Type: "FORWARD", Action: "REJECT", Options: []*RuleOption{opt("--source", "10.0.0.0/8"), opt("--dest", "+dc/web")}})
	expectRule(t, "IN SSH(ACCEPT) -i net0", &Rule{Type: "IN", Action: "SSH(ACCEPT)", Options: []*RuleOption{opt("-i", "net0")}})
	expectRule(t, "GROUP webservers -i vmbr0", &Rule{Type: "GROUP", Action: "webservers", Options: []*RuleOption{opt("-i", "vmbr0")}})
	expectRule(t, "|IN ACCEPT", &Rule{Disabled: true, Type: "IN", Action: "ACCEPT"})
	expectRule(t, "| IN ACCEPT", &Rule{Disabled: true, Type: "IN", Action: "ACCEPT"})
	expectRule(t, "IN ACCEPT -p tcp # a # b", &Rule{Type: "IN", Action: "ACCEPT", Options: []*RuleOption{opt("-p", "tcp")}, Comment: "a # b"})
	expectRule(t, "IN ACCEPT#c", &Rule{Type: "IN", Action: "ACCEPT", Comment: "c"})
	expectRule(t, "IN ACCEPT #", &Rule{Type: "IN", Action: "ACCEPT"})
	expectRule(t, "  \tIN ACCEPT -log nolog  \t", &Rule{Type: "IN", Action: "ACCEPT", Options: []*RuleOption{opt("-log", "nolog")}})
	expectRule(t, "IN ACCEPT -i vmbr0:1 -source fd00::1,fe80::/64", &Rule{Type: "IN", Action: "ACCEPT", Options: []*RuleOption{opt("-i", "vmbr0:1"), opt("-source", "fd00::1,fe80::/64")}})
	expectRule(t, "IN ACCEPT -p tcp -dport 22:80,ssh:80", &Rule{Type: "IN", Action: "ACCEPT", Options: []*RuleOption{opt("-p", "tcp"), opt("-dport", "22:80,ssh:80")}})
	expectRule(t, "IN ACCEPT -p icmp -icmp-type echo-request", &Rule{Type: "IN", Action: "ACCEPT", Options: []*RuleOption{opt("-p", "icmp"), opt("-icmp-type", "echo-request")}})
	expectRule(t, "IN ACCEPT -dport=22 x", &Rule{Type: "IN", Action: "ACCEPT", Options: []*RuleOption{opt("-dport=22", "x")}})
	expectRule(t, "IN ACCEPT -p -1", &Rule{Type: "IN", Action: "ACCEPT", Options: []*RuleOption{opt("-p", "-1")}})
	expectRule(t, "IN ACCEPT # ünïcode ✓\r", &Rule{Type: "IN", Action: "ACCEPT", Comment: "ünïcode ✓"})
}

func TestRuleSyntaxError(t *testing.T) {
	expectDiags(t, Cluster, "[RULES]\nIN", `2:3: error: unexpected end of line in rule (expected an action) [syntax]`)
	expectDiags(t, Cluster, "[RULES]\nIN\n", `2:3: error: unexpected end of line in rule (expected an action) [syntax]`)
	expectDiags(t, Cluster, "[RULES]\nFOO ACCEPT", `2:1: error: unexpected "FOO" in rule (expected IN, OUT, FORWARD or GROUP) [syntax]`)
	expectDiags(t, Cluster, "[RULES]\n|", `2:2: error: unexpected end of line in rule (expected IN, OUT, FORWARD or GROUP) [syntax]`)
	expectDiags(t, Cluster, "[RULES]\nIN -p tcp", `2:4: error: unexpected "-p" in rule (expected an action) [syntax]`)
	expectDiags(t, Cluster, "[RULES]\nIN ACCEPT -p", `2:11: error: option "-p" has no value [syntax]`)
	expectDiags(t, Cluster, "[RULES]\nIN ACCEPT -p # c", `2:11: error: option "-p" has no value [syntax]`)
	expectDiags(t, Cluster, "[RULES]\nIN ACCEPT -p tcp -dport -sport 1", `2:18: error: option "-dport" has no value [syntax]`)
	expectDiags(t, Cluster, "[RULES]\nIN ACCEPT -source !10.0.0.1", `2:11: error: option "-source" has no value [syntax]`)
	expectDiags(t, Cluster, "[RULES]\nIN ACCEPT tcp", `2:11: error: unexpected "tcp" in rule (expected "-option value", a comment or the end of the line) [syntax]`)
	expectDiags(t, Cluster, "[RULES]\nIN ACCEPT -p tcp 22", `2:18: error: unexpected "22" in rule (expected "-option value", a comment or the end of the line) [syntax]`)
	expectDiags(t, Cluster, "[RULES]\nIN ACCEPT -p tcp | x", `2:18: error: unexpected "|" in rule (expected "-option value", a comment or the end of the line) [syntax]`)
	expectDiags(t, Cluster, "[RULES]\nenable: 1", `2:1: error: unexpected "enable:" in rule (expected IN, OUT, FORWARD or GROUP) [syntax]`)
	expectDiags(t, Cluster, "[RULES]\n|IN", `2:4: error: unexpected end of line in rule (expected an action) [syntax]`)
}

func TestRulePositions(t *testing.T) {
	// Columns count runes: "é" is two bytes but one column.
	f := parseClean(t, Cluster, "# é\n[RULES]\n  |IN  SSH(ACCEPT) -i net0 --dest é # x\n")
	file := "f.fw"
	at := func(off, line, col int) ir.Pos { return ir.Pos{Filename: file, Offset: off, Line: line, Column: col} }
	// Line 3 starts at byte 13 ("# é\n" is 5 bytes, "[RULES]\n" 8).
	want := &Rule{
		Pos: at(15, 3, 3), Disabled: true,
		Type: "IN", TypePos: at(16, 3, 4),
		Action: "SSH(ACCEPT)", ActionPos: at(20, 3, 8),
		Options: []*RuleOption{
			{Pos: at(32, 3, 20), Name: "-i", Value: "net0", ValuePos: at(35, 3, 23)},
			{Pos: at(40, 3, 28), Name: "--dest", Value: "é", ValuePos: at(47, 3, 35)},
		},
		Comment: "x",
	}
	if diff := cmp.Diff(want, f.Rules[0]); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestOption(t *testing.T) {
	for _, tc := range []struct {
		line string
		want *Option
	}{
		{"enable: 1", &Option{Key: "enable", Value: "1"}},
		{"enable:1", &Option{Key: "enable", Value: "1"}},
		{"Enable:  0  ", &Option{Key: "Enable", Value: "0"}},
		{"log_level_in:", &Option{Key: "log_level_in", Value: ""}},
		{"log_level_in: \r", &Option{Key: "log_level_in", Value: ""}},
		{"policy_in: DROP # no comments in options", &Option{Key: "policy_in", Value: "DROP # no comments in options"}},
		{"log_ratelimit: enable=1,rate=1/second,burst=5", &Option{Key: "log_ratelimit", Value: "enable=1,rate=1/second,burst=5"}},
		{"nf_conntrack_helpers: ftp, tftp", &Option{Key: "nf_conntrack_helpers", Value: "ftp, tftp"}},
		{"ips_queues: 0:3", &Option{Key: "ips_queues", Value: "0:3"}},
		{"  ndp: 1", &Option{Key: "ndp", Value: "1"}},
	} {
		f := parseClean(t, Guest, "[OPTIONS]\n"+tc.line)
		if len(f.Options) != 1 {
			t.Fatalf("%q: got %d options", tc.line, len(f.Options))
		}
		if diff := cmp.Diff(tc.want, f.Options[0], ignorePos); diff != "" {
			t.Errorf("%q (-want +got):\n%s", tc.line, diff)
		}
	}
}

func TestOptionSyntaxError(t *testing.T) {
	expectDiags(t, Host, "[OPTIONS]\nenable 1", `2:1: error: unexpected "enable" in option line (expected "key: value") [syntax]`)
	expectDiags(t, Host, "[OPTIONS]\nenable : 1", `2:1: error: unexpected "enable" in option line (expected "key: value") [syntax]`)
	expectDiags(t, Host, "[OPTIONS]\n: 1", `2:1: error: unexpected ":" in option line (expected "key: value") [syntax]`)
	expectDiags(t, Host, "[OPTIONS]\nfd00: 1", `2:1: error: unexpected "fd00:" in option line (expected "key: value") [syntax]`)
	expectDiags(t, Host, "[OPTIONS]\n|enable: 1", `2:1: error: unexpected "|" in option line (expected "key: value") [syntax]`)
}

func TestOptionPositions(t *testing.T) {
	f := parseClean(t, Host, "[OPTIONS]\n enable:  1\nlog_level_in:\n")
	want := []*Option{
		{Pos: ir.Pos{Filename: "f.fw", Offset: 11, Line: 2, Column: 2}, Key: "enable", Value: "1", ValuePos: ir.Pos{Filename: "f.fw", Offset: 20, Line: 2, Column: 11}},
		// An empty value sits right after the colon.
		{Pos: ir.Pos{Filename: "f.fw", Offset: 22, Line: 3, Column: 1}, Key: "log_level_in", ValuePos: ir.Pos{Filename: "f.fw", Offset: 35, Line: 3, Column: 14}},
	}
	if diff := cmp.Diff(want, f.Options); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestAlias(t *testing.T) {
	for _, tc := range []struct {
		line string
		want *Alias
	}{
		{"web 10.0.0.1", &Alias{Name: "web", Addr: "10.0.0.1"}},
		{"web  10.0.0.0/24 # the web tier", &Alias{Name: "web", Addr: "10.0.0.0/24", Comment: "the web tier"}},
		{"v6 fd00::1", &Alias{Name: "v6", Addr: "fd00::1"}},
		{"lo6 ::1", &Alias{Name: "lo6", Addr: "::1"}},
		{"mapped\t::ffff:10.0.0.1", &Alias{Name: "mapped", Addr: "::ffff:10.0.0.1"}},
		{"local_network 192.168.0.0/16", &Alias{Name: "local_network", Addr: "192.168.0.0/16"}},
	} {
		f := parseClean(t, Cluster, "[ALIASES]\n"+tc.line)
		if diff := cmp.Diff([]*Alias{tc.want}, f.Aliases, ignorePos); diff != "" {
			t.Errorf("%q (-want +got):\n%s", tc.line, diff)
		}
	}
	f := parseClean(t, Cluster, "[ALIASES]\nweb 10.0.0.1\n")
	want := &Alias{Pos: ir.Pos{Filename: "f.fw", Offset: 10, Line: 2, Column: 1}, Name: "web", Addr: "10.0.0.1", AddrPos: ir.Pos{Filename: "f.fw", Offset: 14, Line: 2, Column: 5}}
	if diff := cmp.Diff(want, f.Aliases[0]); diff != "" {
		t.Errorf("positions (-want +got):\n%s", diff)
	}
}

func TestAliasSyntaxError(t *testing.T) {
	expectDiags(t, Cluster, "[ALIASES]\nweb", `2:4: error: unexpected end of line in alias line (expected "name address [# comment]") [syntax]`)
	expectDiags(t, Cluster, "[ALIASES]\nweb 1.2.3.4 5.6.7.8", `2:13: error: unexpected "5.6.7.8" in alias line (expected "name address [# comment]") [syntax]`)
	expectDiags(t, Cluster, "[ALIASES]\n!web 1.2.3.4", `2:1: error: unexpected "!" in alias line (expected "name address [# comment]") [syntax]`)
}

func TestIPSet(t *testing.T) {
	src := "[IPSET mgmt] # admins\n10.0.0.0/8\n! 10.1.0.0/16 # not these\n!dc/lab\nfd00::/8\n::1\n[ipset Empty]\n"
	f := parseClean(t, Guest, src)
	want := []*IPSet{
		{Name: "mgmt", Comment: "admins", Entries: []*IPSetEntry{
			{Addr: "10.0.0.0/8"},
			{NoMatch: true, Addr: "10.1.0.0/16", Comment: "not these"},
			{NoMatch: true, Addr: "dc/lab"},
			{Addr: "fd00::/8"},
			{Addr: "::1"},
		}},
		{Name: "Empty"},
	}
	if diff := cmp.Diff(want, f.IPSets, ignorePos); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	at := func(off, line, col int) ir.Pos { return ir.Pos{Filename: "f.fw", Offset: off, Line: line, Column: col} }
	for _, tc := range []struct{ got, want ir.Pos }{
		{f.IPSets[0].Pos, at(0, 1, 1)},
		{f.IPSets[0].NamePos, at(7, 1, 8)},
		{f.IPSets[0].Entries[1].Pos, at(33, 3, 1)},
		{f.IPSets[0].Entries[1].AddrPos, at(35, 3, 3)},
	} {
		if tc.got != tc.want {
			t.Errorf("position %v, want %v", tc.got, tc.want)
		}
	}
}

func TestIPSetSyntaxError(t *testing.T) {
	expectDiags(t, Cluster, "[IPSET x]\n!", `2:2: error: unexpected end of line in ip set entry (expected "[!]address [# comment]") [syntax]`)
	expectDiags(t, Cluster, "[IPSET x]\n1.2.3.4 5.6.7.8", `2:9: error: unexpected "5.6.7.8" in ip set entry (expected "[!]address [# comment]") [syntax]`)
	expectDiags(t, Cluster, "[IPSET x]\n!!1.2.3.4", `2:2: error: unexpected "!" in ip set entry (expected "[!]address [# comment]") [syntax]`)
}

func TestHeader(t *testing.T) {
	src := "[options]\n[Rules]\nIN ACCEPT\n[ALIASES]\n[GROUP Web] # web servers\nIN DROP\n[group db]\n[IPSET a]\n[RULES]\nOUT ACCEPT\n[OPTIONS]\nenable: 1\n[group Web]\n"
	f := parseClean(t, Cluster, src)
	want := &File{
		Name: "f.fw", Kind: Cluster,
		Options: []*Option{{Key: "enable", Value: "1"}},
		IPSets:  []*IPSet{{Name: "a"}},
		Rules:   []*Rule{{Type: "IN", Action: "ACCEPT"}, {Type: "OUT", Action: "ACCEPT"}},
		Groups: []*Group{
			{Name: "Web", Comment: "web servers", Rules: []*Rule{{Type: "IN", Action: "DROP"}}},
			{Name: "db"},
			{Name: "Web"},
		},
	}
	if diff := cmp.Diff(want, f, ignorePos); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestHeaderSyntaxError(t *testing.T) {
	const exp = "(expected [OPTIONS], [RULES], [ALIASES], [IPSET name] or [group name]) [syntax]"
	expectDiags(t, Cluster, "[FOO]\nIN ACCEPT\n", `1:2: error: unexpected "FOO" in section header `+exp)
	expectDiags(t, Cluster, "[OPTIONS] # c\nenable: 1\n", `1:11: error: unexpected comment in section header `+exp)
	expectDiags(t, Cluster, "[OPTIONS\n", `1:9: error: unexpected end of line in section header `+exp)
	expectDiags(t, Cluster, "[IPSET]\n1.2.3.4\n", `1:7: error: unexpected "]" in section header `+exp)
	expectDiags(t, Cluster, "[IPSET a b]\n1.2.3.4\n", `1:10: error: unexpected "b" in section header `+exp)
	expectDiags(t, Cluster, "[group a] x\nIN ACCEPT\n", `1:11: error: unexpected "x" in section header `+exp)
	expectDiags(t, Cluster, "[]", `1:2: error: unexpected "]" in section header `+exp)
}

func TestSectionNotAllowed(t *testing.T) {
	for _, tc := range []struct {
		kind    Kind
		section string
		refused string // the section as the message names it; "" when allowed
	}{
		{Cluster, "[ALIASES]", ""},
		{Cluster, "[IPSET s]", ""},
		{Cluster, "[group g]", ""},
		{Host, "[OPTIONS]", ""},
		{Host, "[RULES]", ""},
		{Host, "[ALIASES]", "[ALIASES]"},
		{Host, "[ipset s]", "[IPSET]"},
		{Host, "[GROUP g]", "[group]"},
		{Guest, "[ALIASES]", ""},
		{Guest, "[IPSET s]", ""},
		{Guest, "[group g]", "[group]"},
		{VNet, "[RULES]", ""},
		{VNet, "[aliases]", "[ALIASES]"},
		{VNet, "[IPSET s]", "[IPSET]"},
		{VNet, "[group g]", "[group]"},
	} {
		// The body would be a syntax error in every section, so a clean
		// run shows that a disallowed section's lines are skipped.
		src := "[OPTIONS]\nenable: 1\n" + tc.section + "\n1 2 3\n[RULES]\nIN ACCEPT\n"
		f, diags := Parse("f.fw", tc.kind, []byte(src))
		if tc.refused == "" {
			if len(diags) != 1 || diags[0].Code != "syntax" {
				t.Errorf("%s in %s: want one syntax error, got %v", tc.section, tc.kind, diagLines(diags))
			}
			continue
		}
		want := []string{"3:1: error: " + tc.refused + " section not allowed in a " + tc.kind.String() + " file [section-not-allowed]"}
		if diff := cmp.Diff(want, diagLines(diags)); diff != "" {
			t.Errorf("%s in %s (-want +got):\n%s", tc.section, tc.kind, diff)
		}
		if len(f.IPSets)+len(f.Groups)+len(f.Aliases) != 0 || len(f.Rules) != 1 || len(f.Options) != 1 {
			t.Errorf("%s in %s: disallowed section kept or other sections lost: %+v", tc.section, tc.kind, f)
		}
	}
}

func TestDataOutsideSection(t *testing.T) {
	// Reported once, not per line.
	expectDiags(t, Cluster, "# header comment\n\nIN ACCEPT\nOUT ACCEPT\n[RULES]\nIN DROP\n",
		"3:1: error: data before the first section header [data-outside-section]")
	expectDiags(t, Cluster, "  enable: 1\n",
		"1:3: error: data before the first section header [data-outside-section]")
}

func TestBadHeaderSkipsSection(t *testing.T) {
	// No cascade: the lines of a section with a bad header are skipped.
	f, diags := Parse("f.fw", Cluster, []byte("[IPSET a b]\n1.2.3.4\nfoo bar baz\n[RULES]\nIN ACCEPT\n"))
	if len(diags) != 1 || len(f.IPSets) != 0 || len(f.Rules) != 1 {
		t.Errorf("got %v, %d sets, %d rules", diagLines(diags), len(f.IPSets), len(f.Rules))
	}
}

func TestEveryBadLineReported(t *testing.T) {
	src := "[OPTIONS]\nenable 1\npolicy_in: DROP\n[RULES]\nIN\nIN ACCEPT -p tcp\nBAD ACCEPT\nOUT ACCEPT -dport\n[ALIASES]\na\nb 1.2.3.4\n"
	f, diags := Parse("f.fw", Cluster, []byte(src))
	want := []string{
		`2:1: error: unexpected "enable" in option line (expected "key: value") [syntax]`,
		`5:3: error: unexpected end of line in rule (expected an action) [syntax]`,
		`7:1: error: unexpected "BAD" in rule (expected IN, OUT, FORWARD or GROUP) [syntax]`,
		`8:12: error: option "-dport" has no value [syntax]`,
		`10:2: error: unexpected end of line in alias line (expected "name address [# comment]") [syntax]`,
	}
	if diff := cmp.Diff(want, diagLines(diags)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if len(f.Options) != 1 || len(f.Rules) != 1 || len(f.Aliases) != 1 {
		t.Errorf("good lines lost: %d options, %d rules, %d aliases", len(f.Options), len(f.Rules), len(f.Aliases))
	}
}

func TestCRLFAndBlanks(t *testing.T) {
	src := "\r\n  # comment\r\n[OPTIONS]\r\nenable: 1\r\n\r\n\t[RULES]  \r\n IN ACCEPT -p tcp # c \r\n  #IN DROP\r\n"
	f := parseClean(t, Host, src)
	want := &File{
		Name: "f.fw", Kind: Host,
		Options: []*Option{{Key: "enable", Value: "1"}},
		Rules:   []*Rule{{Type: "IN", Action: "ACCEPT", Options: []*RuleOption{opt("-p", "tcp")}, Comment: "c"}},
	}
	if diff := cmp.Diff(want, f, ignorePos); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestEmpty(t *testing.T) {
	for _, src := range []string{"", "\n", "# only a comment", "  \t\r\n"} {
		f := parseClean(t, Guest, src)
		if diff := cmp.Diff(&File{Name: "f.fw", Kind: Guest}, f); diff != "" {
			t.Errorf("%q (-want +got):\n%s", src, diff)
		}
	}
}

func TestKindFromName(t *testing.T) {
	for _, tc := range []struct {
		path string
		kind Kind
		ok   bool
	}{
		{"/etc/pve/firewall/cluster.fw", Cluster, true},
		{"cluster.fw", Cluster, true},
		{"nodes/pve1/host.fw", Host, true},
		{"firewall/100.fw", Guest, true},
		{"9999.fw", Guest, true},
		{"tree/sdn/firewall/vnet1.fw", VNet, true},
		{"sdn/firewall/host.fw", VNet, true},
		{"firewall/vnet1.fw", 0, false},
		{"firewall/100.conf", 0, false},
		{"firewall/.fw", 0, false},
		{"firewall/1a.fw", 0, false},
		{"sdn/other/x.fw", 0, false},
	} {
		kind, ok := KindFromName(tc.path)
		if kind != tc.kind || ok != tc.ok {
			t.Errorf("KindFromName(%q) = %v, %v; want %v, %v", tc.path, kind, ok, tc.kind, tc.ok)
		}
	}
}

// TestParseAll checks that the concurrent parse gives each file what Parse
// gives it, in order, with lines shared between the files.
func TestParseAll(t *testing.T) {
	var in []Input
	for i, s := range fuzzSeeds {
		for _, kind := range []Kind{Cluster, Guest} {
			in = append(in, Input{Name: fmt.Sprintf("%d-%s.fw", i, kind), Kind: kind, Data: []byte(s)})
		}
	}
	files, diags := ParseAll(in)
	for i, f := range in {
		want, wantDiags := Parse(f.Name, f.Kind, f.Data)
		if diff := cmp.Diff(want, files[i]); diff != "" {
			t.Errorf("%s (-Parse +ParseAll):\n%s", f.Name, diff)
		}
		if diff := cmp.Diff(wantDiags, diags[i]); diff != "" {
			t.Errorf("%s diagnostics (-Parse +ParseAll):\n%s", f.Name, diff)
		}
	}
}
