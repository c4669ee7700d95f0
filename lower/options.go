package lower

import (
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/fwc-project/fwc/grammar"
	"github.com/fwc-project/fwc/ir"
	"github.com/fwc-project/fwc/netdb"
	"github.com/fwc-project/fwc/suggest"
)

// optionSet holds the options of one file after the last-one-wins rule,
// keyed by lower-case key, so the typed readers below can look them up.
type optionSet struct {
	byKey map[string]*grammar.Option
	d     *ir.Diags
}

// collectOptions indexes a file's options, warning about keys the file kind
// does not know and about repeated keys (PVE keeps the last one).
func collectOptions(f *grammar.File, known []string, d *ir.Diags) optionSet {
	s := optionSet{byKey: map[string]*grammar.Option{}, d: d}
	if f == nil {
		return s
	}
	for _, o := range f.Options {
		key := strings.ToLower(o.Key)
		if !contains(known, key) {
			d.Add(o.Pos, ir.CodeUnknownOption, "unknown option %q for a %s file%s", o.Key, f.Kind, suggest.Hint(key, known))
			continue
		}
		if prev, ok := s.byKey[key]; ok {
			w := ir.Diag(o.Pos, ir.CodeDuplicateOption, "option %q set twice; the last value wins", key).WithRelated(prev.Pos, "first set here")
			*d = append(*d, w)
		}
		s.byKey[key] = o
	}
	return s
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// boolean reads a 0/1 option (NFT's true/false/yes/no/on/off are accepted too).
func (s optionSet) boolean(key string, def bool) bool {
	o := s.byKey[key]
	if o == nil {
		return def
	}
	switch strings.ToLower(o.Value) {
	case "1", "true", "yes", "on":
		return true
	case "0", "false", "no", "off":
		return false
	}
	s.d.Add(o.ValuePos, ir.CodeInvalidOptionValue, "option %q wants 0 or 1, got %q", key, o.Value)
	return def
}

// integer reads a non-negative decimal option.
func (s optionSet) integer(key string, def int) int {
	o := s.byKey[key]
	if o == nil {
		return def
	}
	n, err := strconv.Atoi(o.Value)
	if err != nil || n < 0 {
		s.d.Add(o.ValuePos, ir.CodeInvalidOptionValue, "option %q wants a non-negative integer, got %q", key, o.Value)
		return def
	}
	return n
}

// sysctlOptions are the host.fw options PVE applies as kernel settings,
// with the range its schema allows (pve-format.md §3.2).
var sysctlOptions = []struct {
	option, key string
	min, max    int
}{
	{"nf_conntrack_max", "net.netfilter.nf_conntrack_max", 32768, math.MaxInt32},
	{"nf_conntrack_tcp_timeout_established", "net.netfilter.nf_conntrack_tcp_timeout_established", 7875, math.MaxInt32},
	{"nf_conntrack_tcp_timeout_syn_recv", "net.netfilter.nf_conntrack_tcp_timeout_syn_recv", 30, 60},
}

// sysctls reads the kernel settings that are set, in sysctlOptions' order.
func (s optionSet) sysctls() []ir.Sysctl {
	var out []ir.Sysctl
	for _, so := range sysctlOptions {
		o := s.byKey[so.option]
		if o == nil {
			continue
		}
		n, err := strconv.Atoi(o.Value)
		if err != nil || n < so.min || n > so.max {
			s.d.Add(o.ValuePos, ir.CodeInvalidOptionValue, "option %q wants an integer from %d to %d, got %q", so.option, so.min, so.max, o.Value)
			continue
		}
		out = append(out, ir.Sysctl{Key: so.key, Value: n})
	}
	return out
}

// ignored warns that an option set to a value that asks for something fwc
// does not do has no effect, and why.
func (s optionSet) ignored(set bool, key, why string) {
	if o := s.byKey[key]; o != nil && set {
		s.d.Add(o.Pos, ir.CodeIgnoredOption, "option %q is ignored: %s", key, why)
	}
}

// policy reads ACCEPT, DROP or REJECT (any case).
func (s optionSet) policy(key string, def ir.Verdict, allowReject bool) (ir.Verdict, ir.Pos) {
	o := s.byKey[key]
	if o == nil {
		return def, ir.Pos{}
	}
	switch strings.ToUpper(o.Value) {
	case "ACCEPT":
		return ir.Accept, o.Pos
	case "DROP":
		return ir.Drop, o.Pos
	case "REJECT":
		if allowReject {
			return ir.Reject, o.Pos
		}
	}
	want := "ACCEPT, DROP or REJECT"
	if !allowReject {
		want = "ACCEPT or DROP"
	}
	s.d.Add(o.ValuePos, ir.CodeInvalidOptionValue, "option %q wants %s, got %q", key, want, o.Value)
	return def, ir.Pos{}
}

// logLevel reads a log level word; an empty value means nolog.
func (s optionSet) logLevel(key string) ir.LogLevel {
	o := s.byKey[key]
	if o == nil {
		return ir.NoLog
	}
	l, ok := parseLogLevel(o.Value)
	if !ok {
		s.d.Add(o.ValuePos, ir.CodeInvalidOptionValue, "option %q wants a log level (%s), got %q", key, logLevelWords, o.Value)
	}
	return l
}

const logLevelWords = "emerg, alert, crit, err, warning, notice, info, debug, nolog"

func parseLogLevel(v string) (ir.LogLevel, bool) {
	switch v {
	case "", "nolog":
		return ir.NoLog, true
	case "warn":
		return ir.Warn, true
	}
	for l := ir.Emerg; l <= ir.Debug; l++ {
		if l.String() == v {
			return l, true
		}
	}
	return ir.NoLog, false
}

// The option keys each file kind knows (documented in optiondocs.go).
var (
	clusterOptions = keys(grammar.Cluster)
	hostOptions    = keys(grammar.Host)
	guestOptions   = keys(grammar.Guest)
	vnetOptions    = keys(grammar.VNet)
)

// conntrackHelpers are the helpers PVE and NFT know (pve-format.md §9.5).
var conntrackHelpers = []string{"amanda", "ftp", "irc", "netbios-ns", "pptp", "sane", "sip", "snmp", "tftp"}

// helpers reads nf_conntrack_helpers: a comma list of known helper names.
func (s optionSet) helpers() []string {
	o := s.byKey["nf_conntrack_helpers"]
	if o == nil || strings.TrimSpace(o.Value) == "" {
		return nil
	}
	var out []string
	for _, h := range strings.Split(strings.ToLower(o.Value), ",") {
		h = strings.TrimSpace(h)
		if !contains(conntrackHelpers, h) {
			s.d.Add(o.ValuePos, ir.CodeInvalidOptionValue, "unknown conntrack helper %q (known: %s)", h, strings.Join(conntrackHelpers, ", "))
			continue
		}
		if !contains(out, h) {
			out = append(out, h)
		}
	}
	return out
}

// rateLimit reads log_ratelimit: "[enable=]0|1[,burst=N][,rate=N/unit]".
// Absent means enabled at 1/second with burst 5.
func (s optionSet) rateLimit() ir.RateLimit {
	rl := ir.RateLimit{Enabled: true, Rate: 1, Unit: "second", Burst: 5}
	o := s.byKey["log_ratelimit"]
	if o == nil {
		return rl
	}
	bad := func(format string, args ...any) ir.RateLimit {
		s.d.Add(o.ValuePos, ir.CodeInvalidOptionValue, "log_ratelimit: "+format, args...)
		return ir.RateLimit{Enabled: true, Rate: 1, Unit: "second", Burst: 5}
	}
	for i, part := range strings.Split(o.Value, ",") {
		key, val, hasKey := strings.Cut(part, "=")
		if !hasKey {
			if i != 0 {
				return bad("%q is not key=value", part)
			}
			key, val = "enable", part
		}
		switch strings.TrimSpace(key) {
		case "enable":
			switch strings.ToLower(strings.TrimSpace(val)) {
			case "1", "true", "yes", "on":
				rl.Enabled = true
			case "0", "false", "no", "off":
				rl.Enabled = false
			default:
				return bad("enable wants 0 or 1, got %q", val)
			}
		case "burst":
			n, err := strconv.Atoi(strings.TrimSpace(val))
			if err != nil || n < 0 {
				return bad("burst wants a non-negative integer, got %q", val)
			}
			rl.Burst = n
		case "rate":
			num, unit, _ := strings.Cut(strings.TrimSpace(val), "/")
			n, err := strconv.Atoi(num)
			if err != nil || n < 1 {
				return bad("rate wants N/second|minute|hour|day with N >= 1, got %q", val)
			}
			switch unit {
			case "", "sec":
				unit = "second"
			case "min":
				unit = "minute"
			case "second", "minute", "hour", "day":
			default:
				return bad("rate unit must be second, minute, hour or day, got %q", unit)
			}
			rl.Rate, rl.Unit = n, unit
		default:
			return bad("unknown key %q (want enable, rate, burst)", key)
		}
	}
	return rl
}

// ethertypes reads layer2_protocols: a comma list of ethertype names or
// numbers (netdb.Ethertype). Absent means nil (no restriction).
func (s optionSet) ethertypes(key string) []uint16 {
	o := s.byKey[key]
	if o == nil {
		return nil
	}
	out := []uint16{}
	for _, w := range strings.Split(o.Value, ",") {
		w = strings.TrimSpace(w)
		if w == "" {
			continue
		}
		t, ok := netdb.Ethertype(w)
		if !ok {
			s.d.Add(o.ValuePos, ir.CodeInvalidOptionValue, "option %q: unknown ethertype %q (an /etc/ethertypes name like ARP or a hex number like 0x88cc)", key, w)
			continue
		}
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	slices.Sort(out)
	return out
}
