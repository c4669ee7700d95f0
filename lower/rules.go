package lower

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/fwc-project/fwc/grammar"
	"github.com/fwc-project/fwc/ir"
	"github.com/fwc-project/fwc/macros"
	"github.com/fwc-project/fwc/netdb"
	"github.com/fwc-project/fwc/suggest"
)

// envKind is the rule list a rule belongs to; it decides which rule types,
// interfaces and scopes are allowed (pve-format.md §4.2).
type envKind int

const (
	envCluster envKind = iota
	envHost
	envGuest
	envGroup
	envVNet
)

func (k envKind) String() string {
	return [...]string{"cluster", "host", "guest", "group", "vnet"}[k]
}

// ruleEnv is the context a rule is lowered in.
type ruleEnv struct {
	kind  envKind
	guest *guestEnv // envGuest only
}

// guestEnv is what guest rules may refer to.
type guestEnv struct {
	vmid  int
	nics  []ir.NIC
	scope *scope
}

// lowered is the result of one rule line.
type lowered struct {
	dir   ir.Direction
	group bool // a GROUP line: rules holds one Jump, valid for every direction
	rules []ir.Rule
}

// ruleOpts are a rule's options by canonical name.
type ruleOpts struct {
	iface, proto, dport, sport, source, dest, log, icmpType *grammar.RuleOption
}

// optionNames maps every accepted spelling (without dashes) to its slot.
var optionNames = map[string]func(*ruleOpts) **grammar.RuleOption{
	"i":         func(o *ruleOpts) **grammar.RuleOption { return &o.iface },
	"iface":     func(o *ruleOpts) **grammar.RuleOption { return &o.iface },
	"p":         func(o *ruleOpts) **grammar.RuleOption { return &o.proto },
	"proto":     func(o *ruleOpts) **grammar.RuleOption { return &o.proto },
	"dport":     func(o *ruleOpts) **grammar.RuleOption { return &o.dport },
	"sport":     func(o *ruleOpts) **grammar.RuleOption { return &o.sport },
	"source":    func(o *ruleOpts) **grammar.RuleOption { return &o.source },
	"dest":      func(o *ruleOpts) **grammar.RuleOption { return &o.dest },
	"log":       func(o *ruleOpts) **grammar.RuleOption { return &o.log },
	"icmp-type": func(o *ruleOpts) **grammar.RuleOption { return &o.icmpType },
}

// allowedTypes lists the rule types per rule list (pve-format.md §4.2).
var allowedTypes = map[envKind][]string{
	envCluster: {"in", "out", "forward", "group"},
	envHost:    {"in", "out", "forward", "group"},
	envGuest:   {"in", "out", "group"},
	envGroup:   {"in", "out", "forward"},
	envVNet:    {"forward", "group"},
}

// macroAction matches "Name(VERDICT)".
var macroAction = regexp.MustCompile(`^([^()\s]+)\(([A-Za-z]+)\)$`)

// lowerRule checks one rule line and expands it into IR rules. ok is false
// when the rule had errors and was left out.
func (l *lowerer) lowerRule(r *grammar.Rule, env ruleEnv) (lowered, bool) {
	start := len(l.d)
	out := l.lowerRuleInner(r, env)
	for _, d := range l.d[start:] {
		if d.Severity == ir.Error {
			return lowered{}, false
		}
	}
	return out, true
}

func (l *lowerer) lowerRuleInner(r *grammar.Rule, env ruleEnv) lowered {
	typ := strings.ToLower(r.Type)
	if !contains(allowedTypes[env.kind], typ) {
		l.d.Add(r.TypePos, ir.CodeInvalidRuleType, "rule type %q is not allowed in %s rules (allowed: %s)",
			r.Type, env.kind, strings.ToUpper(strings.Join(allowedTypes[env.kind], ", ")))
		return lowered{}
	}
	opts := l.ruleOptions(r)
	if typ == "group" {
		return l.lowerGroupRule(r, opts, env)
	}
	dir := map[string]ir.Direction{"in": ir.In, "out": ir.Out, "forward": ir.Forward}[typ]
	verdict, macro := l.action(r)
	base := ir.Rule{Pos: r.Pos, Verdict: verdict, Comment: r.Comment}
	if verdict == ir.Jump {
		return lowered{}
	}
	l.ruleIface(&base, opts.iface, dir, env)
	l.ruleLog(&base, opts.log)
	m := l.ruleMatch(opts, env)
	if macro != nil {
		return lowered{dir: dir, rules: l.expandMacro(base, m, *macro, r)}
	}
	if rule, ok := m.apply(base); ok {
		return lowered{dir: dir, rules: []ir.Rule{rule}}
	}
	return lowered{dir: dir}
}

