package lower

import (
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fwc-project/fwc/grammar"
	"github.com/fwc-project/fwc/ir"
)

func pr(lo, hi uint16) ir.PortRange { return ir.PortRange{Lo: lo, Hi: hi} }

func TestParsePorts(t *testing.T) {
	tests := []struct {
		in   string
		want []ir.PortRange
		err  string
	}{
		{"22", []ir.PortRange{pr(22, 22)}, ""},
		{"80,443,8000:8080", []ir.PortRange{pr(80, 80), pr(443, 443), pr(8000, 8080)}, ""},
		{"443,80,81", []ir.PortRange{pr(80, 81), pr(443, 443)}, ""},
		{"ssh,domain", []ir.PortRange{pr(22, 22), pr(53, 53)}, ""},
		{"ssh:80", []ir.PortRange{pr(22, 80)}, ""},
		{"0:65535", []ir.PortRange{pr(0, 65535)}, ""},
		{"80:70", nil, `backwards range "80:70" not allowed, did you mean '70:80'?`},
		{"80,,81", nil, `extraneous commas in port list "80,,81"`},
		{"80,", nil, `extraneous commas in port list "80,"`},
		{"8o", nil, `invalid port "8o"`},
		{"65536", nil, `invalid port "65536"`},
		{"80-85", nil, `invalid port "80-85"`},
	}
	for _, tc := range tests {
		got, err := parsePorts(tc.in)
		if err != tc.err {
			t.Errorf("parsePorts(%q) error = %q, want %q", tc.in, err, tc.err)
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("parsePorts(%q) (-want +got):\n%s", tc.in, diff)
		}
	}
}

func TestLinkLocal(t *testing.T) {
	// The vector PVE's documentation and tests use.
	got, ok := linkLocal("0e:0b:38:b8:b3:21")
	if want := netip.MustParseAddr("fe80::c0b:38ff:feb8:b321"); !ok || got != want {
		t.Errorf("linkLocal = %v, %v; want %v", got, ok, want)
	}
	if _, ok := linkLocal("not-a-mac"); ok {
		t.Error("linkLocal accepted a bad MAC")
	}
}

func TestRateLimit(t *testing.T) {
	tests := []struct {
		value string
		want  ir.RateLimit
		bad   bool
	}{
		{"", ir.RateLimit{Enabled: true, Rate: 1, Unit: "second", Burst: 5}, true},
		{"1", ir.RateLimit{Enabled: true, Rate: 1, Unit: "second", Burst: 5}, false},
		{"0", ir.RateLimit{Enabled: false, Rate: 1, Unit: "second", Burst: 5}, false},
		{"enable=1,rate=10/minute,burst=20", ir.RateLimit{Enabled: true, Rate: 10, Unit: "minute", Burst: 20}, false},
		{"1,rate=3/hour", ir.RateLimit{Enabled: true, Rate: 3, Unit: "hour", Burst: 5}, false},
		{"enable=yes,rate=2", ir.RateLimit{Enabled: true, Rate: 2, Unit: "second", Burst: 5}, false},
		{"enable=1,rate=5/fortnight", ir.RateLimit{Enabled: true, Rate: 1, Unit: "second", Burst: 5}, true},
		{"enable=1,rate=0/second", ir.RateLimit{Enabled: true, Rate: 1, Unit: "second", Burst: 5}, true},
		{"enable=1,colour=red", ir.RateLimit{Enabled: true, Rate: 1, Unit: "second", Burst: 5}, true},
	}
	for _, tc := range tests {
		var d ir.Diags
		f := &grammar.File{Kind: grammar.Cluster, Options: []*grammar.Option{{Key: "log_ratelimit", Value: tc.value}}}
		got := collectOptions(f, clusterOptions, &d).rateLimit()
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("rateLimit(%q) (-want +got):\n%s", tc.value, diff)
		}
		if d.HasErrors() != tc.bad {
			t.Errorf("rateLimit(%q) errors = %v, want errors %v", tc.value, d, tc.bad)
		}
	}
}