// ruleOptions sorts a rule's options into slots, rejecting unknown and
// repeated ones (PVE silently keeps the last; fwc refuses to guess).
func (l *lowerer) ruleOptions(r *grammar.Rule) ruleOpts {
	var o ruleOpts
	for _, opt := range r.Options {
		name := strings.TrimLeft(opt.Name, "-")
		slot, ok := optionNames[name]
		if !ok || len(opt.Name)-len(name) > 2 {
			l.d.Add(opt.Pos, ir.CodeUnknownRuleOption, "unknown rule option %q%s (known: -i, -p, -dport, -sport, -source, -dest, -log, -icmp-type)", opt.Name,
				suggest.Hint(opt.Name, []string{"-dport", "-sport", "-source", "-dest", "-log", "-icmp-type"}))
			continue
		}
		p := slot(&o)
		if *p != nil {
			*l.dAppend() = ir.Diag(opt.Pos, ir.CodeDuplicateRuleOption, "option %s given twice", opt.Name).WithRelated((*p).Pos, "first given here")
			continue
		}
		*p = opt
	}
	return o
}

func (l *lowerer) dAppend() *ir.Diagnostic {
	l.d = append(l.d, ir.Diagnostic{})
	return &l.d[len(l.d)-1]
}

// action splits "ACCEPT" or "Macro(ACCEPT)".
func (l *lowerer) action(r *grammar.Rule) (ir.Verdict, *macros.Macro) {
	word, macroName := r.Action, ""
	if m := macroAction.FindStringSubmatch(r.Action); m != nil {
		macroName, word = m[1], m[2]
	}
	v, ok := map[string]ir.Verdict{"ACCEPT": ir.Accept, "DROP": ir.Drop, "REJECT": ir.Reject}[strings.ToUpper(word)]
	if !ok {
		l.d.Add(r.ActionPos, ir.CodeInvalidAction, "unknown action %q (want ACCEPT, DROP, REJECT or Macro(ACCEPT|DROP|REJECT))", r.Action)
		return ir.Jump, nil
	}
	if word != strings.ToUpper(word) {
		fixed := strings.ToUpper(word)
		if macroName != "" {
			fixed = macroName + "(" + strings.ToUpper(word) + ")"
		}
		l.d = append(l.d, ir.Diag(r.ActionPos, ir.CodeVerdictCase, "verdict %q should be upper case (PVE rejects %q)", word, word).
			WithFix(r.ActionPos, r.Action, fixed))
	}
	if macroName == "" {
		return v, nil
	}
	m, ok := macros.Lookup(macroName)
	if !ok {
		var known []string
		for _, m := range macros.All() {
			known = append(known, m.Name)
		}
		l.d.Add(r.ActionPos, ir.CodeUnknownMacro, "unknown macro %q%s", macroName, suggest.Hint(macroName, known))
		return ir.Jump, nil
	}
	return v, &m
}

// lowerGroupRule handles "GROUP name [-i iface]".
func (l *lowerer) lowerGroupRule(r *grammar.Rule, o ruleOpts, env ruleEnv) lowered {
	for _, extra := range []*grammar.RuleOption{o.proto, o.dport, o.sport, o.source, o.dest, o.log, o.icmpType} {
		if extra != nil {
			l.d.Add(extra.Pos, ir.CodeInvalidGroupRule, "only -i may follow a GROUP rule, not %s", extra.Name)
		}
	}
	g := l.resolveGroup(r.Action, r.ActionPos)
	if g == nil {
		return lowered{}
	}
	rule := ir.Rule{Pos: r.Pos, Verdict: ir.Jump, Group: g.name, Comment: r.Comment}
	if o.iface != nil && env.kind == envVNet {
		l.d.Add(o.iface.Pos, ir.CodeIfaceNotAllowed, "-i is not allowed in VNet rules")
	}
	l.ruleIface(&rule, o.iface, ir.In, env)
	return lowered{group: true, rules: []ir.Rule{rule}}
}

// ifacePattern is PVE's interface name check for host rules.
var ifacePattern = regexp.MustCompile(`^(?i)[a-z][a-z0-9_]{1,20}([:.]\d+)?$`)

// ruleIface checks -i: a kernel interface for host and cluster rules, netN
// for guest rules; group bodies and forward rules take none.
func (l *lowerer) ruleIface(r *ir.Rule, o *grammar.RuleOption, dir ir.Direction, env ruleEnv) {
	if o == nil {
		return
	}
	switch {
	case env.kind == envGroup:
		l.d.Add(o.Pos, ir.CodeIfaceNotAllowed, "-i is not allowed inside a security group; put it on the GROUP rule")
	case dir == ir.Forward && r.Verdict != ir.Jump:
		l.d.Add(o.Pos, ir.CodeIfaceNotAllowed, "-i is not allowed on FORWARD rules")
	case env.kind == envGuest:
		for _, n := range env.guest.nics {
			if "net"+strconv.Itoa(n.Index) == o.Value {
				r.Iface = n.Iface
				return
			}
		}
		var known []string
		for _, n := range env.guest.nics {
			known = append(known, "net"+strconv.Itoa(n.Index))
		}
		l.d.Add(o.ValuePos, ir.CodeUnknownInterface, "guest %d has no interface %q%s (it has: %s)", env.guest.vmid, o.Value, suggest.Hint(o.Value, known), nicList(env.guest.nics))
	case !ifacePattern.MatchString(o.Value):
		l.d.Add(o.ValuePos, ir.CodeInvalidInterface, "invalid network interface name %q", o.Value)
	default:
		// An "eth0:1" label is an address alias, not an interface: the
		// packet's interface is eth0.
		name, _, _ := strings.Cut(o.Value, ":")
		r.Iface = name
	}
}

func nicList(nics []ir.NIC) string {
	if len(nics) == 0 {
		return "no interfaces"
	}
	// Runs of consecutive indices print as "net0-net31".
	var names []string
	for i := 0; i < len(nics); {
		j := i
		for j+1 < len(nics) && nics[j+1].Index == nics[j].Index+1 {
			j++
		}
		name := "net" + strconv.Itoa(nics[i].Index)
		if j > i+1 {
			name += "-net" + strconv.Itoa(nics[j].Index)
			i = j + 1
		} else {
			i++
		}
		names = append(names, name)
	}
	return strings.Join(names, ", ")
}

// ruleLog checks -log.
func (l *lowerer) ruleLog(r *ir.Rule, o *grammar.RuleOption) {
	if o == nil {
		return
	}
	lvl, ok := parseLogLevel(o.Value)
	if !ok || o.Value == "" {
		l.d.Add(o.ValuePos, ir.CodeInvalidLogLevel, "invalid log level %q (want %s)", o.Value, logLevelWords)
		return
	}
	r.Log = lvl
}

// resolveGroup finds a security group by name, case-insensitively.
func (l *lowerer) resolveGroup(name string, pos ir.Pos) *groupDef {
	g, ok := l.groups[strings.ToLower(name)]
	if !ok {
		var known []string
		for _, key := range l.order {
			known = append(known, l.groups[key].def.Name)
		}
		l.d.Add(pos, ir.CodeUnknownGroup, "no such security group %q%s", name, suggest.Hint(name, known))
		return nil
	}
	if g.def.Name != name {
		l.d = append(l.d, ir.Diag(pos, ir.CodeNameCase, "group reference %q differs in case from its definition %q (PVE would not resolve it)", name, g.def.Name).
			WithFix(pos, name, g.def.Name))
	}
	g.used = true
	return g
}

// protoFamily is the family a protocol pins: ICMP is IPv4, ICMPv6 IPv6.
func protoFamily(num uint8) ir.Family {
	switch num {
	case 1:
		return ir.IPv4
	case 58:
		return ir.IPv6
	}
	return ir.Any
}

func isICMP(num uint8) bool { return num == 1 || num == 58 }

// checkProto resolves a protocol word.
func (l *lowerer) checkProto(o *grammar.RuleOption) (string, uint8, bool) {
	name, num, ok := netdb.Protocol(o.Value)
	if !ok {
		l.d.Add(o.ValuePos, ir.CodeUnknownProtocol, "unknown protocol %q", o.Value)
	}
	return name, num, ok
}
